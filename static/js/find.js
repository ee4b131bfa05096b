// Find in this episode: marks the matches in the transcript, steps through them (each step
// seeks playback to that cue), and shows where they fall on a timeline of the episode.
//
//   startFind(page, player)
//
// Matching is fold.js's (case, accents and curly quotes don't matter; no RegExp is built
// from what was typed). Marks are <mark>s made by text-marks.js, which live beside the
// sentence highlight's spans. Every match is found, counted and put on the timeline at
// once; the cues on screen are marked at once too, and the others in idle time, nearest
// first, so a common word in a long episode never stalls typing (FindMarks).
//
// Timing for the benchmark: every search pushes {query, matches, cues, markMs, ms, done,
// doneMs} to window.listenalongFind: ms from the end of the debounce to after the next
// paint, doneMs until every cue is marked.
import { findAll, fold, foldQuery } from "./fold.js";
import { unwrap, wrapRanges } from "./text-marks.js";
import { shortClock } from "./time.js";

const DEBOUNCE_MS = 150;
const MAX_TICKS = 160;
const CURRENT = "mark--current";

/** The cues on screen now (a few either side), found by binary search. */
function visibleRange(cueEls) {
  const count = cueEls.length;
  if (!count) return [0, -1];
  const height = window.innerHeight || document.documentElement.clientHeight;
  const firstWhere = (test, lo, hi, fallback) => {
    let found = fallback;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      if (test(cueEls[mid].getBoundingClientRect())) {
        found = mid;
        hi = mid - 1;
      } else {
        lo = mid + 1;
      }
    }
    return found;
  };
  const first = firstWhere((box) => box.bottom >= 0, 0, count - 1, count - 1);
  const afterLast = firstWhere((box) => box.top > height, first, count - 1, count);
  return [Math.max(0, first - 3), Math.min(count - 1, Math.max(first, afterLast - 1) + 3)];
}

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

/** The timeline under the player: a tick per matching cue (past MAX_TICKS cues, those in
 *  the same 1/MAX_TICKS of the episode share one) and a marker for now. */
class FindTimeline {
  constructor(bar, duration, onPick) {
    this.bar = bar;
    this.duration = duration;
    this.ticks = [];
    this.now = null;
    if (!bar) return;
    bar.addEventListener("click", (event) => {
      const tick = event.target.closest(".find-tick");
      if (tick) onPick(Number(tick.dataset.match));
    });
    bar.addEventListener("keydown", (event) => this.onKey(event));
  }

  percentOf(seconds) {
    return this.duration > 0 ? Math.min(100, Math.max(0, (seconds / this.duration) * 100)) : 0;
  }

  slot(seconds) {
    return Math.min(MAX_TICKS - 1, Math.floor((this.percentOf(seconds) / 100) * MAX_TICKS));
  }

  clear() {
    if (this.bar) {
      this.bar.replaceChildren();
      this.bar.hidden = true;
    }
    this.ticks = [];
    this.now = null;
  }

  tick(matches, first, last) {
    const found = last - first + 1;
    let cues = 0;
    for (let i = first; i <= last; i += 1) if (i === first || matches[i].cue !== matches[i - 1].cue) cues += 1;
    const from = shortClock(matches[first].seconds);
    const to = shortClock(matches[last].seconds);
    let label = `Match at ${from}`;
    if (cues > 1) label = `${found} matches from ${from} to ${to}`;
    else if (found > 1) label = `${found} matches at ${from}`;
    const tick = document.createElement("button");
    tick.type = "button";
    tick.className = "find-tick";
    tick.tabIndex = this.ticks.length === 0 ? 0 : -1;
    Object.assign(tick.dataset, { match: first, cue: matches[first].cue, last: matches[last].cue, count: found });
    tick.setAttribute("aria-label", label);
    tick.title = label;
    tick.style.left = `${this.percentOf(matches[first].seconds)}%`;
    this.ticks.push(tick);
    return tick;
  }

