// Sentence highlighting inside the current cue.
//
// The cue text stays plain text nodes (possibly with <mark>s that find adds). A sentence
// is highlighted by wrapping the text it covers in <span class="sentence--now">
// (text-marks.js); clearing unwraps them. textContent never changes, and <mark>s (or
// anything else inside .cue-text) survive.
import { lastAtOrBefore } from "./time.js";
import { Highlight } from "./text-marks.js";

const CLASS = "sentence--now";
// The end of a sentence: terminal punctuation, closing quotes/brackets, then space.
const SENTENCE_END = /[.!?…]+["'”’»)\]]*\s+/g;

/** Character offsets where the sentences of ``text`` start (the first is 0). A full
 * stop followed by a lower-case letter ("e.g. this") does not end a sentence. */
export function sentenceStarts(text) {
  const starts = [0];
  SENTENCE_END.lastIndex = 0;
  let match;
  while ((match = SENTENCE_END.exec(text))) {
    const next = match.index + match[0].length;
    if (next >= text.length) break;
    const ch = text[next];
    if (ch.toLowerCase() === ch && ch.toUpperCase() !== ch) continue;
    starts.push(next);
  }
  return starts;
}

/** The sentence layout of one cue: offsets and estimated start times. */
export function sentenceModel(text, start, end) {
  const offsets = sentenceStarts(text);
  const total = text.length || 1;
  const length = Math.max(0, end - start);
  const times = offsets.map((offset) => start + (length * offset) / total);
  return { offsets, times, length: text.length };
}

/** Index of the sentence playing at ``seconds`` (the first one before its start). */
export function sentenceAt(model, seconds) {
  return Math.max(0, lastAtOrBefore(model.times, seconds));
}

/** Index of the sentence holding character ``offset``. */
export function sentenceOfOffset(model, offset) {
  return Math.max(0, lastAtOrBefore(model.offsets, offset));
}

/** Keeps the current sentence of the current cue highlighted. */
export class SentenceHighlighter {
  constructor() {
    this.models = new Map(); // cue element → sentence model (computed lazily)
    this.cue = null;
    this.text = null;
    this.model = null;
    this.highlight = new Highlight(CLASS);
  }

  /** The sentence model of a cue element (cached; text never changes). */
  modelOf(cue) {
    let model = this.models.get(cue);
    if (!model) {
      const text = cue.querySelector(".cue-text");
      model = sentenceModel(text ? text.textContent : "", Number(cue.dataset.start),
        Number(cue.dataset.end));
      this.models.set(cue, model);
    }
    return model;
  }

  /** The cue element that is now current (or null): forget the previous one's spans. */
  setCue(cue) {
    if (cue === this.cue) return;
    this.clear();
    this.cue = cue;
    this.text = cue ? cue.querySelector(".cue-text") : null;
    this.model = null;
    if (this.text) {
      const model = this.modelOf(cue);
      // Only worth it for a cue of more than one sentence.
      if (model.offsets.length > 1) this.model = model;
    }
  }

  /** Highlight the sentence playing at ``seconds``; O(log sentences), DOM only on change. */
  update(seconds) {
    const model = this.model;
    if (!model) return;
    const index = sentenceAt(model, seconds);
    const from = model.offsets[index];
    let to = index + 1 < model.offsets.length ? model.offsets[index + 1] : model.length;
    const full = this.text.textContent;
    while (to > from && /\s/.test(full[to - 1])) to -= 1;
    this.highlight.show(this.text, index, from, to);
  }

  clear() {
    this.highlight.clear();
  }
}
