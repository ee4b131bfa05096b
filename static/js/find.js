// Find in this episode: marks the matches in the transcript, steps through them, and shows
// where they fall on the player's scrubber. Stepping scrolls to the match itself and
// marks it, and never touches playback: "▶" beside the count (or Ctrl+Enter) plays from
// the match, at its word (or its sentence's estimated time before word timings exist).
//
//   startFind(page, player)
//
// Matching is find-words.js's: by word and stem, as the library search matches (case,
// accents and curly quotes don't matter; no RegExp is built from what was typed). Marks are <mark>s made by text-marks.js, which live beside the
// sentence highlight's spans. Every match is found, counted and put on the timeline at
// once; the cues on screen are marked at once too, and the others in idle time, nearest
// first, so a common word in a long episode never stalls typing (FindMarks).
//
// Timing for the benchmark: every search pushes {query, matches, cues, markMs, ms, done,
// doneMs} to window.listenalongFind: ms from the end of the debounce to after the next
// paint, doneMs until every cue is marked.
import { fold, foldQuery } from "./fold.js";
import { findWords, parseFind, wordsOf } from "./find-words.js";
import { unwrap, wrapRanges } from "./text-marks.js";
import { visibleRange } from "./cue-geometry.js";

const DEBOUNCE_MS = 150;
const CURRENT = "mark--current";

function later(fn) {
  if (window.requestIdleCallback) window.requestIdleCallback(fn, { timeout: 40 });
  else setTimeout(fn, 0);
}

/** Keeps each cue's <mark>s in line with the current search: at once for the cues on
 *  screen, in idle-time slices for the rest. */
class FindMarks {
  constructor(cueEls, onDone) {
    this.cueEls = cueEls;
    this.textEls = cueEls.map((el) => el.querySelector(".cue-text"));
    this.dom = new Array(cueEls.length).fill(null); // cue → the marks now in its DOM
    this.shows = new Int32Array(cueEls.length); // cue → the search its DOM shows
    this.search = null;
    this.generation = 0;
    this.queue = []; // cues still to bring up to date, nearest the viewport first
    this.working = false;
    this.onDone = onDone;
  }

  /** Start showing ``search`` ({byCue, first, matches, current}); returns whether some
   *  cues are left for later. */
  show(search) {
    const [top, bottom] = visibleRange(this.cueEls); // before any DOM change: no forced layout
    this.search = search;
    this.generation += 1;
    const stale = (c) => this.dom[c] !== null || search.byCue.has(c);
    for (let c = top; c <= bottom; c += 1) if (stale(c)) this.sync(c);
    this.queue = [];
    for (let c = 0; c < top; c += 1) if (stale(c)) this.queue.push(c); // above: last
    for (let c = this.cueEls.length - 1; c > bottom; c -= 1) if (stale(c)) this.queue.push(c);
    if (this.queue.length && !this.working) {
      this.working = true;
      later((deadline) => this.work(deadline));
    }
    return this.queue.length > 0;
  }

  /** Bring one cue's marks in line with the current search. */
  sync(c) {
    if (this.shows[c] === this.generation) return;
    this.shows[c] = this.generation;
    if (this.dom[c]) {
      unwrap(this.dom[c]);
      this.dom[c] = null;
    }
    const wanted = this.search.byCue.get(c);
    if (!wanted || !this.textEls[c]) return;
    const groups = wrapRanges(this.textEls[c], wanted, "mark", "find-mark");
    const first = this.search.first.get(c);
    const made = [];
    groups.forEach((group, k) => {
      this.search.matches[first + k].marks = group;
      if (first + k === this.search.current) for (const mark of group) mark.classList.add(CURRENT);
      made.push(...group);
    });
    this.dom[c] = made;
  }

  /** Mark the rest in slices between frames, so typing and playback never stall. */
  work(deadline) {
    const budget = deadline && deadline.timeRemaining ? Math.max(4, deadline.timeRemaining()) : 8;
    const until = performance.now() + budget;
    while (this.queue.length && performance.now() < until) this.sync(this.queue.pop());
    if (this.queue.length) {
      later((next) => this.work(next));
    } else {
      this.working = false;
      this.onDone();
    }
  }
}

