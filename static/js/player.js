// The listening-while-reading player: keeps the transcript in step with the audio.
//
//   const player = startPlayer(page);
//
// What other modules may use — the Player's whole surface; they add nothing to it:
//   fields (set here, read elsewhere):
//     player.page      the <main> element of the episode page or embed
//     player.media     the audio, through its one adapter (media.js): time, paused, rate…
//     player.list      the cue list (#cues); player.cues the cue elements, in order;
//                      player.starts their start times
//     player.gaps      the stretches the transcript does not hold (player-gaps.js)
//     player.layout    the cue groups' layout (cue-layout.js)
//     player.follower  the reading pane's scrolling (player-follow.js)
//     player.words     the word highlight and word timings (player-words.js)
//     player.controls  the page's own controls with their scrubber (controls.js), or null
//     player.chapters  the episode's chapters (chapters.js, through setChapters), or null
//     player.stats     timing counters for bench/bench_playback.py
//   methods: current (getter), indexAt(s), duration(), seek(s, {play, scroll}),
//     seekBy(delta), stepCue(delta), playRange(start, end), play(), toggle(), follow(),
//     timeAt(cue, offset), readingBox(cue, s), sync(), refreshHighlight(),
//     setChapters(chapters), skipGap();
//   the page fires "listenalong:cuechange" {index, previous} and, when the browser
//   refuses to start playback by itself, "listenalong:refused".
//
// The sync never scans the cues: each tick is O(1) while playback stays in the same cue
// and a binary search otherwise, and only the old and new current cue are touched.
import { SentenceHighlighter, sentenceOfOffset } from "./player-sentences.js";
import { Follower } from "./player-follow.js";
import { RangePlayback } from "./player-range.js";
import { WordHighlighter } from "./player-words.js";
import { Gaps } from "./player-gaps.js";
import { startKeys } from "./player-keys.js";
import { startMemory } from "./player-memory.js";
import { startLanding } from "./player-landing.js";
import { startControls } from "./controls.js";
import { startMediaSession } from "./media-session.js";
import { CueLayout } from "./cue-layout.js";
import { Media } from "./media.js";
import { rangeBox, textOffset } from "./text-marks.js";
import { fragmentMoment, lastAtOrBefore, startMoment } from "./time.js";

/** Timing counters, read by bench/bench_playback.py (cheap: two clock reads per update). */
function newStats() {
  return {
    cueChanges: 0, cueChangeMs: 0, cueChangeMaxMs: 0, // the cue-change handling (JS)
    syncs: 0, syncMs: 0, syncMaxMs: 0, // every sync tick (timeupdate / animation frame)
    scrolls: 0, scrollMs: 0, // following: measuring and starting the scroll, per frame
    moves: 0, // scrolls of the reading pane that following started
  };
}

function count(stats, name, began) {
  const spent = performance.now() - began;
  stats[`${name}s`] += 1;
  stats[`${name}Ms`] += spent;
  if (spent > stats[`${name}MaxMs`]) stats[`${name}MaxMs`] = spent;
}

/** Where the pointer is in a cue's text, as a character offset (or -1). */
function caretOffset(text, event) {
  let node = null;
  let offset = 0;
  if (document.caretPositionFromPoint) {
    const pos = document.caretPositionFromPoint(event.clientX, event.clientY);
    if (pos) ({ offsetNode: node, offset } = pos);
  } else if (document.caretRangeFromPoint) {
    const range = document.caretRangeFromPoint(event.clientX, event.clientY);
    if (range) ({ startContainer: node, startOffset: offset } = range);
  }
  return node && text ? textOffset(text, node, offset) : -1;
}

export class Player {
  constructor(page) {
    this.page = page;
    this.media = new Media(page.querySelector("#player"));
    this.list = page.querySelector("#cues");
    // The cues, in order.
    this.cues = this.list ? Array.from(this.list.getElementsByClassName("cue")) : [];
    this.starts = new Float64Array(this.cues.length);
    this.cues.forEach((cue, i) => { this.starts[i] = Number(cue.getAttribute("data-start")) || 0; });
    this.stats = window.listenalongStats = newStats();
    this.layout = new CueLayout(this.list);
    this.sentences = new SentenceHighlighter();
    this.words = new WordHighlighter(this);
    this.currentIndex = -1;
    this.frame = 0;
    this.follower = new Follower(this);
    this.ranges = new RangePlayback(this);
    this.gaps = new Gaps(this);
    this.controls = null; // startPlayer sets them
    this.chapters = null; // setChapters, when the episode has some
    this.listen();
  }

