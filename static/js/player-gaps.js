// Stretches of the audio the transcript does not hold (an inserted ad, a music bed), as
// the alignment found them: the server marks each between the cues it falls between
// (<p class="gap" data-start data-end>, templates/_cue.html). While one plays, its marker
// is the current place (the word highlight rests), a "Skip" button and the s key jump
// past it, and the scrubber shows each as a band.
import { shortClock } from "./time.js";

export class Gaps {
  constructor(player) {
    this.player = player;
    this.markers = player.list ? Array.from(player.list.querySelectorAll(".gap")) : [];
    this.spans = this.markers.map((marker) => [Number(marker.dataset.start), Number(marker.dataset.end)]);
    this.button = player.page.querySelector("#skip-gap");
    this.current = -1;
    this.shownLeft = -1;
    if (this.button) this.button.addEventListener("click", () => this.skip());
    if (player.list) player.list.addEventListener("click", (event) => this.onClick(event));
  }

  /** Index of the gap playing at ``seconds``, or -1. */
  at(seconds) {
    return this.spans.findIndex(([start, end]) => seconds >= start && seconds < end);
  }

  /** Mark the gap playing at ``seconds`` (DOM only on change); its index, or -1. */
  update(seconds) {
    if (!this.spans.length) return -1;
    const index = this.at(seconds);
    if (index !== this.current) {
      if (this.current >= 0) this.markers[this.current].removeAttribute("aria-current");
      if (index >= 0) this.markers[index].setAttribute("aria-current", "true");
      this.current = index;
      if (this.button) this.button.hidden = index < 0;
      if (index >= 0) this.player.page.dataset.gap = "on";
      else delete this.player.page.dataset.gap;
      if (index >= 0) this.show(index);
    }
    if (index >= 0 && this.button) this.showLeft(this.spans[index][1] - seconds);
    return index;
  }

  /** Following playback, the reading pane brings the gap's marker into view. */
  show(index) {
    const { follower } = this.player;
    if (!follower.following) return;
    follower.place(this.markers[index], false, () => follower.following && this.current === index);
  }

  showLeft(seconds) {
    const whole = Math.ceil(seconds);
    if (whole === this.shownLeft) return;
    this.shownLeft = whole;
    this.button.textContent = `Skip · ${shortClock(whole)}`;
  }

  /** Past the gap playing now (playing on); false when none is. */
  skip() {
    const index = this.at(this.player.media.time);
    if (index < 0) return false;
    this.player.seek(this.spans[index][1], { play: !this.player.media.paused });
    return true;
  }

  /** A gap marker's link skips it, in the page. */
  onClick(event) {
    const link = event.target.closest(".gap-link");
    if (!link || event.defaultPrevented || event.button !== 0) return;
    if (event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
    event.preventDefault();
    const marker = link.closest(".gap");
    this.player.seek(Number(marker.dataset.end), { play: true });
  }
}
