// The word being said, highlighted in the current cue (karaoke, like Apple Podcasts),
// from the episode's word timings: words.json, fetched after the page is ready (the page
// itself carries no element per word). One span wraps the current word (text-marks.js),
// as the sentence highlight does; cues without timings keep the sentence estimate.
//
// words.json: {"version": 1, "cues": [null | {"start": ms, "words": [[ms, from, to], …]}]}
import { lastAtOrBefore } from "./time.js";
import { Highlight } from "./text-marks.js";

const CLASS = "word--now";

/** Index of the word holding (or last before) character ``offset`` of a cue's text. */
export function wordAtOffset(words, offset) {
  let found = 0;
  for (let k = 0; k < words.length && words[k][1] <= offset; k += 1) found = k;
  return found;
}

/** Index of the word being said at ``seconds`` (-1 before the first). */
export function wordAtTime(onsets, seconds) {
  return lastAtOrBefore(onsets, seconds * 1000);
}

export class WordHighlighter {
  constructor(player) {
    this.player = player;
    this.entries = null; // per cue: {start, words} or null
    this.onsets = []; // per cue: Float64Array of its words' onsets (ms), or null
    this.cue = -1;
    this.highlight = new Highlight(CLASS);
  }

  /** Fetch the timings; the current cue switches to word highlighting once they arrive. */
  async load(url) {
    try {
      const response = await fetch(url, { credentials: "same-origin" });
      if (!response.ok) return;
      const data = await response.json();
      if (!data || !Array.isArray(data.cues) || data.cues.length !== this.player.cues.length) return;
      this.entries = data.cues;
      this.onsets = data.cues.map((entry) => (entry ? Float64Array.from(entry.words, (w) => w[0]) : null));
    } catch {
      return; // no timings: the sentence estimate stays
    }
    this.player.page.dataset.words = "ready";
    this.player.refreshHighlight();
  }

  has(index) {
    return Boolean(this.entries && index >= 0 && this.entries[index] && this.entries[index].words.length);
  }

  setCue(index) {
    if (index === this.cue) return;
    this.clear();
    this.cue = index;
  }

  /** Highlight the word said at ``seconds``; false when this cue has no word timings. */
  update(seconds) {
    if (!this.has(this.cue)) return false;
    const index = Math.max(0, wordAtTime(this.onsets[this.cue], seconds));
    const text = this.player.cues[this.cue].querySelector(".cue-text");
    if (!text) return true;
    const [, from, to] = this.entries[this.cue].words[index];
    this.highlight.show(text, index, from, to);
    return true;
  }

  /** Characters [from, to) of the word said at ``seconds`` in cue ``index``, or null
   *  when that cue has no word timings. */
  span(index, seconds) {
    if (!this.has(index)) return null;
    const k = Math.max(0, wordAtTime(this.onsets[index], seconds));
    const [, from, to] = this.entries[index].words[k];
    return [from, to];
  }

  /** Seconds of the word at character ``offset`` of cue ``index`` (with ``end``: when
   *  the word after it starts, or the cue's end), or null without timings. */
  timeAt(index, offset, { end = false } = {}) {
    if (!this.has(index)) return null;
    const words = this.entries[index].words;
    const k = wordAtOffset(words, offset);
    if (!end) return words[k][0] / 1000;
    return k + 1 < words.length ? words[k + 1][0] / 1000 : null;
  }

  clear() {
    this.highlight.clear();
  }
}