  /** The episode's chapters (chapters.js): the { and } keys step through them. */
  setChapters(chapters) {
    this.chapters = chapters;
  }

  get current() {
    return this.currentIndex;
  }

  /** Index of the cue playing at ``seconds``: the last one starting at or before it. */
  indexAt(seconds) {
    return lastAtOrBefore(this.starts, seconds);
  }

  /** The episode's length: the audio's once known, else the server's figure. */
  duration() {
    return this.media.duration || Number(this.page.dataset.duration) || 0;
  }

  setCurrent(index) {
    const began = performance.now();
    const previous = this.currentIndex;
    if (previous >= 0) this.cues[previous].removeAttribute("aria-current");
    this.currentIndex = index;
    const cue = index >= 0 ? this.cues[index] : null;
    if (cue) cue.setAttribute("aria-current", "true");
    this.words.setCue(index);
    this.sentences.setCue(this.words.has(index) ? null : cue);
    this.follower.onCueChange(index, previous);
    this.page.dispatchEvent(new CustomEvent("listenalong:cuechange", { detail: { index, previous } }));
    count(this.stats, "cueChange", began);
  }

  /** Bring the highlight in line with the audio's position. */
  sync() {
    const began = performance.now();
    const t = this.media.time;
    const { starts } = this;
    let index = this.currentIndex;
    const inside = index >= 0 && starts[index] <= t && (index + 1 >= starts.length || t < starts[index + 1]);
    if (!inside) index = this.indexAt(t);
    if (index !== this.currentIndex) this.setCurrent(index);
    if (this.gaps.update(t) >= 0) { // not in the transcript: the highlight rests
      this.words.clear();
      this.sentences.clear();
    } else if (!this.words.update(t)) this.sentences.update(t);
    if (!this.media.paused) this.follower.onTick();
    count(this.stats, "sync", began);
  }

  tick() {
    this.sync();
    this.frame = this.media.paused ? 0 : requestAnimationFrame(() => this.tick());
  }

  play() {
    const promise = this.media.play();
    // Autoplay may be refused until the reader interacts: stay paused, and say so (the
    // landing offers a "Play from …" button).
    if (promise && promise.catch) {
      promise.catch((error) => {
        if (error && error.name === "NotAllowedError") {
          this.page.dispatchEvent(new CustomEvent("listenalong:refused", { detail: { at: this.media.time } }));
        }
      });
    }
  }

  /** Forward (or back, negative) by ``delta`` seconds, playing on if playing. */
  seekBy(delta) {
    this.seek(this.media.time + delta, { play: !this.media.paused });
  }

  /** To the start of the next (+1) or previous (-1) cue. */
  stepCue(delta) {
    const here = this.current;
    const next = Math.min(this.cues.length - 1, Math.max(0, (here < 0 ? -1 : here) + delta));
    if (next === here || next < 0) return;
    this.seek(this.starts[next], { play: !this.media.paused });
  }

  toggle() {
    if (this.media.paused) this.play();
    else this.media.pause();
  }

  /** Jump to ``seconds``; play unless told not to; follow and show that cue. */
  seek(seconds, { play = true, scroll = true } = {}) {
    let target = Math.max(0, Number(seconds) || 0);
    const duration = this.duration();
    if (duration > 0) target = Math.min(target, duration);
    // Show the place right away even when the audio has not loaded its metadata yet.
    const index = this.indexAt(target);
    if (index !== this.currentIndex) this.setCurrent(index);
    const apply = () => {
      this.media.time = target;
      this.sync();
    };
    if (this.media.ready) apply();
    else this.media.on("loadedmetadata", apply, { once: true });
    this.follow({ scroll: false });
    if (scroll) this.follower.scrollSoon(index >= 0 ? index : 0, target);
    if (play) this.play();
  }

  /** Play from ``start``, pausing at ``end`` (null: no end), with the range's cues marked;
   *  ``instant`` jumps the transcript there at once (a page opened at a moment). */
  playRange(start, end = null, { play = true, instant = false } = {}) {
    this.ranges.mark(start, end);
    this.ranges.set(start, end);
    this.seek(start, { play, scroll: !instant });
    if (instant) this.follower.scrollTo(Math.max(0, this.currentIndex), { instant: true, at: start });
  }

  follow({ scroll = true } = {}) {
    this.follower.resume(scroll);
  }

