// The word being said, highlighted in the current cue (karaoke, like Apple Podcasts),
// from the episode's word timings: words.json, fetched after the page is ready (the page
// itself carries no element per word). One span wraps the current word (text-marks.js),
// as the sentence highlight does; cues without timings keep the sentence estimate.
//
// words.json: {"version": 1, "cues": [null | {"start": ms, "words": [[ms, from, to], …]}]}
import { lastAtOrBefore } from "./time.js";
import { unwrap, wrapRange } from "./text-marks.js";

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
    this.onsets = new Map(); // cue → Float64Array of onsets (ms)
    this.cue = -1;
    this.index = -1;
    this.spans = [];
  }

  /** Fetch the timings; the current cue switches to word highlighting once they arrive. */
  async load(url) {
    try {
      const response = await fetch(url, { credentials: "same-origin" });
      if (!response.ok) return;
      const data = await response.json();
      if (!data || !Array.isArray(data.cues) || data.cues.length !== this.player.cues.length) return;
      this.entries = data.cues;
    } catch {
      return; // no timings: the sentence estimate stays
    }
    this.player.page.dataset.words = "ready";
    this.player.refreshHighlight();
  }

  has(index) {
    return Boolean(this.entries && index >= 0 && this.entries[index] && this.entries[index].words.length);
  }

  onsetsOf(index) {
    let onsets = this.onsets.get(index);
    if (!onsets) {
      onsets = Float64Array.from(this.entries[index].words, (w) => w[0]);
      this.onsets.set(index, onsets);
    }
    return onsets;
  }

  setCue(index) {
    if (index === this.cue) return;
    this.clear();
    this.cue = index;
  }

  /** Highlight the word said at ``seconds``; false when this cue has no word timings. */
  update(seconds) {
    if (!this.has(this.cue)) return false;
    const index = Math.max(0, wordAtTime(this.onsetsOf(this.cue), seconds));
    const stale = this.spans.length > 0 && !this.spans[0].isConnected;
    if (index === this.index && !stale) return true;
    const text = this.player.cues[this.cue].querySelector(".cue-text");
    if (!text || selectionTouches(text)) return true; // not under the reader's selection
    this.clear();
    const [, from, to] = this.entries[this.cue].words[index];
    this.spans = wrapRange(text, from, to, "span", CLASS);
    this.index = index;
    return true;
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
    if (this.spans.length) unwrap(this.spans);
    this.spans = [];
    this.index = -1;
  }
}

function selectionTouches(element) {
  const selection = window.getSelection();
  if (!selection || selection.isCollapsed || !selection.rangeCount) return false;
  return selection.getRangeAt(0).intersectsNode(element);
}
