// The transcript follows playback: the words being said stay in a comfortable band of the
// reading pane under the player bar. Not the paragraph's top (a paragraph of three minutes
// is taller than a phone's screen) but the line being said: the word's, with word timings,
// else the place the sentence estimate has reached (player.readingBox). The pane scrolls
// rarely and smoothly: only when that line leaves the band (above 12 % or below 72 % of
// the pane), and then puts it 28 % of the way down, so the reader reads on down the screen
// for many lines before the next scroll, as Apple Podcasts and YouTube do.
//
// When the reader scrolls (wheel, touch, keys or the scrollbar, never our own scrolling)
// and the words being said leave the screen, following pauses and "Back to now" appears,
// pointing their way; it resumes from that button or once they are scrolled back into
// view. While they stay on screen, following goes on but lets them reach the pane's edge
// before scrolling: a glance back at the line above is never snapped away.
// It never moves the page while the keyboard's focus is in the transcript (the reader is
// tabbing through it), nor when the preferences turn it off (<html data-follow="off">).
//
// Right place, always: before any scroll to a cue, its group of cues and the groups either
// side are laid out (cue-layout.js; far groups are skipped while the page loads, with
// estimated heights that once put the page tens of paragraphs from the cue it meant to
// show), and a resize, rotation or text-size change re-places the words being said (or,
// when not following, the paragraph that was at the top of the screen).

import { firstBelow } from "./cue-geometry.js";

const SCROLL_KEYS = new Set(["PageUp", "PageDown", "Home", "End", "ArrowUp", "ArrowDown", " "]);
const USER_SCROLL_WINDOW_MS = 800;
const SETTLE_STEADY_FRAMES = 3; // a scroll has settled once its target stays put this long
const SETTLE_MAX_FRAMES = 120; // and gives up after about two seconds
const CHECK_EVERY_MS = 150; // how often playback looks where the words being said are
// The reading band, as shares of the pane's height: the line being said stays between
// BAND_TOP and BAND_BOTTOM; once it leaves, it is put back at AIM.
const BAND_TOP = 0.12;
const BAND_BOTTOM = 0.72;
const AIM = 0.28;
const FAR_PANES = 2; // a scroll longer than this many panes' heights jumps
const EDGE_PX = 6; // "on screen": this far inside the pane at least

function followingOff() {
  return document.documentElement.dataset.follow === "off";
}

/** Is the keyboard's focus inside ``list`` (tabbing through the transcript)? Not the focus
 *  the page itself put on a shared moment's cue (its time link's autofocus, which lands a
 *  page without JavaScript there): that one must not stop the following. */
function keyboardFocusIn(list) {
  const active = document.activeElement;
  if (!list || !active || !list.contains(active) || active.hasAttribute("autofocus")) return false;
  try {
    return active.matches(":focus-visible");
  } catch {
    return true;
  }
}

export class Follower {
  constructor(player) {
    this.player = player;
    this.page = player.page;
    this.button = this.page.querySelector("#back-to-now");
    this.following = true;
    // After the reader's own scroll left the words being said on screen: scroll only once
    // they reach the pane's edge, not the band's.
    this.relaxed = false;
    this.userScrollAt = -Infinity;
    this.checkedAt = -Infinity;
    this.frame = 0;
    this.checkFrame = 0;
    this.pending = null;
    this.check = null;
    this.reducedMotion = window.matchMedia("(prefers-reduced-motion: reduce)");
    this.list = this.page.querySelector("#cues");
    // What scrolls: the reading pane under the player bar (site.css), so nothing ever
    // slides under the bar.
    this.scroller = this.page.querySelector(".reading");
    this.topCue = 0; // when not following: the cue at the top of the screen, kept on resize

    this.autoScrolling = false; // a smooth scroll of ours is under way
    const userScroll = () => {
      this.userScrollAt = performance.now();
      // The reader takes over: stop our smooth scroll so it doesn't swallow theirs.
      if (this.autoScrolling) {
        this.autoScrolling = false;
        this.scroller.scrollTo({ top: this.scroller.scrollTop, behavior: "instant" });
      }
    };
    window.addEventListener("wheel", userScroll, { passive: true });
    window.addEventListener("touchmove", userScroll, { passive: true });
    window.addEventListener("keydown", (event) => {
      if (SCROLL_KEYS.has(event.key)) userScroll();
    });
    // Dragging the scrollbar: a press beside the scroller's content box.
    window.addEventListener("pointerdown", (event) => {
      const box = this.scroller.getBoundingClientRect();
      if (event.clientX >= box.left + this.scroller.clientWidth && event.clientY >= box.top) userScroll();
    });
    this.scroller.addEventListener("scroll", () => this.onScroll(), { passive: true });
    this.scroller.addEventListener("scrollend", () => {
      this.autoScrolling = false;
      this.topCue = Math.max(0, firstBelow(this.player.cues, this.viewTop()));
      if (this.recentlyScrolledByUser()) this.onScroll();
    });
    this.watchSize();
    if (this.button) this.button.addEventListener("click", () => this.resume(true));
  }