  build(matches, cueCount, t) {
    this.clear();
    if (!this.bar || !matches.length) return;
    const merge = cueCount > MAX_TICKS;
    const bucket = (m) => (merge ? this.slot(m.seconds) : m.cue);
    const fragment = document.createDocumentFragment();
    for (let i = 0; i < matches.length; ) {
      const first = i;
      while (i < matches.length && bucket(matches[i]) === bucket(matches[first])) i += 1;
      fragment.appendChild(this.tick(matches, first, i - 1));
    }
    this.now = document.createElement("span");
    this.now.className = "find-now";
    fragment.appendChild(this.now);
    this.bar.replaceChildren(fragment);
    this.bar.hidden = false;
    this.showNow(t);
  }

  showNow(t) {
    if (this.now && this.duration > 0) this.now.style.left = `${this.percentOf(t)}%`;
  }

  setCurrent(cue) {
    for (const tick of this.ticks) {
      const on = Number(tick.dataset.cue) <= cue && cue <= Number(tick.dataset.last);
      tick.classList.toggle("find-tick--current", on);
      tick.tabIndex = on ? 0 : -1;
    }
  }

  onKey(event) {
    const tick = event.target.closest(".find-tick");
    if (!tick || !this.ticks.length) return;
    const moves = { ArrowRight: 1, ArrowDown: 1, ArrowLeft: -1, ArrowUp: -1 };
    let next = this.ticks.indexOf(tick);
    if (event.key in moves) next += moves[event.key];
    else if (event.key === "Home") next = 0;
    else if (event.key === "End") next = this.ticks.length - 1;
    else return;
    event.preventDefault(); // not the player's ←/→ seek
    const target = this.ticks[Math.min(this.ticks.length - 1, Math.max(0, next))];
    for (const t of this.ticks) t.tabIndex = t === target ? 0 : -1;
    target.focus();
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
    const cueEls = player.cues;
    this.cueEls = cueEls;
    this.starts = player.starts;
    const duration = Number(page.dataset.duration) || (cueEls.length ? this.starts[cueEls.length - 1] : 0);
    this.timings = (window.listenalongFind = window.listenalongFind || []);
    this.folded = null; // per cue: {text, map}, built once (the text never changes)
    this.search = { matches: [], byCue: new Map(), first: new Map(), current: -1 };
    this.query = "";
    this.timer = 0;
    this.entry = null; // this search's timing record
    this.marks = new FindMarks(cueEls, () => this.finished());
    this.timeline = new FindTimeline(page.querySelector("#find-hits"), duration, (i) => this.setCurrent(i));
    for (const button of this.stepButtons) button.hidden = false;
    this.listen();
    this.showStatus();
  }

  get matches() {
    return this.search.matches;
  }

  get current() {
    return this.search.current;
  }

  texts() {
    if (!this.folded) this.folded = this.marks.textEls.map((text) => fold(text ? text.textContent : ""));
    return this.folded;
  }

  /** Find ``raw`` in every cue: count and place every match at once, mark the cues on
   *  screen right away and the others in the background, nearest first. */
  run(raw) {
    const began = performance.now();
    performance.mark("find-start");
    this.query = foldQuery(raw);
    const found = findAll(this.query ? this.texts() : [], this.query);
    for (const match of found.matches) match.seconds = this.player.timeAt(match.cue, match.from);
    this.search = { ...found, current: -1 };
    const pending = this.marks.show(this.search);
    this.timeline.build(found.matches, found.byCue.size, this.player.audio.currentTime);
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
    this.timeline.setCurrent(match.cue);
    this.showStatus();
    this.player.seek(match.seconds);
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
    const here = player.current >= 0 ? player.current : player.indexAt(player.audio.currentTime);
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
    if (event.key === "Enter") {
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
    this.player.audio.addEventListener("timeupdate", () => this.timeline.showNow(this.player.audio.currentTime));
  }
}

export function startFind(page, player) {
  const form = page.querySelector("form.find");
  const input = form && form.querySelector("input[name=q]");
  return form && input ? new Find(page, player, form, input) : null;
}