/** The hits on the player's scrubber (controls.js): a tick per match, the current one
 *  set apart, and nothing to click (the scrubber seeks, the find box steps). */
class FindTimeline {
  constructor(player) {
    this.scrubber = player.controls ? player.controls.scrubber : null;
    this.times = [];
  }

  build(matches) {
    this.times = matches.map((m) => m.seconds);
    if (this.scrubber) this.scrubber.marks("find-hits", this.times);
  }

  setCurrent(index) {
    if (this.scrubber) this.scrubber.marks("find-hits", this.times, index);
  }
}

/** The find box: what was typed → matches, the "n of m" status, stepping, the timeline. */
export class Find {
  constructor(page, player, form, input) {
    this.form = form;
    this.input = input;
    this.player = player;
    this.status = form.querySelector(".find-status");
    this.stepButtons = Array.from(form.querySelectorAll(".find-step"));
    this.playButton = form.querySelector("#find-play");
    const cueEls = player.cues;
    this.cueEls = cueEls;
    this.starts = player.starts;
    this.timings = (window.listenalongFind = window.listenalongFind || []);
    this.folded = null; // per cue: {text, map}, built once (the text never changes)
    this.search = { matches: [], byCue: new Map(), first: new Map(), current: -1 };
    this.query = "";
    this.timer = 0;
    this.entry = null; // this search's timing record
    this.marks = new FindMarks(cueEls, () => this.finished());
    this.timeline = new FindTimeline(player);
    for (const button of this.stepButtons) button.hidden = false;
    this.listen();
    this.showStatus();
    if (input.value) this.schedule(); // typed before this module arrived
  }

  get matches() {
    return this.search.matches;
  }

  get current() {
    return this.search.current;
  }

  /** Every cue's words, folded and stemmed once (the text never changes). */
  texts() {
    if (!this.folded) this.folded = this.marks.textEls.map((text) => wordsOf(fold(text ? text.textContent : "")));
    return this.folded;
  }

  /** Find ``raw`` in every cue: count and place every match at once, mark the cues on
   *  screen right away and the others in the background, nearest first. */
  run(raw) {
    const began = performance.now();
    performance.mark("find-start");
    this.query = foldQuery(raw);
    const terms = parseFind(this.query, { typing: true });
    const found = findWords(terms.length ? this.texts() : [], terms);
    for (const match of found.matches) match.seconds = this.player.timeAt(match.cue, match.from);
    this.search = { ...found, current: -1 };
    const pending = this.marks.show(this.search);
    this.timeline.build(found.matches);
    this.showStatus();
    this.activate();
    this.record(raw, began, pending);
  }

  /** The timing record of one search, for the benchmark (see the head of this file). */
  record(raw, began, pending) {
    const marked = performance.now();
    performance.mark("find-marked");
    const entry = this.entry = {
      query: raw, matches: this.search.matches.length, cues: this.search.byCue.size, began,
      markMs: marked - began, ms: NaN, done: !pending, doneMs: pending ? NaN : marked - began,
    };
    this.timings.push(entry);
    if (this.timings.length > 200) this.timings.shift();
    requestAnimationFrame(() => {
      setTimeout(() => {
        entry.ms = performance.now() - began;
        performance.mark("find-painted");
        try {
          performance.measure("find", "find-start", "find-painted");
        } catch (error) { /* the marks were cleared by someone else: the entry has it */ }
      }, 0);
    });
  }

  finished() {
    const { entry } = this;
    if (entry && !entry.done) {
      entry.done = true;
      entry.doneMs = performance.now() - entry.began;
    }
  }