  recentlyScrolledByUser() {
    return performance.now() - this.userScrollAt < USER_SCROLL_WINDOW_MS;
  }

  /** The pane's box on screen: {top, bottom, height} in viewport px. */
  pane() {
    const top = this.viewTop();
    const height = this.scroller.clientHeight;
    return { top, bottom: top + height, height };
  }

  /** Where the words being said are on screen ({top, bottom}), or null. */
  now() {
    const index = this.player.current;
    return index >= 0 ? this.player.readingBox(index, this.player.media.time) : null;
  }

  /** Is ``box`` on screen, inside the pane? */
  onScreen(box, pane = this.pane()) {
    return box.bottom > pane.top + EDGE_PX && box.top < pane.bottom - EDGE_PX;
  }

  /** The reader scrolled: following pauses when the words being said left the screen,
   *  and resumes when they come back into it. */
  onScroll() {
    if (this.autoScrolling || !this.recentlyScrolledByUser()) return;
    const box = this.now();
    if (!box) return;
    const pane = this.pane();
    if (this.onScreen(box, pane)) {
      this.relaxed = true;
      if (!this.following) this.resume(false);
    } else {
      this.point(box.top < pane.top ? "up" : "down");
      if (this.following) this.pause();
    }
  }

  /** Called by the player on every sync while playing: now and then, see whether the
   *  line being said has left the reading band (not while a scroll of ours settles). */
  onTick() {
    const now = performance.now();
    if (now - this.checkedAt < CHECK_EVERY_MS) return;
    this.checkedAt = now;
    if (!this.check) this.checkBand(false);
  }

  /** A new current cue, or a seek (playing or not): look at the next frame, even in the
   *  middle of a scroll of ours to somewhere else. */
  onCueChange() {
    this.checkSoon();
  }

  checkSoon() {
    if (this.checkFrame) return;
    this.checkFrame = requestAnimationFrame(() => {
      this.checkFrame = 0;
      this.checkBand(true);
    });
  }

  /** Bring the line being said back to AIM when it is outside the reading band (with
   *  ``relaxed``, outside the pane); ``interrupt``: even while a smooth scroll of ours runs. */
  checkBand(interrupt) {
    if (!this.following || this.frame || (this.autoScrolling && !interrupt)) return;
    if (followingOff() || keyboardFocusIn(this.list) || this.recentlyScrolledByUser()) return;
    if (this.player.gaps.current >= 0) return; // a gap's marker is placed by player-gaps.js
    const box = this.now();
    if (!box) return;
    const pane = this.pane();
    const [high, low] = this.relaxed ? [pane.top + EDGE_PX, pane.bottom - 2 * EDGE_PX]
      : [pane.top + pane.height * BAND_TOP, pane.top + pane.height * BAND_BOTTOM];
    if (box.top >= high && box.bottom <= low) return;
    this.scrollSoon(this.player.current);
  }

  /** Point "Back to now" the way the words being said are: "up" or "down". */
  point(way) {
    if (this.button) this.button.classList.toggle("back-to-now--up", way === "up");
  }

  pause() {
    this.following = false;
    if (this.button && this.player.current >= 0) this.button.hidden = false;
  }

  resume(scroll) {
    this.following = true;
    this.relaxed = !scroll;
    if (this.button) this.button.hidden = true;
    if (scroll && this.player.current >= 0) this.scrollSoon(this.player.current);
  }

  /** Bring the words being said at ``at`` (default: now) in cue ``index`` to their place,
   * at the next frame. Measuring where they are needs a layout; done in
   * requestAnimationFrame that is the frame's own layout, not an extra one forced in the
   * middle of a cue change (and several calls in one frame scroll once). */
  scrollSoon(index, at = null) {
    this.pending = [index, { at }];
    if (this.frame) return;
    this.frame = requestAnimationFrame(() => {
      this.frame = 0;
      const began = performance.now();
      this.scrollTo(...this.pending);
      const stats = this.player.stats;
      stats.scrolls += 1;
      stats.scrollMs += performance.now() - began;
    });
  }

  /** The top of the reading pane on screen (viewport px). */
  viewTop() {
    return this.scroller.getBoundingClientRect().top;
  }

  /** Where the scroller must scroll for a box whose top is at ``top`` (viewport px) to sit
   *  at AIM of the pane. */
  targetFor(top) {
    const { scroller } = this;
    const y = top - this.viewTop() + scroller.scrollTop - scroller.clientHeight * AIM;
    return Math.max(0, Math.min(Math.round(y), scroller.scrollHeight - scroller.clientHeight));
  }

