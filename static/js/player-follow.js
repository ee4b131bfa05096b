// The transcript follows playback: the current cue is kept about a third of the way
// down the reading pane under the player bar. When the reader scrolls away (wheel, touch,
// keys or the scrollbar, never our own scrolling) following pauses and "Back to now"
// appears; it resumes from that button or when the current cue is scrolled back into view.
// It never moves the page while the keyboard's focus is in the transcript (the reader is
// tabbing through it), nor when the preferences turn it off (<html data-follow="off">).
//
// Right place, always: before any scroll to a cue, its group of cues and the groups either
// side are laid out (cue-layout.js; far groups are skipped while the page loads, with
// estimated heights that once put the page tens of paragraphs from the cue it meant to
// show), and a resize, rotation or text-size change re-places the current cue (or, when
// not following, the paragraph that was at the top of the screen).

import { firstBelow } from "./cue-geometry.js";

const SCROLL_KEYS = new Set(["PageUp", "PageDown", "Home", "End", "ArrowUp", "ArrowDown", " "]);
const USER_SCROLL_WINDOW_MS = 800;
const SETTLE_STEADY_FRAMES = 3; // a scroll has settled once its cue stays put this long
const SETTLE_MAX_FRAMES = 120; // and gives up after about two seconds

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
    this.userScrollAt = -Infinity;
    this.visible = true; // is the current cue on screen (in the reading pane)?
    this.observed = null;
    this.observer = null;
    this.frame = 0;
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
    });
    this.watchSize();
    if (this.button) this.button.addEventListener("click", () => this.resume(true));
  }

  recentlyScrolledByUser() {
    return performance.now() - this.userScrollAt < USER_SCROLL_WINDOW_MS;
  }

  onScroll() {
    if (this.following && !this.visible && this.recentlyScrolledByUser()) this.pause();
  }

  /** Watch whether ``cue`` is on screen (one IntersectionObserver target at a time). */
  watch(cue) {
    if (!("IntersectionObserver" in window)) return;
    if (!this.observer) {
      this.observer = new IntersectionObserver((entries) => this.onIntersect(entries), { root: this.scroller });
    } else if (this.observed) {
      this.observer.unobserve(this.observed);
    }
    this.observed = cue;
    if (cue) this.observer.observe(cue);
  }

  onIntersect(entries) {
    for (const entry of entries) {
      if (entry.target !== this.observed) continue;
      this.visible = entry.isIntersecting;
      if (!this.visible) {
        // Point "Back to now" the right way: is the current cue above or below the screen?
        const top = entry.rootBounds ? entry.rootBounds.top : 0;
        this.point(entry.boundingClientRect.top < top ? "up" : "down");
      }
      if (this.visible && !this.following) this.resume(false);
      else if (!this.visible && this.following && this.recentlyScrolledByUser()) this.pause();
    }
  }

  onCueChange(index) {
    const cue = index >= 0 ? this.player.cues[index] : null;
    if (this.following && cue && !followingOff() && !keyboardFocusIn(this.list)) {
      this.visible = true; // we are about to scroll it into view
      this.scrollSoon(index);
    }
    this.watch(cue);
  }

  /** Point "Back to now" the way the current cue is: "up" or "down". */
  point(way) {
    if (this.button) this.button.classList.toggle("back-to-now--up", way === "up");
  }

  pause() {
    this.following = false;
    if (this.button && this.player.current >= 0) this.button.hidden = false;
  }

  resume(scroll) {
    this.following = true;
    if (this.button) this.button.hidden = true;
    if (scroll && this.player.current >= 0) this.scrollSoon(this.player.current);
  }

  /** Scroll to cue ``index`` at the next frame. Measuring where it is needs a layout;
   * done in requestAnimationFrame that is the frame's own layout, not an extra one forced
   * in the middle of the cue change (and several changes in one frame scroll once). */
  scrollSoon(index, options) {
    this.pending = [index, options];
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

  /** Where the scroller must scroll for ``cue`` (or any element) to sit a third of the way down. */
  targetFor(cue) {
    const { scroller } = this;
    const room = scroller.clientHeight;
    const top = cue.getBoundingClientRect().top - this.viewTop() + scroller.scrollTop - room / 3;
    return Math.max(0, Math.min(Math.round(top), scroller.scrollHeight - scroller.clientHeight));
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

  /** Scroll so cue ``index`` sits about a third of the way down below the player bar. */
  scrollTo(index, { instant = false } = {}) {
    const cue = this.player.cues[index];
    if (!cue) return;
    this.player.layout.show(cue);
    this.place(cue, instant, () => this.following && this.player.current === index);
  }

  /** Show ``element`` (inside cue ``index``) a third of the way down, without following:
   *  find's current match. Playback goes on where it is; "Back to now" returns to it. */
  reveal(element, index) {
    if (!element) return;
    this.pause();
    this.player.layout.show(this.player.cues[index]);
    const token = (this.revealing = {});
    this.place(element, false, () => !this.following && this.revealing === token);
  }

  place(element, instant, keep) {
    const target = this.targetFor(element);
    const moves = Math.abs(target - this.scroller.scrollTop) >= 2;
    const smooth = !instant && !this.reducedMotion.matches && moves;
    this.autoScrolling = smooth;
    if (moves) this.scroller.scrollTo({ top: target, behavior: smooth ? "smooth" : "instant" });
    this.settle(element, keep, smooth);
  }

  /** Layout can still move while a scroll runs (the page still arriving, word timings,
   * the bar changing height). During a smooth scroll, a target that moves ends it: the
   * browser would carry on to the old place. After the scroll, check each frame and
   * correct until ``element`` has stayed put for a few frames (while ``keep()`` holds, the
   * reader has not taken over and no newer scroll began). */
  settle(element, keep, smooth) {
    const token = {};
    this.check = token;
    let frames = 0;
    let steady = 0;
    const step = () => {
      if (this.check !== token) return;
      if (!element.isConnected || !keep() || this.recentlyScrolledByUser() || frames++ > SETTLE_MAX_FRAMES) {
        this.check = null;
        return;
      }
      const target = this.targetFor(element);
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
      const aimed = this.targetFor(element);
      const watch = () => {
        if (started || this.check !== token) return;
        if (Math.abs(this.targetFor(element) - aimed) >= 2) begin(); // step() goes there at once
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