  /** A click on a cue's time link or text seeks there (the sentence clicked) and plays. */
  onClick(event) {
    if (event.defaultPrevented || event.button !== 0) return;
    const selection = window.getSelection();
    if (selection && !selection.isCollapsed) return; // the reader is selecting text
    const link = event.target.closest("a");
    const cue = event.target.closest(".cue");
    if (!cue || !this.list.contains(cue)) return;
    let at = Number(cue.dataset.start);
    if (link) {
      if (!link.classList.contains("cue-time")) return; // some other link: leave it be
      if (event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return; // new tab
      event.preventDefault();
    } else if (event.target.closest(".cue-text")) {
      at = this.clickedSentenceTime(cue, event) ?? at;
    } else {
      return;
    }
    this.seek(at);
  }

  /** Seconds of the word (or, without word timings, the sentence) under the pointer. */
  clickedSentenceTime(cue, event) {
    const at = caretOffset(cue.querySelector(".cue-text"), event);
    return at < 0 ? null : this.timeAt(this.cues.indexOf(cue), at);
  }

  /** When character ``offset`` of cue ``index`` is said: its word's onset with word
   *  timings (``end``: when the next word starts), else its sentence's estimated start
   *  (``end``: the cue's end). */
  timeAt(index, offset, { end = false } = {}) {
    const word = this.words.timeAt(index, offset, { end });
    if (word !== null) return word;
    const cue = this.cues[index];
    if (end) return Number(cue.dataset.end);
    const model = this.sentences.modelOf(cue);
    return model.times[sentenceOfOffset(model, offset)];
  }

  /** Where the words said at ``seconds`` in cue ``index`` are on screen: the word's box
   *  with word timings, else the box of the character the sentence estimate reaches (the
   *  cue's text read at an even pace), or a playing gap's marker; null without text. */
  readingBox(index, seconds) {
    const gap = this.gaps.current;
    if (gap >= 0) return this.gaps.markers[gap].getBoundingClientRect();
    const cue = this.cues[index];
    const text = cue && cue.querySelector(".cue-text");
    if (!text) return null;
    const word = this.words.span(index, seconds);
    if (word) return rangeBox(text, word[0], word[1]);
    const start = Number(cue.dataset.start);
    const length = Math.max(0.001, Number(cue.dataset.end) - start);
    const chars = text.textContent.length;
    const at = Math.min(chars - 1, Math.max(0, Math.floor(((seconds - start) / length) * chars)));
    return chars ? rangeBox(text, at, at + 1) : null;
  }

  /** Past the stretch not in the transcript playing now; false when none is. */
  skipGap() {
    return this.gaps.skip();
  }

  /** Re-highlight the current cue (word timings just arrived). */
  refreshHighlight() {
    const index = this.currentIndex;
    if (index < 0) return;
    this.sentences.setCue(this.words.has(index) ? null : this.cues[index]);
    if (!this.words.update(this.media.time)) this.sentences.update(this.media.time);
  }

  listen() {
    const { media } = this;
    if (this.list) this.list.addEventListener("click", (event) => this.onClick(event));
    const startTicking = () => {
      if (!this.frame) this.frame = requestAnimationFrame(() => this.tick());
    };
    media.on("timeupdate", () => this.sync());
    media.on("seeked", () => {
      this.sync();
      this.follower.checkSoon(); // a seek of the audio's own (media keys, the native controls)
    });
    media.on("play", startTicking);
    media.on("playing", startTicking);
    // A changed #t= is followed (the page's own start is read once, by startPlayer).
    window.addEventListener("hashchange", () => {
      const moment = fragmentMoment(window.location.hash, this.duration());
      if (moment) this.playRange(moment.start, moment.end);
    });
  }
}

/** The server puts a shared moment on the audio's src as a media fragment (#t=start,end)
 *  for pages without JavaScript; the player keeps ranges itself, and the browser's own
 *  fragment end would pause playback once more after the range is done. */
function dropMediaFragment(audio) {
  const src = audio.getAttribute("src") || "";
  if (src.includes("#")) audio.setAttribute("src", src.slice(0, src.indexOf("#")));
}

export function startPlayer(page) {
  dropMediaFragment(page.querySelector("#player"));
  const player = new Player(page);
  player.controls = startControls(player);
  if (player.controls) player.controls.scrubber.bands("scrub-gaps", player.gaps.spans);
  startKeys(player);
  const title = page.querySelector(".episode-title");
  const icon = document.querySelector("link[rel=apple-touch-icon]"); // a PNG: lock screens show no SVG
  startMediaSession(player, title ? title.textContent.trim() : document.title, icon ? icon.href : null);
  if (page.dataset.wordsUrl) player.words.load(page.dataset.wordsUrl);
  const moment = startMoment(page);
  const memory = startMemory(player);
  startLanding(player, moment, memory);
  player.layout.finish(player.current, player.cues); // the rest of the cues, in idle time
  return player;
}
