// The transcript follows playback: the current cue is kept about a third of the way
// down the space below the sticky player bar. When the reader scrolls away (wheel, touch,
// keys or the scrollbar, never our own scrolling) following pauses and "Back to now"
// appears; it resumes from that button or when the current cue is scrolled back into view.

const SCROLL_KEYS = new Set(["PageUp", "PageDown", "Home", "End", "ArrowUp", "ArrowDown", " "]);
const USER_SCROLL_WINDOW_MS = 800;
const SETTLE_STEADY_FRAMES = 3; // a scroll has settled once its cue stays put this long
const SETTLE_MAX_FRAMES = 120; // and gives up after about two seconds

export class Follower {
  constructor(player) {
    this.player = player;
    this.page = player.page;
    this.bar = this.page.querySelector(".player-bar");
    this.button = this.page.querySelector("#back-to-now");
    this.following = true;
    this.userScrollAt = -Infinity;
    this.visible = true; // is the current cue on screen (below the player bar)?
    this.observed = null;
    this.observer = null;
    this.barHeight = 0; // kept by a ResizeObserver: reading it never forces a layout
    this.frame = 0;
    this.pending = null;
    this.check = null;
    this.reducedMotion = window.matchMedia("(prefers-reduced-motion: reduce)");

    this.autoScrolling = false; // a smooth scroll of ours is under way
    const userScroll = () => {
      this.userScrollAt = performance.now();
      // The reader takes over: stop our smooth scroll so it doesn't swallow theirs.
      if (this.autoScrolling) {
        this.autoScrolling = false;
        window.scrollTo({ top: window.scrollY, behavior: "instant" });
      }
    };
    window.addEventListener("wheel", userScroll, { passive: true });
    window.addEventListener("touchmove", userScroll, { passive: true });
    window.addEventListener("keydown", (event) => {
      if (SCROLL_KEYS.has(event.key)) userScroll();
    });
    // Dragging the page's scrollbar: a press beside the document's content box.
    window.addEventListener("pointerdown", (event) => {
      if (event.clientX >= document.documentElement.clientWidth) userScroll();
    });
    window.addEventListener("scroll", () => this.onScroll(), { passive: true });
    window.addEventListener("scrollend", () => { this.autoScrolling = false; });
    if (this.button) this.button.addEventListener("click", () => this.resume(true));
    if (this.bar && "ResizeObserver" in window) {
      new ResizeObserver((entries) => {
        const box = entries[entries.length - 1];
        const size = box.borderBoxSize && box.borderBoxSize[0];
        const height = Math.round(size ? size.blockSize : box.target.offsetHeight);
        if (height === this.barHeight) return;
        this.barHeight = height;
        this.watch(this.observed, true); // the observer's margin depends on it
      }).observe(this.bar);
    }
  }

  recentlyScrolledByUser() {
    return performance.now() - this.userScrollAt < USER_SCROLL_WINDOW_MS;
  }

  onScroll() {
    if (this.following && !this.visible && this.recentlyScrolledByUser()) this.pause();
  }

  /** Watch whether ``cue`` is on screen (one IntersectionObserver target at a time). */
  watch(cue, rebuild = false) {
    if (!("IntersectionObserver" in window)) return;
    if (rebuild || !this.observer) {
      if (this.observer) this.observer.disconnect();
      this.observer = new IntersectionObserver((entries) => this.onIntersect(entries), {
        rootMargin: `-${this.barHeight}px 0px 0px 0px`,
      });
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
        this.point(entry.boundingClientRect.top < top ? "↑" : "↓");
      }
      if (this.visible && !this.following) this.resume(false);
      else if (!this.visible && this.following && this.recentlyScrolledByUser()) this.pause();
    }
  }

  onCueChange(index) {
    const cue = index >= 0 ? this.player.cues[index] : null;
    if (this.following && cue) {
      this.visible = true; // we are about to scroll it into view
      this.scrollSoon(index);
    }
    this.watch(cue);
  }

  point(arrow) {
    const icon = this.button && this.button.querySelector("[aria-hidden]");
    if (icon && icon.textContent !== arrow) icon.textContent = arrow;
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

  /** Where the page must scroll for cue ``index`` to sit a third of the way down. */
  targetFor(cue) {
    const room = window.innerHeight - this.barHeight;
    const top = cue.getBoundingClientRect().top + window.scrollY - this.barHeight - room / 3;
    return Math.max(0, Math.min(Math.round(top), document.documentElement.scrollHeight - window.innerHeight));
  }

  /** Scroll so cue ``index`` sits about a third of the way down below the player bar. */
  scrollTo(index, { instant = false } = {}) {
    const cue = this.player.cues[index];
    if (!cue) return;
    const target = this.targetFor(cue);
    if (Math.abs(target - window.scrollY) < 2) return;
    const smooth = !instant && !this.reducedMotion.matches;
    this.autoScrolling = smooth;
    window.scrollTo({ top: target, behavior: smooth ? "smooth" : "instant" });
    this.settle(index, smooth);
  }

  /** Cue groups far from the screen are laid out with an estimated height (content-visibility),
   * so a scroll to a distant cue can land off once the real heights of the cues it
   * reveals are known. After the scroll, check each frame and correct until the cue has
   * stayed put for a few frames (unless the reader took over or a newer scroll began). */
  settle(index, smooth) {
    const token = {};
    this.check = token;
    let frames = 0;
    let steady = 0;
    const step = () => {
      if (this.check !== token) return;
      const cue = this.player.cues[index];
      if (!cue || !this.following || this.player.current !== index || this.recentlyScrolledByUser()
          || frames++ > SETTLE_MAX_FRAMES) {
        this.check = null;
        return;
      }
      const target = this.targetFor(cue);
      if (Math.abs(target - window.scrollY) < 2) {
        steady += 1;
      } else {
        steady = 0;
        window.scrollTo({ top: target, behavior: "instant" });
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
      window.addEventListener("scrollend", begin, { once: true });
      window.setTimeout(begin, 1500); // no scrollend (older browsers, or nothing moved)
    } else {
      requestAnimationFrame(step);
    }
  }
}
