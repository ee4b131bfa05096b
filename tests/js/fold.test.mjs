// static/js/fold.js: what in-page find treats as the same text, and how matches map back
// to the original characters.
import assert from "node:assert/strict";
import { test } from "node:test";

import { fold, foldQuery, originalRange } from "../../static/js/fold.js";

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
  const folded = fold(text);
  const at = folded.text.indexOf(foldQuery("café"));
  const range = originalRange(folded, at, at + 4);
  assert.deepEqual(range, [3, 8]);
  assert.equal(text.slice(...range), "cafe\u0301");
  assert.deepEqual(originalRange(fold("abc"), 0, 3), [0, 3]);
});

test("queries are folded the same way and trimmed", () => {
  assert.equal(foldQuery("  Don’t  STOP "), "don't stop");
});
