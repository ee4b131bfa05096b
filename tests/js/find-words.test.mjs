// static/js/find-words.js: find in the page matches words by stem, as the library search
// does, with the last word a prefix while it is being typed.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { test } from "node:test";

import { fold, foldQuery } from "../../static/js/fold.js";
import { findWords, parseFind, wordsOf } from "../../static/js/find-words.js";
import { stem } from "../../static/js/stem.js";

const TEXTS = [
  "Then the other one said the thing.",
  "We're building it; she builds, they built.",
  "The metaverse is big. Metaverses, too.",
  "Don’t stop: a naïve plan beats no plan.",
  "Start small, listen, improve.",
];

function find(query, texts = TEXTS) {
  const perCue = texts.map((t) => wordsOf(fold(t)));
  const found = findWords(perCue, parseFind(foldQuery(query), { typing: true }));
  return found.matches.map((m) => texts[m.cue].slice(m.from, m.to));
}

test("a word matches whole words only, never inside another word", () => {
  assert.deepEqual(find("the"), ["the", "the", "The"]);
  assert.deepEqual(find("other"), ["other"]);
});

test("words match by stem, like the library search's porter tokenizer", () => {
  assert.deepEqual(find("builds"), ["building", "builds"]);
  assert.deepEqual(find("metaverse"), ["metaverse", "Metaverses"]);
  assert.equal(stem("running"), "run");
  assert.equal(stem("generalizations"), "gener");
  assert.equal(stem("at"), "at"); // shorter than three letters: as it is
});

test("the last word typed is a prefix only while it matches no whole word", () => {
  assert.deepEqual(find("metav"), ["metaverse", "Metaverses"]);
  assert.deepEqual(find("th"), ["Then", "the", "the", "thing", "they", "The"]); // no word "th"
  assert.deepEqual(find("the "), ["the", "the", "The"]); // a space ends the word: whole again
});

test("all words must be in a paragraph; side by side they are one match", () => {
  assert.deepEqual(find("naive plan"), ["naïve plan", "plan"]);
  assert.deepEqual(find("small improve"), ["small", "improve"]);
  assert.deepEqual(find("small nowhere"), []);
});

test("quotes make a phrase, punctuation splits words, accents and case fold", () => {
  assert.deepEqual(find('"start small"'), ["Start small"]);
  assert.deepEqual(find('"small start"'), []);
  assert.deepEqual(find("don't"), ["Don’t"]);
  assert.deepEqual(find("NAIVE"), ["naïve"]);
  assert.deepEqual(find("(or [a-z]+ $&"), []);
  assert.deepEqual(find(""), []);
});

test("an explicit * asks for a prefix", () => {
  assert.deepEqual(find("buil*"), ["building", "builds", "built"]);
});

test("a query is cut into terms as the library search cuts it (the shared table)", () => {
  const cases = JSON.parse(readFileSync(new URL("../fixtures/query_cases.json", import.meta.url)));
  for (const { q, terms } of cases.parse) {
    const got = parseFind(foldQuery(q)).map(({ words, phrase, prefix, excluded }) => ({ words, phrase, prefix, excluded }));
    assert.deepEqual(got, terms, JSON.stringify(q));
  }
});

test("-word leaves out the paragraphs holding it, as the library search does", () => {
  assert.deepEqual(find("plan -naive"), []);
  assert.deepEqual(find("small -nowhere"), ["small"]);
  assert.deepEqual(find("-plan"), []); // nothing wanted: nothing found
  assert.deepEqual(find("the -buil*"), ["the", "the", "The"]);
  assert.deepEqual(find("the -metaverses"), ["the", "the"]);
});
