// Find in this episode: marks the matches in the transcript, steps through them (each step
// seeks playback to that cue), and shows where they fall on a timeline of the episode.
//
//   startSearch(page, player)
//
// Matching ignores case and accents and treats curly and straight quotes alike: the query
// and every cue's text are folded the same way (NFD, combining marks dropped, lower case,
// ’‘ → ', “” → ", runs of white space → one space) and compared with indexOf — no RegExp
// is ever built from what was typed. Each cue keeps a map from its folded text back to the
// original offsets, so the marks land on the original characters.
//
// Marks are <mark> elements made by splitting Text nodes (never innerHTML). They coexist
// with the player's sentence highlighting (spans around Text nodes, see
// player-sentences.js): clearing unwraps only our marks and normalizes only their parents.
//
// Every match is found, counted and put on the timeline at once; the cues on screen are
// marked at once too, and the others in idle time, nearest first, so a common word in a
// long episode never stalls typing (stepping to a match marks its cue first if need be).
//
// Timing for the benchmark: every search pushes {query, matches, cues, markMs, ms, done,
// doneMs} to window.listenalongFind: ms from the end of the debounce to after the next
// paint, doneMs until every cue is marked.
import { unwrap } from "./player-sentences.js";

const DEBOUNCE_MS = 150;
const MAX_TICKS = 160;
const FOLDED_QUOTES = new Map([
  ["\u2018", "'"], ["\u2019", "'"], ["\u201B", "'"], ["\u02BC", "'"], ["\u2032", "'"],
  ["\u201C", '"'], ["\u201D", '"'], ["\u201E", '"'], ["\u201F", '"'], ["\u2033", '"'],
  ["\u00AB", '"'], ["\u00BB", '"'],
]);
const COMBINING = /\p{M}/gu;
const SPACE = /\s/;
const foldedChars = new Map();

/** The folded form of one character (a code point): "", one or a few characters. */
function foldChar(ch) {
  const code = ch.charCodeAt(0);
  if (code < 128) {
    if (code >= 65 && code <= 90) return String.fromCharCode(code + 32);
    return code === 9 || code === 10 || code === 13 ? " " : ch;
  }
  let out = foldedChars.get(ch);
  if (out === undefined) {
    out = FOLDED_QUOTES.get(ch);
    if (out === undefined) {
      out = SPACE.test(ch) ? " " : ch.normalize("NFD").replace(COMBINING, "").toLowerCase();
    }
    foldedChars.set(ch, out);
  }
  return out;
}

/** Fold ``text`` for matching. Returns {text, map}: map[i] is the offset in the original
 * of the character that produced folded character i; map[length] is the original length. */
export function fold(text) {
  const out = [];
  const map = [];
  let lastSpace = true; // leading white space is dropped
  for (let i = 0; i < text.length; ) {
    const code = text.codePointAt(i);
    const width = code > 0xffff ? 2 : 1;
    const folded = foldChar(width === 1 ? text[i] : text.slice(i, i + 2));
    for (let k = 0; k < folded.length; k += 1) {
      const c = folded[k];
      if (c === " ") {
        if (lastSpace) continue;
        lastSpace = true;
      } else {
        lastSpace = false;
      }
      out.push(c);
      map.push(i);
    }
    i += width;
  }
  map.push(text.length);
  return { text: out.join(""), map: Int32Array.from(map) };
}

/** Fold what was typed: same folding, outer white space trimmed. */
export function foldQuery(query) {
  return fold(query).text.trimEnd();
}

/** Original [start, end) of folded [from, to) in a cue's text. */
function originalRange(folded, from, to) {
  const { map } = folded;
  const start = map[from];
  // the end: where the original character after the last matched one begins
  let next = to;
  while (next < map.length - 1 && map[next] === map[to - 1]) next += 1;
  return [start, map[next]];
}

function textNodes(root) {
  const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
  const nodes = [];
  for (let node = walker.nextNode(); node; node = walker.nextNode()) nodes.push(node);
  return nodes;
}

/** Wrap the original ranges (sorted, not overlapping) of ``root``'s text in <mark>s.
 * Returns, per range, the marks made for it (more than one when a range spans nodes). */
function markRanges(root, ranges) {
  const marks = ranges.map(() => []);
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
        const mark = document.createElement("mark");
        mark.className = "find-mark";
        mark.appendChild(document.createTextNode(data.slice(from, to)));
        fragment.appendChild(mark);
        marks[r].push(mark);
      }
      at = Math.max(at, to);
      if (ranges[r][1] <= nodeEnd) r += 1;
      else break; // the range goes on in the next text node
    }
    if (at === 0) continue;
    if (at < data.length) fragment.appendChild(document.createTextNode(data.slice(at)));
    node.parentNode.replaceChild(fragment, node);
  }
  return marks;
}


