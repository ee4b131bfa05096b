// Sentence highlighting inside the current cue.
//
// The cue text stays plain text nodes (possibly with <mark>s the search module adds).
// To highlight a sentence we split the text nodes it covers and wrap each piece in a
// <span class="sentence--now">; to clear it we unwrap the spans and merge the text back.
// textContent never changes, and <mark>s (or anything else inside .cue-text) survive.

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

/** Index of the last value in the ascending ``sorted`` that is <= ``value``; -1 if none. */
export function lastAtOrBefore(sorted, value) {
  let lo = 0;
  let hi = sorted.length - 1;
  let found = -1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (sorted[mid] <= value) {
      found = mid;
      lo = mid + 1;
    } else {
      hi = mid - 1;
    }
  }
  return found;
}

/** Index of the sentence playing at ``seconds`` (the first one before its start). */
export function sentenceAt(model, seconds) {
  return Math.max(0, lastAtOrBefore(model.times, seconds));
}

/** Index of the sentence holding character ``offset``. */
export function sentenceOfOffset(model, offset) {
  return Math.max(0, lastAtOrBefore(model.offsets, offset));
}

function textNodes(root) {
  const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
  const nodes = [];
  for (let node = walker.nextNode(); node; node = walker.nextNode()) nodes.push(node);
  return nodes;
}

/** Character offset of (node, offset) within ``root``'s textContent, or -1. */
export function textOffset(root, node, offset) {
  if (!root.contains(node)) return -1;
  if (node.nodeType !== Node.TEXT_NODE) {
    // A boundary between children: count the text before child ``offset``.
    const range = document.createRange();
    range.setStart(root, 0);
    range.setEnd(node, offset);
    return range.toString().length;
  }
  let position = 0;
  for (const text of textNodes(root)) {
    if (text === node) return position + offset;
    position += text.length;
  }
  return -1;
}

/** Wrap characters [from, to) of ``root``'s text in highlight spans; returns the spans. */
export function wrapRange(root, from, to) {
  const pieces = [];
  let position = 0;
  for (const node of textNodes(root)) {
    const start = position;
    position += node.length;
    if (position <= from) continue;
    if (start >= to) break;
    pieces.push([node, Math.max(from, start) - start, Math.min(to, position) - start]);
  }
  const spans = [];
  for (const [text, a, b] of pieces) {
    if (b <= a) continue;
    let node = text;
    if (a > 0) node = node.splitText(a);
    if (b - a < node.length) node.splitText(b - a);
    const span = document.createElement("span");
    span.className = CLASS;
    node.parentNode.insertBefore(span, node);
    span.appendChild(node);
    spans.push(span);
  }
  return spans;
}

/** Undo wrapRange: move the spans' children back out and merge the split text nodes. */
export function unwrap(spans) {
  const parents = new Set();
  for (const span of spans) {
    const parent = span.parentNode;
    if (!parent) continue;
    while (span.firstChild) parent.insertBefore(span.firstChild, span);
    parent.removeChild(span);
    parents.add(parent);
  }
  for (const parent of parents) {
    if (parent.isConnected) parent.normalize();
  }
}

/** Keeps the current sentence of the current cue highlighted. */
export class SentenceHighlighter {
  constructor() {
    this.models = new Map(); // cue element → sentence model (computed lazily)
    this.cue = null;
    this.text = null;
    this.model = null;
    this.index = -1;
    this.spans = [];
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
    const stale = this.spans.length > 0 && !this.spans[0].isConnected;
    if (index === this.index && !stale) return;
    if (selectionTouches(this.text)) return; // don't move nodes under the reader's selection
    this.clear();
    const from = model.offsets[index];
    let to = index + 1 < model.offsets.length ? model.offsets[index + 1] : model.length;
    const full = this.text.textContent;
    while (to > from && /\s/.test(full[to - 1])) to -= 1;
    this.spans = wrapRange(this.text, from, to);
    this.index = index;
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
