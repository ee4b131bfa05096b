// Playing a range (?t=START,END or #t=START,END): its cues are marked in the transcript,
// and playback pauses at its end — checked on timeupdate and, in its last second, every
// animation frame. Seeking outside the range, or reaching its end once, forgets it.

const END_SLACK = 0.02; // pause this close to the end of a range (seconds)
const PRECISE_WINDOW = 1; // check every animation frame within this of the end

export class RangePlayback {
  constructor(player) {
    this.player = player;
    this.media = player.media;
    this.range = null;
    this.frame = 0;
    const watch = () => {
      if (!this.frame) this.check();
    };
    this.media.on("timeupdate", watch);
    this.media.on("playing", watch);
    this.media.on("seeking", () => {
      if (!this.range) return;
      const t = this.media.time;
      if (t < this.range.start - 1 || t > this.range.end) this.range = null; // went elsewhere
    });
  }

  check() {
    this.frame = 0;
    if (!this.range) return;
    const t = this.media.time;
    if (t >= this.range.end - END_SLACK) {
      this.range = null;
      this.media.pause();
      return;
    }
    if (!this.media.paused && this.range.end - t <= PRECISE_WINDOW) {
      this.frame = requestAnimationFrame(() => this.check());
    }
  }

  /** Stop at ``end`` (null: no range, just forget any). */
  set(start, end) {
    this.range = end === null || end === undefined ? null : { start, end };
  }

  /** Mark the cue at ``start`` as the target and, for a range, every cue heard in it. */
  mark(start, end) {
    const { cues, starts, page } = this.player;
    for (const cue of page.querySelectorAll("#cues .cue--target, #cues .cue--in-range")) {
      cue.classList.remove("cue--target", "cue--in-range");
    }
    const first = Math.max(0, this.player.indexAt(start));
    if (!cues[first]) return;
    cues[first].classList.add("cue--target");
    if (end === null || end === undefined) return;
    for (let i = first; i < cues.length && (i === first || starts[i] < end); i += 1) {
      cues[i].classList.add("cue--in-range");
    }
  }
}
