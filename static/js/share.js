// Sharing moments: "Share" opens the share dialog (share-dialog.js: a link at the current
// time or to a stretch, the quote, the embed code, a clip), and a small popover offers
// text selected in the transcript (a link to the selected cues' range, or the quote).
//
//   startShare(page, player)   — player is player.js's Player
//
// Links carry the cue's anchor (?t=S#cue-N, time.js momentHref) so that even without
// JavaScript the page lands on that cue. All text goes in through textContent: nothing
// from the transcript is ever parsed as HTML. Ranges and #t= fragments are the player's
// (player.playRange); copying and the toast are clipboard.js's.
import { Toast, copyText, shareLink } from "./clipboard.js";
import { textOffset } from "./text-marks.js";
import { momentHref, shortClock } from "./time.js";
import { ShareDialog } from "./share-dialog.js";

function flat(text) {
  return String(text).replace(/\s+/g, " ").trim();
}

// Chinese, Japanese and Korean: every character is a word of its own (as in find-words.js
// and the library search), so a selection inside a sentence is never widened to all of it.
const CLOSE = /[\p{sc=Han}\p{sc=Hiragana}\p{sc=Katakana}\p{sc=Hangul}]/u;

/** [from, to): the characters of ``part`` (a range inside the element ``text``), widened
 *  to whole words: a selection that starts or ends mid-word takes the whole word. */
function wholeWords(text, part) {
  const full = text.textContent;
  const before = document.createRange();
  before.selectNodeContents(text);
  before.setEnd(part.startContainer, part.startOffset);
  let from = before.toString().length;
  let to = from + part.toString().length;
  const inWord = (i) => i > 0 && i < full.length && /\S/.test(full[i - 1]) && /\S/.test(full[i]) &&
    !CLOSE.test(full[i - 1]) && !CLOSE.test(full[i]);
  while (inWord(from)) from -= 1;
  while (inWord(to)) to += 1;
  return [from, to];
}

/** The part of ``range`` inside the element ``text``. */
function clipTo(range, text) {
  const part = document.createRange();
  part.selectNodeContents(text);
  if (range.compareBoundaryPoints(Range.START_TO_START, part) > 0) {
    part.setStart(range.startContainer, range.startOffset);
  }
  if (range.compareBoundaryPoints(Range.END_TO_END, part) < 0) {
    part.setEnd(range.endContainer, range.endOffset);
  }
  return part;
}

function button(label, className) {
  const element = document.createElement("button");
  element.type = "button";
  element.className = `share-pop-button ${className}`;
  element.textContent = label;
  return element;
}

/** Links and quotes of moments in this episode. */
export class Share {
  constructor(page, player) {
    this.page = page;
    this.player = player;
    this.list = page.querySelector("#cues");
    this.baseUrl = page.dataset.shareUrl || `${window.location.origin}${window.location.pathname}`;
    const titleElement = page.querySelector(".episode-title");
    this.title = flat(titleElement ? titleElement.textContent : document.title);
    this.toast = new Toast();
  }

  /** A link to ``start`` (or the range to ``end``), anchored at the cue playing at ``anchorAt``. */
  linkTo(start, end = null, anchorAt = start) {
    const index = this.player.indexAt(anchorAt);
    return this.baseUrl + momentHref(start, end, index >= 0 ? index + 1 : null);
  }

  speakerOf(index) {
    for (let i = index; i >= 0; i -= 1) {
      const label = this.player.cues[i].querySelector(".cue-speaker");
      if (label) return flat(label.textContent);
    }
    return "";
  }

  /** “text” — Speaker, Episode [1:19:04] URL */
  quoteLine(text, index, url) {
    const speaker = this.speakerOf(index);
    const who = speaker ? `${speaker}, ${this.title}` : this.title;
    return `“${text}” — ${who} [${shortClock(this.player.starts[index])}] ${url}`;
  }

  cueText(index) {
    const text = this.player.cues[index].querySelector(".cue-text");
    return flat(text ? text.textContent : "");
  }

  share(url) {
    return shareLink(this.title, url, this.toast);
  }

  copy(text) {
    return copyText(text, "Quote copied", this.toast);
  }

  /** The paragraph playing now, as a quote with its link. */
  quoteNowText() {
    const { player } = this;
    if (!player.cues.length) return "";
    const here = player.current >= 0 ? player.current : player.indexAt(player.media.time);
    const index = Math.max(0, here);
    const start = player.starts[index];
    return this.quoteLine(this.cueText(index), index, this.linkTo(start));
  }

