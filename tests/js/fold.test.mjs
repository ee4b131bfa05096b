// static/js/fold.js: what in-page find treats as the same text, and how matches map back
// to the original characters.
import assert from "node:assert/strict";
import { test } from "node:test";

import { findAll, fold, foldQuery, originalRange, rangesOf } from "../../static/js/fold.js";

const CASES = [
  // [text, folded]
  ["Café", "cafe"],
  ["CAFÉ au lait", "cafe au lait"],
  ["naïve résumé", "naive resume"],
  ["don’t ‘quote’", "don't 'quote'"],
  ["“Hi” «there»", '"hi" "there"'],
  ["  lots \t of\n\nspace  ", "lots of space "],
  ["Ǆ ligature", "ǆ ligature"],
  ["emoji 😀 ok", "emoji 😀 ok"],
  ["(or) [a-z]+ $&", "(or) [a-z]+ $&"],
  ["", ""],
];

test("folding drops case, accents and curly quotes, and squeezes white space", () => {
  for (const [text, folded] of CASES) assert.equal(fold(text).text, folded, JSON.stringify(text));
});

test("the map leads each folded character back to its original offset", () => {
  const text = "  Ça  va? Très bien";
  const folded = fold(text);
  assert.equal(folded.map.length, folded.text.length + 1);
  assert.equal(folded.map.at(-1), text.length);
  for (let i = 0; i < folded.text.length; i += 1) {
    const original = text[folded.map[i]];
    assert.equal(fold(original).text || " ", folded.text[i] === " " ? " " : folded.text[i]);
  }
});

test("a match's original range covers the accented characters it came from", () => {
  const text = "Un cafe\u0301 noir";          // e + combining acute: two characters, one letter
  const [range] = rangesOf(fold(text), foldQuery("café"));
  assert.deepEqual(range, [3, 8]);
  assert.equal(text.slice(...range), "cafe\u0301");
  assert.deepEqual(originalRange(fold("abc"), 0, 3), [0, 3]);
});

test("queries are folded the same way and trimmed; punctuation is literal", () => {
  assert.equal(foldQuery("  Don’t  STOP "), "don't stop");
  assert.equal(rangesOf(fold("a.b a*b"), foldQuery(".")).length, 1);
  assert.equal(rangesOf(fold("aaaa"), "aa").length, 2);            // not overlapping
  assert.deepEqual(rangesOf(fold("anything"), ""), []);
});

test("findAll lists every match in document order, per cue and overall", () => {
  const texts = ["The cat", "no match", "the THE then"].map(fold);
  const { matches, byCue, first } = findAll(texts, foldQuery("the"));
  assert.deepEqual(matches.map((m) => m.cue), [0, 2, 2, 2]);
  assert.deepEqual(byCue.get(2), [[0, 3], [4, 7], [8, 11]]);
  assert.equal(first.get(2), 1);
  assert.equal(byCue.has(1), false);
  assert.equal(findAll(texts, "").matches.length, 0);
});