function clockLabel(seconds) {
  const total = Math.floor(seconds);
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = String(total % 60).padStart(2, "0");
  return h ? `${h}:${String(m).padStart(2, "0")}:${s}` : `${m}:${s}`;
}

export function startSearch(page, player) {
  const form = page.querySelector("form.find");
  const input = form && form.querySelector("input[name=q]");
  if (!form || !input) return null;
  const status = form.querySelector(".find-status");
  const stepButtons = Array.from(form.querySelectorAll(".find-step"));
  const bar = page.querySelector("#find-hits");
  const cueEls = player && player.cues ? player.cues : Array.from(page.querySelectorAll("#cues .cue"));
  const starts = cueEls.map((el) => Number(el.dataset.start) || 0);
  const duration = Number(page.dataset.duration) || (starts.length ? starts[starts.length - 1] : 0);
  const audio = (player && player.audio) || page.querySelector("#player");
  const timings = (window.listenalongFind = window.listenalongFind || []);

  const count = cueEls.length;
  const textEls = cueEls.map((el) => el.querySelector(".cue-text"));
  let folded = null; // per cue: {text, map}, built once (the text never changes)
  let matches = []; // [{cue, start, marks: [mark, ...] | null until marked}] in document order
  const firstMatch = new Int32Array(count).fill(-1); // cue → index of its first match
  let ranges = new Map(); // cue → original [start, end) ranges of this query's matches
  const domMarks = new Array(count).fill(null); // cue → the marks now in its DOM
  const domGeneration = new Int32Array(count); // cue → the search its DOM shows
  let generation = 0;
  let queue = []; // cues still to bring up to date, nearest the viewport first
  let working = false;
  let entry = null; // this search's timing record
  let current = -1;
  let query = "";
  let timer = 0;
  let ticks = [];
  let now = null;

  for (const button of stepButtons) button.hidden = false;

  function texts() {
    if (!folded) folded = textEls.map((text) => fold(text ? text.textContent : ""));
    return folded;
  }

  /** Bring one cue's marks in line with the current search. */
  function syncCue(c) {
    if (domGeneration[c] === generation) return;
    domGeneration[c] = generation;
    if (domMarks[c]) {
      unwrap(domMarks[c]);
      domMarks[c] = null;
    }
    const wanted = ranges.get(c);
    if (!wanted || !textEls[c]) return;
    const groups = markRanges(textEls[c], wanted);
    const first = firstMatch[c];
    const made = [];
    groups.forEach((group, k) => {
      matches[first + k].marks = group;
      if (first + k === current) for (const mark of group) mark.classList.add("mark--current");
      for (const mark of group) made.push(mark);
    });
    domMarks[c] = made;
  }

  /** The cues on screen now (a few either side), found by binary search. */
  function visibleRange() {
    if (!count) return [0, -1];
    const height = window.innerHeight || document.documentElement.clientHeight;
    let lo = 0;
    let hi = count - 1;
    let first = count - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      if (cueEls[mid].getBoundingClientRect().bottom >= 0) {
        first = mid;
        hi = mid - 1;
      } else {
        lo = mid + 1;
      }
    }
    lo = first;
    hi = count - 1;
    let last = first;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      if (cueEls[mid].getBoundingClientRect().top <= height) {
        last = mid;
        lo = mid + 1;
      } else {
        hi = mid - 1;
      }
    }
    return [Math.max(0, first - 3), Math.min(count - 1, last + 3)];
  }

  /** Mark the rest in slices between frames, so typing and playback never stall. */
  function work(deadline) {
    // always the latest search's queue: a new search replaces it, this carries on with it
    const budget = deadline && deadline.timeRemaining ? Math.max(4, deadline.timeRemaining()) : 8;
    const until = performance.now() + budget;
    while (queue.length && performance.now() < until) syncCue(queue.pop());
    if (queue.length) {
      later(work);
    } else {
      working = false;
      if (entry && !entry.done) {
        entry.done = true;
        entry.doneMs = performance.now() - entry.began;
      }
    }
  }

  function later(fn) {
    if (window.requestIdleCallback) window.requestIdleCallback(fn, { timeout: 40 });
    else setTimeout(fn, 0);
  }

  function seek(seconds) {
    if (player && player.seek) player.seek(seconds);
    else if (audio) {
      audio.currentTime = seconds;
      const playing = audio.play();
      if (playing && playing.catch) playing.catch(() => {});
    }
  }

  function playingIndex() {
    if (player && typeof player.current === "number" && player.current >= 0) return player.current;
    if (player && player.indexAt && audio) return player.indexAt(audio.currentTime);
    return -1;
  }

  function clearTicks() {
    if (bar) {
      bar.replaceChildren();
      bar.hidden = true;
    }
    ticks = [];
    now = null;
  }

  function showStatus() {
    if (!status) return;
    status.classList.toggle("find-status--none", Boolean(query) && matches.length === 0);
    status.dataset.count = String(matches.length);
    status.dataset.current = String(current + 1);
    if (!query) status.textContent = "";
    else if (!matches.length) status.textContent = "No matches";
    else if (current < 0) status.textContent = matches.length === 1 ? "1 match" : `${matches.length} matches`;
    else status.textContent = `${current + 1} of ${matches.length}`;
    for (const button of stepButtons) button.disabled = matches.length === 0;
  }

  /** One tick per matching cue; past MAX_TICKS cues, the cues that fall in the same
   * 1/MAX_TICKS of the timeline share a tick (thousands of ticks only blur together). */
  function buildTicks() {
    if (!bar) return;
    const fragment = document.createDocumentFragment();
    const merge = ranges.size > MAX_TICKS;
    ticks = [];
    let i = 0;
    while (i < matches.length) {
      const first = i;
      const bucket = merge ? slot(matches[i].start) : matches[i].cue;
      let cues = 0;
      let last = -1;
      while (i < matches.length && (merge ? slot(matches[i].start) : matches[i].cue) === bucket) {
        if (matches[i].cue !== last) cues += 1;
        last = matches[i].cue;
        i += 1;
      }
      const found = i - first;
      const from = clockLabel(matches[first].start);
      const to = clockLabel(matches[i - 1].start);
      let label;
      if (cues > 1) label = `${found} matches from ${from} to ${to}`;
      else if (found > 1) label = `${found} matches at ${from}`;
      else label = `Match at ${from}`;
      const tick = document.createElement("button");
      tick.type = "button";
      tick.className = "find-tick";
      tick.tabIndex = ticks.length === 0 ? 0 : -1;
      tick.dataset.match = String(first);
      tick.dataset.cue = String(matches[first].cue);
      tick.dataset.last = String(last);
      tick.dataset.count = String(found);
      tick.setAttribute("aria-label", label);
      tick.title = label;
      tick.style.left = `${percentOf(matches[first].start)}%`;
      fragment.appendChild(tick);
      ticks.push(tick);
    }
    now = document.createElement("span");
    now.className = "find-now";
    fragment.appendChild(now);
    bar.replaceChildren(fragment);
    bar.hidden = ticks.length === 0;
    showNow();
  }

  function percentOf(seconds) {
    return duration > 0 ? Math.min(100, Math.max(0, (seconds / duration) * 100)) : 0;
  }

  function slot(seconds) {
    return Math.min(MAX_TICKS - 1, Math.floor((percentOf(seconds) / 100) * MAX_TICKS));
  }


  function showNow() {
    if (!now || !audio || !(duration > 0)) return;
    now.style.left = `${percentOf(audio.currentTime)}%`;
  }

  /** Find ``raw`` in every cue: count and place every match at once, mark the cues on
   * screen right away and the others in the background, nearest first. */
  function run(raw) {
    const began = performance.now();
    performance.mark("find-start");
    const [top, bottom] = visibleRange(); // before any DOM change: no forced layout
    generation += 1;
    current = -1;
    query = foldQuery(raw);
    matches = [];
    ranges = new Map();
    firstMatch.fill(-1);
    if (query) {
      const all = texts();
      for (let c = 0; c < count; c += 1) {
        const { text } = all[c];
        let at = text.indexOf(query);
        if (at < 0) continue;
        const found = [];
        firstMatch[c] = matches.length;
        while (at >= 0) {
          found.push(originalRange(all[c], at, at + query.length));
          matches.push({ cue: c, start: starts[c], marks: null });
          at = text.indexOf(query, at + query.length);
        }
        ranges.set(c, found);
      }
    }
    // every cue whose marks must change: those showing the last search's, those with this one's
    const stale = (c) => domMarks[c] !== null || ranges.has(c);
    for (let c = top; c <= bottom; c += 1) if (stale(c)) syncCue(c);
    queue = [];
    for (let c = 0; c < top; c += 1) if (stale(c)) queue.push(c); // above: last
    for (let c = count - 1; c > bottom; c -= 1) if (stale(c)) queue.push(c); // below: first
    clearTicks();
    if (query) buildTicks();
    showStatus();
    form.classList.toggle("find--active", document.activeElement === input || Boolean(query));
    const marked = performance.now();
    performance.mark("find-marked");
    entry = {
      query: raw, matches: matches.length, cues: ranges.size, began, markMs: marked - began,
      ms: NaN, done: queue.length === 0, doneMs: queue.length ? NaN : marked - began,
    };
    timings.push(entry);
    if (timings.length > 200) timings.shift();
    const mine = entry;
    requestAnimationFrame(() => {
      setTimeout(() => {
        mine.ms = performance.now() - began;
        performance.mark("find-painted");
        try {
          performance.measure("find", "find-start", "find-painted");
        } catch (error) { /* the marks were cleared by someone else: the entry has it */ }
      }, 0);
    });
    if (queue.length && !working) {
      working = true;
      later(work);
    }
  }

  function setCurrent(index, { andSeek = true } = {}) {
    if (current >= 0 && matches[current]) {
      for (const mark of matches[current].marks || []) mark.classList.remove("mark--current");
    }
    current = index;
    const match = matches[current];
    if (!match) return;
    syncCue(match.cue); // it may not be marked yet
    for (const mark of match.marks || []) mark.classList.add("mark--current");
    for (const tick of ticks) {
      const on = Number(tick.dataset.cue) <= match.cue && match.cue <= Number(tick.dataset.last);
      tick.classList.toggle("find-tick--current", on);
      if (on) tick.tabIndex = 0;
      else tick.tabIndex = -1;
    }
    showStatus();
    if (andSeek) seek(match.start);
  }

  /** Next (+1) or previous (-1) match, wrapping; the first step starts from playback. */
  function step(direction) {
    flush();
    if (!matches.length) return;
    let index;
    if (current < 0) {
      const here = playingIndex();
      if (direction > 0) {
        index = matches.findIndex((m) => m.cue >= Math.max(0, here));
        if (index < 0) index = 0;
      } else {
        index = -1;
        for (let i = matches.length - 1; i >= 0; i -= 1) {
          if (matches[i].cue <= here) {
            index = i;
            break;
          }
        }
        if (index < 0) index = matches.length - 1;
      }
    } else {
      index = (current + direction + matches.length) % matches.length;
    }
    setCurrent(index);
  }

  function flush() {
    if (!timer) return;
    clearTimeout(timer);
    timer = 0;
    run(input.value);
  }

  function schedule() {
    clearTimeout(timer);
    timer = setTimeout(() => {
      timer = 0;
      run(input.value);
    }, DEBOUNCE_MS);
  }

  function reset() {
    clearTimeout(timer);
    timer = 0;
    input.value = "";
    run("");
  }

  input.addEventListener("focus", texts, { once: true }); // fold the cues before typing starts
  // "active" while focused or holding a search: narrow screens then give the box a full row
  const activate = () => form.classList.toggle("find--active", document.activeElement === input || Boolean(query));
  input.addEventListener("focus", activate);
  input.addEventListener("blur", activate);
  input.addEventListener("input", () => {
    if (!input.value) reset(); // cleared (the ✕ of a search field): no need to wait
    else schedule();
  });
  input.addEventListener("keydown", (event) => {
    if (event.isComposing) return;
    if (event.key === "Enter") {
      event.preventDefault();
      step(event.shiftKey ? -1 : 1);
    } else if (event.key === "Escape") {
      event.preventDefault();
      if (input.value || matches.length) reset();
      else input.blur();
    }
  });
  form.addEventListener("submit", (event) => {
    event.preventDefault(); // with JS, the form finds in the page instead of loading /search
    step(1);
  });
  for (const button of stepButtons) {
    button.addEventListener("click", () => step(Number(button.dataset.step) < 0 ? -1 : 1));
  }
  if (bar) {
    bar.addEventListener("click", (event) => {
      const tick = event.target.closest(".find-tick");
      if (!tick) return;
      setCurrent(Number(tick.dataset.match));
    });
    bar.addEventListener("keydown", (event) => {
      const tick = event.target.closest(".find-tick");
      if (!tick || !ticks.length) return;
      let next = ticks.indexOf(tick);
      if (event.key === "ArrowRight" || event.key === "ArrowDown") next += 1;
      else if (event.key === "ArrowLeft" || event.key === "ArrowUp") next -= 1;
      else if (event.key === "Home") next = 0;
      else if (event.key === "End") next = ticks.length - 1;
      else return;
      event.preventDefault(); // not the player's ←/→ seek
      const target = ticks[Math.min(ticks.length - 1, Math.max(0, next))];
      for (const t of ticks) t.tabIndex = t === target ? 0 : -1;
      target.focus();
    });
  }
  if (audio) audio.addEventListener("timeupdate", showNow);

  showStatus();
  return {
    run, step, clear: reset,
    get matches() { return matches; },
    get current() { return current; },
    get pending() { return queue.length; },
  };
}
