// The listening-while-reading player: keeps the transcript in step with the audio.
//
//   const player = startPlayer(page);
//   player.audio, player.cues, player.starts, player.indexAt(s), player.seek(s, opts),
//   player.follow();  the page fires "listenalong:cuechange" {index, previous}.
//
// The sync never scans the cues: each tick is O(1) while playback stays in the same cue
// and a binary search otherwise, and only the old and new current cue are touched.
import { SentenceHighlighter, lastAtOrBefore, sentenceOfOffset, textOffset } from "./player-sentences.js";
import { Follower } from "./player-follow.js";
import { startKeys } from "./player-keys.js";
import { startMemory } from "./player-memory.js";

const noop = () => {};

export function startPlayer(page) {
  const audio = page.querySelector("#player");
  const list = page.querySelector("#cues");
  // The cues, in order (in groups of 20: <div class="cue-group">, see site.css).
  const cues = list ? Array.from(list.getElementsByClassName("cue")) : [];
  const count = cues.length;
  const starts = new Float64Array(count);
  for (let i = 0; i < count; i += 1) starts[i] = Number(cues[i].getAttribute("data-start")) || 0;

  // Timing counters, read by bench/bench_playback.py (cheap: two clock reads per update).
  const stats = {
    cueChanges: 0, cueChangeMs: 0, cueChangeMaxMs: 0, // the cue-change handling (JS)
    syncs: 0, syncMs: 0, syncMaxMs: 0, // every sync tick (timeupdate / animation frame)
    scrolls: 0, scrollMs: 0, // following: measuring and starting the scroll, per frame
  };
  window.listenalongStats = stats;
  const sentences = new SentenceHighlighter();
  let current = -1;
  let frame = 0;

  /** Index of the cue playing at ``seconds``: the last one starting at or before it. */
  function indexAt(seconds) {
    return lastAtOrBefore(starts, seconds);
  }

  const player = {
    page, audio, cues, starts, indexAt, stats,
    get current() { return current; },
    seek, follow, play, toggle,
  };

  const follower = new Follower(player);

  function setCurrent(index) {
    const began = performance.now();
    const previous = current;
    if (previous >= 0) cues[previous].removeAttribute("aria-current");
    current = index;
    const cue = index >= 0 ? cues[index] : null;
    if (cue) cue.setAttribute("aria-current", "true");
    sentences.setCue(cue);
    follower.onCueChange(index, previous);
    page.dispatchEvent(new CustomEvent("listenalong:cuechange", { detail: { index, previous } }));
    const spent = performance.now() - began;
    stats.cueChanges += 1;
    stats.cueChangeMs += spent;
    if (spent > stats.cueChangeMaxMs) stats.cueChangeMaxMs = spent;
  }

  /** Bring the highlight in line with the audio's position. */
  function sync() {
    const began = performance.now();
    const t = audio.currentTime;
    let index = current;
    const inside = index >= 0 && starts[index] <= t && (index + 1 >= count || t < starts[index + 1]);
    if (!inside) index = indexAt(t);
    if (index !== current) setCurrent(index);
    sentences.update(t);
    const spent = performance.now() - began;
    stats.syncs += 1;
    stats.syncMs += spent;
    if (spent > stats.syncMaxMs) stats.syncMaxMs = spent;
  }

  function tick() {
    sync();
    frame = audio.paused ? 0 : requestAnimationFrame(tick);
  }

  function startTicking() {
    if (!frame) frame = requestAnimationFrame(tick);
  }

  function play() {
    const promise = audio.play();
    // Autoplay may be refused until the reader interacts: that is fine, stay paused.
    if (promise && promise.catch) promise.catch(noop);
  }

  function toggle() {
    if (audio.paused) play();
    else audio.pause();
  }

  function whenMetadata(fn) {
    if (audio.readyState >= 1) fn();
    else audio.addEventListener("loadedmetadata", fn, { once: true });
  }

  /** Jump to ``seconds``; play unless told not to; follow and show that cue. */
  function seek(seconds, { play: andPlay = true, scroll = true } = {}) {
    let target = Math.max(0, Number(seconds) || 0);
    const duration = Number.isFinite(audio.duration) ? audio.duration : Number(page.dataset.duration);
    if (duration > 0) target = Math.min(target, duration);
    const apply = () => {
      audio.currentTime = target;
      sync();
    };
    // Show the place right away even when the audio has not loaded its metadata yet.
    const index = indexAt(target);
    if (index !== current) setCurrent(index);
    whenMetadata(apply);
    follow({ scroll: false });
    if (scroll) follower.scrollSoon(index >= 0 ? index : 0);
    if (andPlay) play();
  }

  function follow({ scroll = true } = {}) {
    follower.resume(scroll);
  }

  // --- clicks on the transcript: the time link or the text seeks there and plays --------
  if (list) {
    list.addEventListener("click", (event) => {
      if (event.defaultPrevented || event.button !== 0) return;
      const selection = window.getSelection();
      if (selection && !selection.isCollapsed) return; // the reader is selecting text
      const link = event.target.closest("a");
      const cue = event.target.closest(".cue");
      if (!cue || !list.contains(cue)) return;
      let at = Number(cue.dataset.start);
      if (link) {
        if (!link.classList.contains("cue-time")) return; // some other link: leave it be
        if (event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return; // new tab
        event.preventDefault();
      } else if (event.target.closest(".cue-text")) {
        at = clickedSentenceTime(cue, event) ?? at;
      } else {
        return;
      }
      seek(at);
    });
  }

  /** Seconds of the sentence under the pointer (estimated), when the browser can tell. */
  function clickedSentenceTime(cue, event) {
    const text = cue.querySelector(".cue-text");
    let node = null;
    let offset = 0;
    if (document.caretPositionFromPoint) {
      const pos = document.caretPositionFromPoint(event.clientX, event.clientY);
      if (pos) ({ offsetNode: node, offset } = pos);
    } else if (document.caretRangeFromPoint) {
      const range = document.caretRangeFromPoint(event.clientX, event.clientY);
      if (range) ({ startContainer: node, startOffset: offset } = range);
    }
    if (!node || !text) return null;
    const at = textOffset(text, node, offset);
    if (at < 0) return null;
    const model = sentences.modelOf(cue);
    return model.times[sentenceOfOffset(model, at)];
  }

  // --- playback events -----------------------------------------------------------------
  audio.addEventListener("timeupdate", sync);
  audio.addEventListener("seeked", sync);
  audio.addEventListener("play", startTicking);
  audio.addEventListener("playing", startTicking);

  for (const hidden of page.querySelectorAll(".speed[hidden], #shortcuts-button[hidden]")) {
    hidden.hidden = false;
  }
  startKeys(player);
  const memory = startMemory(player);

  // --- where to start: ?t= (data-start-at from the server) or #t= --------------------------
  // A shared range (data-end-at) is handled by the share module; here only its start matters.
  const startAt = startPosition(page);
  if (startAt !== null) {
    memory.dismiss();
    seek(startAt, { play: true, scroll: false });
    follower.scrollTo(current >= 0 ? current : 0, { instant: true });
  } else if (audio.currentTime > 0) {
    sync();
  }

  return player;
}

/** The start position asked for in the URL: the server's data-start-at (from ?t=) or #t=. */
export function startPosition(page) {
  const fromServer = page.dataset.startAt;
  if (fromServer !== undefined && fromServer !== "") {
    const seconds = Number(fromServer);
    if (Number.isFinite(seconds) && seconds >= 0) return seconds;
  }
  const hash = /^#t=(\d+(?:\.\d+)?)$/.exec(window.location.hash);
  return hash ? Number(hash[1]) : null;
}
