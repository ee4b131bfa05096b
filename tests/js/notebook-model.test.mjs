// static/js/notebook-model.js: a highlight finds its words again in a changed transcript
// (the text is the truth, the time breaks ties), its Markdown, and a notebook file
// imported back without duplicates.
import assert from "node:assert/strict";
import { test } from "node:test";

import { FORMAT, locate, makeHighlight, toFile, toImport, toMarkdown } from "../../static/js/notebook-model.js";

const TEXTS = [
  "The tide came in. We waited on the rocks.",
  "The tide came in again at night, and the lantern swung.",
  "Nobody spoke while the tide came in.",
];
const CUES = TEXTS.map((text, i) => ({ text, start: i * 60 }));

function made(first, from, last, to, start) {
  return makeHighlight({ episode: "sea", title: "Sea  talk", texts: TEXTS, first, from, last, to, start, end: start + 5 });
}

test("a highlight keeps its quote, its times and the text either side", () => {
  const h = made(1, 0, 1, 16, 60);
  assert.equal(h.quote, "The tide came in");
  assert.deepEqual([h.start, h.end], [60, 65]);
  assert.equal(h.title, "Sea talk");
  assert.equal(h.anchor.prefix, "ame in. We waited on the rocks. ");
  assert.equal(h.anchor.suffix, " again at night, and the lantern");
  assert.equal(h.v, 1);
});

test("the same words in several places: the context decides, then the time", () => {
  const second = made(1, 0, 1, 16, 60);                 // "The tide came in" of cue 2
  assert.deepEqual(locate(second, CUES), { cue: 1, from: 0, last: 1, to: 16, moved: false });
  const shifted = CUES.map((c) => ({ ...c, start: c.start + 7 })); // re-aligned: times move
  assert.equal(locate(second, shifted).cue, 1);
  // A correction before it moves its offsets; the words are still found.
  const corrected = [...TEXTS];
  corrected[1] = "At dusk. The tide came in again at night, and the lantern swung.";
  const place = locate(second, corrected.map((text, i) => ({ text, start: i * 60 })));
  assert.deepEqual([place.cue, place.from, place.to, place.moved], [1, 9, 25, true]);
  // Without its context, the nearest in time wins.
  assert.equal(locate({ ...second, anchor: {}, start: 10 }, CUES).cue, 0);
  assert.equal(locate({ ...second, anchor: {}, start: 50 }, CUES).cue, 1);
  assert.equal(locate({ ...second, quote: "words that are gone" }, CUES), null);
});

test("a highlight across two cues", () => {
  const h = made(0, 18, 1, 8, 10);
  assert.equal(h.quote, "We waited on the rocks. The tide");
  assert.deepEqual(locate(h, CUES), { cue: 0, from: 18, last: 1, to: 8, moved: false });
});

test("Markdown: title, link, each quote with its deep link and note, in listening order", () => {
  const late = { ...made(2, 0, 2, 12, 120), note: "Silence." };
  const early = made(0, 0, 0, 17, 1.25);
  const text = toMarkdown({ title: "Sea talk", url: "https://x.org/episodes/sea", clipUrl: "https://x.org/episodes/sea/clip.mp3" }, [late, early]);
  assert.ok(text.startsWith("# Sea talk\n\n<https://x.org/episodes/sea>\n"));
  assert.ok(text.indexOf("The tide came in.") < text.indexOf("Nobody spoke"));
  assert.ok(text.includes("## [0:01–0:06](https://x.org/episodes/sea?t=1.3,6.3)"));
  assert.ok(text.includes("## [2:00–2:05](https://x.org/episodes/sea?t=120,125)\n\n> Nobody spoke\n\nSilence.\n"));
  assert.ok(text.includes("[Clip (MP3)](https://x.org/episodes/sea/clip.mp3?t=120,125)"));
});

test("a highlight made in another language's transcript links to the page in it", () => {
  const h = makeHighlight({ episode: "sea", title: "Sea", texts: ["灯塔很高。"], first: 0, from: 0, last: 0, to: 2,
    start: 3, end: 4, lang: "zh" });
  assert.equal(h.lang, "zh");
  assert.equal(h.quote, "灯塔");
  assert.ok(toMarkdown({ title: "Sea", url: "https://x.org/episodes/sea" }, [h])
    .includes("## [0:03–0:04](https://x.org/episodes/sea?t=3,4&lang=zh)\n\n> 灯塔\n"));
  assert.equal("lang" in made(0, 0, 0, 17, 1), false);   // the main transcript's: none
});

test("importing a notebook file adds only what is not there", () => {
  const a = made(0, 0, 0, 17, 1);
  const b = made(1, 0, 1, 16, 60);
  const file = toFile([a, b]);
  assert.equal(JSON.parse(file).format, FORMAT);
  assert.deepEqual(toImport(file, [a]).added.map((h) => h.id), [b.id]);
  assert.equal(toImport(file, [a, b]).added.length, 0);
  const copy = { ...b, id: "another-id" };                // same words, same time: a duplicate
  assert.equal(toImport(toFile([copy]), [a, b]).added.length, 0);
  assert.throws(() => toImport("not json", []), /not a Listenalong notebook/);
  assert.throws(() => toImport(JSON.stringify({ format: FORMAT, version: 9, highlights: [] }), []), /version 9/);
  const broken = toImport(JSON.stringify({ format: FORMAT, version: 1, highlights: [{ id: "x" }, null] }), []);
  assert.deepEqual([broken.added.length, broken.skipped, broken.unreadable], [0, 0, 2]);
});
