// static/js/time.js reads and writes every time form by the same rules as the server:
// the cases are the table tests/test_moments.py checks webapp/core/moments.py against.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { test } from "node:test";

import {
  clock, formatT, formatTime, fragmentMoment, lastAtOrBefore, momentHref, parseMoment, parseTime,
  shortClock, startMoment,
} from "../../static/js/time.js";

const CASES = JSON.parse(readFileSync(new URL("../fixtures/time_cases.json", import.meta.url)));
const close = (got, want, what) => assert.ok(Math.abs(got - want) < 1e-3, `${what}: ${got} != ${want}`);

test("every valid time reads as the server reads it", () => {
  for (const [text, seconds] of CASES.valid_times) close(parseTime(text), seconds, JSON.stringify(text));
});

test("every invalid time is refused", () => {
  for (const text of CASES.invalid_times) assert.equal(parseTime(text), null, JSON.stringify(text));
});

test("moments: starts, ends, and the ones the server refuses with a notice", () => {
  for (const { t, start, end } of CASES.moments) {
    const got = parseMoment(t, CASES.duration);
    if (start === null) assert.equal(got, null, JSON.stringify(t));
    else assert.deepEqual(got, { start, end }, JSON.stringify(t));
  }
});

test("links and clocks are spelled as the server spells them", () => {
  for (const [start, end, want] of CASES.format_t) assert.equal(formatT(start, end), want);
  for (const [start, end, number, want] of CASES.moment_href) assert.equal(momentHref(start, end, number), want);
  for (const [seconds, want] of CASES.clock) assert.equal(clock(seconds), want);
  for (const [seconds, want] of CASES.short_clock) assert.equal(shortClock(seconds), want);
  assert.equal(formatTime(754.1234), "754.123");
});

test("lastAtOrBefore is a binary search for the cue playing at a time", () => {
  const starts = Float64Array.from([0, 10, 10, 25.5, 40]);
  const want = [[-1, -1], [0, 0], [9.99, 0], [10, 2], [25.5, 3], [39, 3], [1e9, 4]];
  for (const [t, index] of want) assert.equal(lastAtOrBefore(starts, t), index, String(t));
  assert.equal(lastAtOrBefore([], 5), -1);
});

test("media fragments: #t= alone or among other keys, any time form, ranges", () => {
  assert.deepEqual(fragmentMoment("#t=754", 4000), { start: 754, end: null });
  assert.deepEqual(fragmentMoment("#a=1&t=npt:12:34,13:00", 4000), { start: 754, end: 780 });
  assert.equal(fragmentMoment("#cue-3", 4000), null);
  assert.equal(fragmentMoment("#t=nonsense", 4000), null);
  assert.equal(fragmentMoment("", 4000), null);
});

function page(data) {
  return { dataset: { duration: "4000", ...data } };
}

test("startMoment: the server's ?t= wins over #t=, and any t in the URL counts as asked", () => {
  const at = (search, hash) => ({ search, hash });
  assert.deepEqual(startMoment(page({ startAt: "754", endAt: "800" }), at("?t=754,800", "#t=5")),
    { start: 754, end: 800, asked: true });
  assert.deepEqual(startMoment(page({ startAt: "754" }), at("?t=754", "")), { start: 754, end: null, asked: true });
  assert.deepEqual(startMoment(page({}), at("", "#t=1:00,1:30")), { start: 60, end: 90, asked: true });
  assert.deepEqual(startMoment(page({}), at("?t=oops", "")), { start: null, end: null, asked: true });
  assert.deepEqual(startMoment(page({}), at("?x=1", "#cue-4")), { start: null, end: null, asked: false });
});

test("a moment's link keeps the transcript language the page shows", () => {
  assert.equal(momentHref(754, null, 12, "de"), "?t=754&lang=de#cue-12");
  assert.equal(momentHref(754, 800, null, "zh-Hant"), "?t=754,800&lang=zh-Hant");
  assert.equal(momentHref(754, null, null, ""), "?t=754");
  assert.equal(momentHref(754), "?t=754");            // no page (Node): no language
});