  /** Re-place after a resize, rotation or text-size change (the layout's widths moved). */
  watchSize() {
    let frame = 0;
    let width = window.innerWidth;
    let height = window.innerHeight;
    const replace = () => {
      frame = 0;
      if (window.innerWidth === width && Math.abs(window.innerHeight - height) < 120 && !this.forced) return;
      width = window.innerWidth;
      height = window.innerHeight;
      this.forced = false;
      this.replace();
    };
    this.replaceSoon = (force = false) => {
      this.forced = this.forced || force;
      if (!frame) frame = requestAnimationFrame(replace);
    };
    window.addEventListener("resize", () => this.replaceSoon());
    window.addEventListener("orientationchange", () => this.replaceSoon(true));
    const probe = this.page.querySelector("#em-probe"); // 10em: its width moves with the text size
    if (probe && "ResizeObserver" in window) {
      let em = 0;
      new ResizeObserver(() => {
        const now = probe.offsetWidth;
        if (em && now !== em) this.replaceSoon(true);
        em = now;
      }).observe(probe);
    }
  }

  replace() {
    if (this.following && this.player.current >= 0 && !followingOff()) {
      this.scrollTo(this.player.current, { instant: true });
    } else {
      this.showAtTop(this.topCue);
    }
  }

  /** Put cue ``index`` at the top of the screen, under the player bar (not following). */
  showAtTop(index) {
    const cue = this.player.cues[index];
    if (!cue) return;
    this.player.layout.show(cue);
    const top = cue.getBoundingClientRect().top - this.viewTop() + this.scroller.scrollTop;
    this.scroller.scrollTo({ top: Math.max(0, Math.round(top)), behavior: "instant" });
    this.topCue = index;
  }

  /** Scroll so the words said at ``at`` (default: now) in cue ``index`` sit at AIM; those
   *  words, not whichever are said while the scroll runs: the settling keeps them put. */
  scrollTo(index, { instant = false, at = null } = {}) {
    const cue = this.player.cues[index];
    if (!cue) return;
    this.player.layout.show(cue);
    const when = at ?? this.player.media.time;
    const measure = () => (this.player.readingBox(index, when) || cue.getBoundingClientRect()).top;
    this.relaxed = false;
    this.place(measure, instant, () => this.following && this.player.current === index);
  }

  /** Show ``element`` (inside cue ``index``) at AIM, without following: find's current
   *  match. Playback goes on where it is; "Back to now" returns to it. */
  reveal(element, index) {
    if (!element) return;
    this.pause();
    this.player.layout.show(this.player.cues[index]);
    const token = (this.revealing = {});
    this.place(element, false, () => !this.following && this.revealing === token);
  }

  /** Scroll ``what`` (an element, or a function giving a top in viewport px) to AIM:
   *  smoothly unless ``instant`` (or the reader prefers less motion), and keep it there
   *  while the layout settles and ``keep()`` holds. */
  place(what, instant, keep) {
    const measure = typeof what === "function" ? what : () => what.getBoundingClientRect().top;
    const alive = typeof what === "function" ? () => true : () => what.isConnected;
    const target = this.targetFor(measure());
    const distance = Math.abs(target - this.scroller.scrollTop);
    const moves = distance >= 2;
    // A long way off (a seek far away): there at once, as a smooth scroll would take
    // seconds and show nothing to read on its way.
    const far = distance > FAR_PANES * this.scroller.clientHeight;
    const smooth = !instant && !far && !this.reducedMotion.matches && moves;
    this.autoScrolling = smooth;
    if (moves) {
      this.player.stats.moves += 1;
      this.scroller.scrollTo({ top: target, behavior: smooth ? "smooth" : "instant" });
    }
    this.settle(measure, () => alive() && keep(), smooth);
  }

  /** Layout can still move while a scroll runs (the page still arriving, word timings,
   * the bar changing height). During a smooth scroll, a target that moves ends it: the
   * browser would carry on to the old place. After the scroll, check each frame and
   * correct until the target has stayed put for a few frames (while ``keep()`` holds, the
   * reader has not taken over and no newer scroll began). */
  settle(measure, keep, smooth) {
    const token = {};
    this.check = token;
    let frames = 0;
    let steady = 0;
    const step = () => {
      if (this.check !== token) return;
      if (!keep() || this.recentlyScrolledByUser() || frames++ > SETTLE_MAX_FRAMES) {
        this.check = null;
        return;
      }
      const target = this.targetFor(measure());
      if (Math.abs(target - this.scroller.scrollTop) < 2) {
        steady += 1;
      } else {
        steady = 0;
        this.scroller.scrollTo({ top: target, behavior: "instant" });
      }
      if (steady >= SETTLE_STEADY_FRAMES) this.check = null;
      else requestAnimationFrame(step);
    };
    if (smooth) {
      let started = false;
      const begin = () => {
        if (started) return;
        started = true;
        requestAnimationFrame(step);
      };
      const aimed = this.targetFor(measure());
      const watch = () => {
        if (started || this.check !== token) return;
        if (Math.abs(this.targetFor(measure()) - aimed) >= 2) begin(); // step() goes there at once
        else requestAnimationFrame(watch);
      };
      requestAnimationFrame(watch);
      this.scroller.addEventListener("scrollend", begin, { once: true });
      window.setTimeout(begin, 1500); // no scrollend (older browsers, or nothing moved)
    } else {
      requestAnimationFrame(step);
    }
  }
}
