// static/js/prefs.js writes the preferences cookie that webapp/core/preferences.py reads:
// both run the table tests/fixtures/prefs_cases.json.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { test } from "node:test";

import { attributesOf, cookieValue } from "../../static/js/prefs.js";

const CASES = JSON.parse(readFileSync(new URL("../fixtures/prefs_cases.json", import.meta.url)));

test("choices are written as the cookie the server reads, and shown as it renders them", () => {
  for (const { values, cookie, attributes } of CASES.written) {
    assert.equal(cookieValue(values), cookie);
    assert.deepEqual(attributesOf(values), attributes);
  }
});

test("a choice left out is neither written nor shown", () => {
  assert.equal(cookieValue({ theme: "dark" }), "theme=dark");
  assert.deepEqual(attributesOf({ follow: false }), { follow: "off" });
});