  showStatus() {
    const { status, query } = this;
    const count = this.search.matches.length;
    const current = this.search.current;
    for (const button of this.stepButtons) button.disabled = count === 0;
    if (this.playButton) this.playButton.hidden = current < 0;
    if (!status) return;
    status.classList.toggle("find-status--none", Boolean(query) && count === 0);
    status.dataset.count = String(count);
    status.dataset.current = String(current + 1);
    if (!query) status.textContent = "";
    else if (!count) status.textContent = "No matches";
    else if (current < 0) status.textContent = count === 1 ? "1 match" : `${count} matches`;
    else status.textContent = `${current + 1} of ${count}`;
  }

  /** "Active" while focused or holding a search: narrow screens give the box a full row. */
  activate() {
    this.form.classList.toggle("find--active", document.activeElement === this.input || Boolean(this.query));
  }

  setCurrent(index) {
    const { matches } = this.search;
    const before = matches[this.search.current];
    if (before) for (const mark of before.marks || []) mark.classList.remove(CURRENT);
    this.search.current = index;
    const match = matches[index];
    if (!match) return;
    this.marks.sync(match.cue); // it may not be marked yet
    for (const mark of match.marks || []) mark.classList.add(CURRENT);
    this.timeline.setCurrent(index);
    this.showStatus();
    const marks = match.marks || [];
    this.player.follower.reveal(marks[0] || this.cueEls[match.cue], match.cue);
  }

  /** Play from the current match: the reader's explicit choice. */
  playMatch() {
    const match = this.search.matches[this.search.current];
    if (!match) return;
    this.player.seek(match.seconds, { play: true });
  }

  /** Next (+1) or previous (-1) match, wrapping; the first step starts from playback. */
  step(direction) {
    this.flush();
    const { matches, current } = this.search;
    if (!matches.length) return;
    if (current >= 0) {
      this.setCurrent((current + direction + matches.length) % matches.length);
      return;
    }
    const player = this.player;
    const here = player.current >= 0 ? player.current : player.indexAt(player.media.time);
    let index;
    if (direction > 0) {
      index = matches.findIndex((m) => m.cue >= Math.max(0, here));
      if (index < 0) index = 0;
    } else {
      index = matches.findLastIndex((m) => m.cue <= here);
      if (index < 0) index = matches.length - 1;
    }
    this.setCurrent(index);
  }

  flush() {
    if (!this.timer) return;
    clearTimeout(this.timer);
    this.timer = 0;
    this.run(this.input.value);
  }

  schedule() {
    clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timer = 0;
      this.run(this.input.value);
    }, DEBOUNCE_MS);
  }

  clear() {
    clearTimeout(this.timer);
    this.timer = 0;
    this.input.value = "";
    this.run("");
  }

  onKey(event) {
    if (event.isComposing) return;
    if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) {
      event.preventDefault();
      if (this.search.current < 0) this.step(1);
      this.playMatch();
    } else if (event.key === "Enter") {
      event.preventDefault();
      this.step(event.shiftKey ? -1 : 1);
    } else if (event.key === "Escape") {
      event.preventDefault();
      if (this.input.value || this.search.matches.length) this.clear();
      else this.input.blur();
    }
  }

  listen() {
    const { input, form } = this;
    input.addEventListener("focus", () => this.texts(), { once: true }); // fold before typing starts
    input.addEventListener("focus", () => this.activate());
    input.addEventListener("blur", () => this.activate());
    input.addEventListener("input", () => {
      if (!input.value) this.clear(); // cleared (the ✕ of a search field): no need to wait
      else this.schedule();
    });
    input.addEventListener("keydown", (event) => this.onKey(event));
    form.addEventListener("submit", (event) => {
      event.preventDefault(); // with JS, the form finds in the page instead of loading /search
      this.step(1);
    });
    for (const button of this.stepButtons) {
      button.addEventListener("click", () => this.step(Number(button.dataset.step) < 0 ? -1 : 1));
    }
    if (this.playButton) {
      this.playButton.addEventListener("click", () => this.playMatch());
    }
  }
}

export function startFind(page, player) {
  const form = page.querySelector("form.find");
  const input = form && form.querySelector("input[name=q]");
  return form && input ? new Find(page, player, form, input) : null;
}