  /** What is selected in the transcript: {first, last, range, quote, link}, or null. */
  selected() {
    const selection = window.getSelection();
    if (!this.list || !selection || selection.isCollapsed || !selection.rangeCount) return null;
    const range = selection.getRangeAt(0);
    if (!this.list.contains(range.commonAncestorContainer)) return null;
    const { cues } = this.player;
    const parts = [];
    let first = -1;
    let last = -1;
    let from = 0;
    let to = 0;
    const span = { from: 0, to: 0 }; // the whole words': [from in first, to in last)
    for (let i = 0; i < cues.length; i += 1) {
      const text = cues[i].querySelector(".cue-text");
      if (!text || !range.intersectsNode(text)) continue;
      const part = clipTo(range, text);
      const [a, b] = wholeWords(text, part);
      const words = flat(text.textContent.slice(a, b));
      if (!words) continue;
      parts.push(words);
      if (first < 0) {
        first = i;
        from = Math.max(0, textOffset(text, part.startContainer, part.startOffset));
        span.from = a;
      }
      last = i;
      to = Math.max(0, textOffset(text, part.endContainer, part.endOffset) - 1);
      span.to = b;
    }
    if (first < 0) return null;
    // the first and last selected words' times (whole cues without word timings)
    const start = this.player.timeAt(first, from);
    const end = this.player.timeAt(last, to, { end: true });
    const link = end > start ? this.linkTo(start, end, start) : this.linkTo(start);
    return { first, last, range, link, start, end, words: span,
      quote: this.quoteLine(parts.join(" "), first, link) };
  }
}

/** The popover beside a selection in the transcript: "Copy link", "Copy quote"
 *  (and what other modules add: the notebook's "Highlight"). */
export class SelectionPopover {
  constructor(share, returnFocusTo) {
    this.share = share;
    this.returnFocusTo = returnFocusTo;
    this.shown = null;
    this.pending = 0;
    this.box = this.build();
    document.addEventListener("selectionchange", () => this.refreshSoon(250));
    document.addEventListener("pointerup", () => this.refreshSoon(0));
    document.addEventListener("keydown", (event) => {
      if (event.key === "Escape" && this.shown) this.hide();
    });
  }

  build() {
    const box = document.createElement("div");
    box.className = "share-pop";
    box.setAttribute("role", "group");
    box.setAttribute("aria-label", "The selected text");
    const linkButton = button("Copy link", "share-pop-link");
    const quote = button("Copy quote", "share-pop-quote");
    box.append(linkButton, quote);
    // Pressing a button must not drop the selection it is about, nor seek like a click
    // on the cue it sits in.
    box.addEventListener("mousedown", (event) => event.preventDefault());
    box.addEventListener("click", (event) => event.stopPropagation());
    linkButton.addEventListener("click", () => {
      if (this.shown) this.share.share(this.shown.link);
      this.hide();
    });
    quote.addEventListener("click", () => {
      if (this.shown) this.share.copy(this.shown.quote);
      this.hide();
    });
    box.addEventListener("keydown", (event) => {
      if (event.key === "Escape") {
        event.preventDefault();
        this.hide(true);
      }
    });
    return box;
  }

  /** In the DOM right after the cue where the selection began (not inside it: cues are
   *  painted with containment), so Tab from the selection reaches it; placed on screen
   *  just below where the selection ends. */
  show(picked) {
    this.shown = picked;
    const { box } = this;
    const page = this.share.page;
    const container = page.querySelector(".transcript") || page;
    const selection = window.getSelection();
    const anchorCue = selection && selection.anchorNode && selection.anchorNode.parentElement
      ? selection.anchorNode.parentElement.closest(".cue") : null;
    const home = anchorCue && this.share.list.contains(anchorCue) ? anchorCue : this.share.player.cues[picked.first];
    if (box.previousElementSibling !== home) home.after(box);
    box.hidden = false;
    const rects = picked.range.getClientRects();
    const last = rects.length ? rects[rects.length - 1] : picked.range.getBoundingClientRect();
    const bounds = container.getBoundingClientRect();
    const origin = (box.offsetParent || document.body).getBoundingClientRect();
    const width = box.offsetWidth;
    const left = Math.min(Math.max(bounds.left, last.right - width / 2), Math.max(bounds.left, bounds.right - width));
    box.style.left = `${left - origin.left}px`;
    box.style.top = `${last.bottom - origin.top + 8}px`;
  }

  /** One more button, ``label``: ``act(picked)`` with what is selected (the notebook's). */
  addAction(label, className, act) {
    const extra = button(label, className);
    extra.addEventListener("click", () => {
      if (this.shown) act(this.shown);
      window.getSelection().removeAllRanges();
      this.hide();
    });
    this.box.append(extra);
  }

  hide(restoreFocus = false) {
    const hadFocus = this.box.contains(document.activeElement);
    this.shown = null;
    this.box.hidden = true;
    this.box.remove();
    if (restoreFocus && hadFocus && this.returnFocusTo) this.returnFocusTo.focus();
  }

  refreshSoon(delay) {
    window.clearTimeout(this.pending);
    this.pending = window.setTimeout(() => {
      this.pending = 0;
      const picked = this.share.selected();
      if (picked) this.show(picked);
      else if (this.shown && !this.box.contains(document.activeElement)) this.hide();
    }, delay);
  }
}

export function startShare(page, player) {
  const share = new Share(page, player);
  const shareButton = page.querySelector("#share-button");
  const dialogElement = document.querySelector("dialog#share-dialog");
  const dialog = dialogElement ? new ShareDialog(share, dialogElement) : null;
  if (shareButton) {
    shareButton.hidden = false;
    // A press keeps the transcript's selection alive (the dialog offers its stretch).
    shareButton.addEventListener("mousedown", (event) => event.preventDefault());
    shareButton.addEventListener("click", () => {
      if (dialog) dialog.open();
      else share.share(share.linkTo(Math.floor(player.media.time || 0)));
    });
  }
  share.popover = new SelectionPopover(share, shareButton);
  return share;
}
