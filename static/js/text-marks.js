// Marking stretches of text inside an element without touching its textContent: the
// Text nodes a stretch covers are split and each piece is wrapped in an element of ours;
// unwrapping moves the pieces back and merges the text. Find (<mark>) and the sentence
// highlight (<span>) both use it, and each one's wrappers survive the other's.

/** The Text nodes under ``root``, in document order. */
export function textNodes(root) {
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

/** The box on screen of characters [from, to) of ``root``'s text (their first line's,
 *  when they wrap), or null when ``root`` has no text there. */
export function rangeBox(root, from, to) {
  const range = document.createRange();
  let position = 0;
  let started = false;
  for (const node of textNodes(root)) {
    const end = position + node.length;
    if (!started && from < end) {
      range.setStart(node, Math.max(0, from - position));
      started = true;
    }
    if (started && to <= end) {
      range.setEnd(node, Math.max(0, to - position));
      break;
    }
    position = end;
  }
  if (!started) return null;
  const rects = range.getClientRects();
  return rects.length ? rects[0] : range.getBoundingClientRect();
}

function wrapper(tag, className) {
  const element = document.createElement(tag);
  element.className = className;
  return element;
}

/** Wrap the sorted, disjoint character ``ranges`` of ``root``'s text, each piece in a new
 *  ``<tag class=className>``. Returns, per range, the wrappers made for it (more than one
 *  when a range spans Text nodes). Each Text node touched is replaced once, by a fragment:
 *  a common word with thousands of matches costs one DOM change per node, not per match. */
export function wrapRanges(root, ranges, tag, className) {
  const made = ranges.map(() => []);
  let r = 0;
  let position = 0;
  for (const node of textNodes(root)) {
    if (r >= ranges.length) break;
    const nodeStart = position;
    const nodeEnd = position + node.length;
    position = nodeEnd;
    if (ranges[r][0] >= nodeEnd) continue;
    const data = node.data;
    const fragment = document.createDocumentFragment();
    let at = 0; // offset in data already copied
    while (r < ranges.length && ranges[r][0] < nodeEnd) {
      const from = Math.max(ranges[r][0], nodeStart) - nodeStart;
      const to = Math.min(ranges[r][1], nodeEnd) - nodeStart;
      if (from > at) fragment.appendChild(document.createTextNode(data.slice(at, from)));
      if (to > from) {
        const element = wrapper(tag, className);
        element.appendChild(document.createTextNode(data.slice(from, to)));
        fragment.appendChild(element);
        made[r].push(element);
      }
      at = Math.max(at, to);
      if (ranges[r][1] <= nodeEnd) r += 1;
      else break; // the range goes on in the next text node
    }
    if (at === 0) continue;
    if (at < data.length) fragment.appendChild(document.createTextNode(data.slice(at)));
    node.parentNode.replaceChild(fragment, node);
  }
  return made;
}

/** Wrap characters [from, to) of ``root``'s text; returns the wrappers. */
export function wrapRange(root, from, to, tag, className) {
  return wrapRanges(root, [[from, to]], tag, className)[0];
}

/** Undo wrapRanges: move the wrappers' children back out and merge the split text. */
export function unwrap(elements) {
  const parents = new Set();
  for (const element of elements) {
    const parent = element.parentNode;
    if (!parent) continue;
    while (element.firstChild) parent.insertBefore(element.firstChild, element);
    parent.removeChild(element);
    parents.add(parent);
  }
  for (const parent of parents) {
    if (parent.isConnected) parent.normalize();
  }
}

/** Does the reader's selection touch ``element``? (Marks are not moved under it.) */
export function selectionTouches(element) {
  const selection = window.getSelection();
  if (!selection || selection.isCollapsed || !selection.rangeCount) return false;
  return selection.getRangeAt(0).intersectsNode(element);
}

/** One highlighted stretch of a cue's text (the sentence, or the word, being said):
 *  ``show`` moves it (a no-op when it is already there), ``clear`` removes it. */
export class Highlight {
  constructor(className) {
    this.className = className;
    this.spans = [];
    this.index = -1; // which stretch is shown (the caller's numbering)
  }

  /** Show stretch ``index``, characters [from, to) of ``root``; unless the reader is
   *  selecting text there. Returns whether it is shown. */
  show(root, index, from, to) {
    const stale = this.spans.length > 0 && !this.spans[0].isConnected;
    if (index === this.index && !stale) return true;
    if (selectionTouches(root)) return false;
    this.clear();
    this.spans = wrapRange(root, from, to, "span", this.className);
    this.index = index;
    return true;
  }

  clear() {
    if (this.spans.length) unwrap(this.spans);
    this.spans = [];
    this.index = -1;
  }
}
