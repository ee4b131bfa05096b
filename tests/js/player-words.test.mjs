// static/js/player-words.js finds the word at a character offset (a click on a word) as
// webapp/core/alignment/lookup.py does: both run tests/fixtures/word_cases.json.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { test } from "node:test";

import { wordAtOffset, wordAtTime } from "../../static/js/player-words.js";

const CASES = JSON.parse(readFileSync(new URL("../fixtures/word_cases.json", import.meta.url))).cases;

test("the word at an offset is the one the server finds", () => {
  for (const { text, words, at_offset: atOffset } of CASES) {
    for (const [offset, onset] of atOffset) {
      assert.equal(words[wordAtOffset(words, offset)][0], onset, `${text} @ ${offset}`);
    }
  }
});

test("the word said at a time is the last one begun by then", () => {
  const onsets = Float64Array.from([120, 400, 900]);
  assert.deepEqual([0.1, 0.12, 0.5, 0.9, 60].map((s) => wordAtTime(onsets, s)), [-1, 0, 1, 2, 2]);
});
