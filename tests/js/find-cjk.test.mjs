// Find in Chinese and Japanese text (issue 26): nothing separates their words, so each
// character is a word and a query of several is a phrase of consecutive characters; kana
// keep their voicing marks when folded (が is not か).
import assert from "node:assert/strict";
import { test } from "node:test";

import { fold } from "../../static/js/fold.js";
import { findWords, parseFind, wordsOf } from "../../static/js/find-words.js";

function find(texts, query) {
  const perCue = texts.map((text) => wordsOf(fold(text)));
  const { matches } = findWords(perCue, parseFind(fold(query).text));
  return matches.map((m) => [m.cue, texts[m.cue].slice(m.from, m.to)]);
}

const CHINESE = ["欢迎收听新一期节目，今天我们聊聊灯塔。", "守塔人每天晚上都会数台阶。"];
const JAPANESE = ["新しいエピソードへようこそ。今日は灯台の話です。", "灯台守は毎晩、階段を数えていました。", "かいだん"];

test("a Chinese word inside a sentence is found, as a phrase of its characters", () => {
  assert.deepEqual(find(CHINESE, "灯塔"), [[0, "灯塔"]]);
  assert.deepEqual(find(CHINESE, "台阶"), [[1, "台阶"]]);
  assert.deepEqual(find(CHINESE, "塔"), [[0, "塔"], [1, "塔"]]);
  assert.deepEqual(find(CHINESE, "塔灯"), []);                   // in that order only
  assert.deepEqual(find(CHINESE, "节目 灯塔"), [[0, "节目"], [0, "灯塔"]]);   // both words, any order
});

test("Japanese: kanji and kana, and a voicing mark matters", () => {
  assert.deepEqual(find(JAPANESE, "灯台"), [[0, "灯台"], [1, "灯台"]]);
  assert.deepEqual(find(JAPANESE, "エピソード"), [[0, "エピソード"]]);
  assert.deepEqual(find(JAPANESE, "ようこそ"), [[0, "ようこそ"]]);
  assert.deepEqual(find(JAPANESE, "かいだん"), [[2, "かいだん"]]);
  assert.deepEqual(find(JAPANESE, "がいだん"), []);               // が is not か
});

test("Latin words beside them are words as before", () => {
  assert.deepEqual(find(["Der Leuchtturm 灯塔 stand am Meer."], "leuchtturm"), [[0, "Leuchtturm"]]);
  assert.deepEqual(find(["Der Leuchtturm 灯塔 stand am Meer."], "灯塔"), [[0, "灯塔"]]);
});
