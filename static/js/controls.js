// The page's own player controls, over the native <audio> (which a page without
// JavaScript keeps): play/pause, back 15 s / forward 30 s, a scrubber, the time played
// and left, speed and volume.
//
//   const controls = startControls(player);
//   controls.scrubber.marks("find-hits", seconds[], current)   — ticks on the scrubber
//   controls.scrubber.showRange(start, end)                    — a shared range
//   controls.scrubber.bands("scrub-gaps", [[start, end], …])  — stretches marked as bands
//
// The scrubber (role=slider) is dragged with a time tooltip (pointer capture, so a thumb
// can slide off it vertically and keep control), and moved from the keyboard: ←/→ 5 s,
// PageUp/PageDown 60 s, Home/End (Space and k still play and pause). A drag previews
// the time and seeks once, on release.
//
// Fine scrubbing, as iOS has it: a whole episode across a phone's width is about a
// minute a pixel, so dragging away from the bar (down, or up) slows the thumb: half
// speed past 48 px, a quarter past 112 px, and past 176 px half a second a pixel; the tip
// says which. Each change of speed starts from where the thumb is, so it never jumps.
import { shortClock } from "./time.js";

const SKIP_KEYS = { ArrowLeft: -5, ArrowDown: -5, ArrowRight: 5, ArrowUp: 5, PageDown: -60, PageUp: 60 };
const MAX_MARKS = 200;
// Fine scrubbing: [px away from the bar, speed (share of the full speed, or "fine":
// FINE_SECONDS a pixel), what the tip says].
const SCRUB_SPEEDS = [[176, "fine", "Fine scrubbing"], [112, 0.25, "Quarter speed"], [48, 0.5, "Half speed"], [0, 1, ""]];
const FINE_SECONDS = 0.5;

function percent(seconds, duration) {
  return duration > 0 ? Math.min(100, Math.max(0, (seconds / duration) * 100)) : 0;
}

/** The seek bar: where playback is, what was chosen to share, where find's hits are. */
export class Scrubber {
  constructor(player, element) {
    this.player = player;
    this.element = element;
    this.fill = element.querySelector(".scrub-fill");
    this.thumb = element.querySelector(".scrub-thumb");
    this.tip = element.querySelector(".scrub-tip");
    this.range = element.querySelector(".scrub-range");
    this.track = element.querySelector(".scrub-track");
    this.dragging = false;
    this.shownValue = -1;
    this.sectionAt = null;
    this.listen();
  }

  duration() {
    return this.player.duration();
  }

  /** Seconds at the pointer's x. */
  timeAtX(clientX) {
    const box = this.track.getBoundingClientRect();
    const fraction = box.width > 0 ? (clientX - box.left) / box.width : 0;
    return Math.min(1, Math.max(0, fraction)) * this.duration();
  }

  /** Show ``seconds`` as the position (the playhead, or a drag's preview). */
  show(seconds) {
    const whole = Math.floor(seconds);
    const at = `${percent(seconds, this.duration())}%`;
    this.fill.style.width = at;
    this.thumb.style.left = at;
    if (whole === this.shownValue) return;
    this.shownValue = whole;
    const { element } = this;
    element.setAttribute("aria-valuenow", String(whole));
    element.setAttribute("aria-valuemax", String(Math.round(this.duration())));
    element.setAttribute("aria-valuetext", `${shortClock(seconds)} of ${shortClock(this.duration())}`);
  }

  /** The tip over the thumb: the time, then the fine-scrubbing speed or the chapter. */
  showTip(seconds, speed = "") {
    this.tip.hidden = false;
    const section = speed || (this.sectionAt ? this.sectionAt(seconds) : ""); // a chapter's title (chapters.js)
    this.tip.textContent = section ? `${shortClock(seconds)} · ${section}` : shortClock(seconds);
    this.tip.style.left = `${percent(seconds, this.duration())}%`;
  }

  /** A shared range [start, end] as a band on the bar (null: none). */
  showRange(start, end) {
    if (!this.range) return;
    this.range.hidden = start === null || end === null || end <= start;
    if (this.range.hidden) return;
    const duration = this.duration();
    this.range.style.left = `${percent(start, duration)}%`;
    this.range.style.width = `${percent(end, duration) - percent(start, duration)}%`;
  }

  /** Ticks in the layer ``id`` at ``times`` (seconds; those closer than 1/MAX_MARKS of the
   *  episode share one), with the one at ``current`` (an index into times) set apart. */
  marks(id, times, current = -1) {
    const layer = this.element.querySelector(`#${id}`);
    if (!layer) return;
    const duration = this.duration();
    const fragment = document.createDocumentFragment();
    let lastSlot = -1;
    times.forEach((seconds, i) => {
      const slot = Math.floor((percent(seconds, duration) / 100) * MAX_MARKS);
      if (slot === lastSlot && i !== current) return;
      lastSlot = slot;
      const tick = document.createElement("span");
      tick.className = i === current ? "scrub-mark scrub-mark--current" : "scrub-mark";
      tick.style.left = `${percent(seconds, duration)}%`;
      fragment.appendChild(tick);
    });
    layer.replaceChildren(fragment);
    layer.hidden = times.length === 0;
  }

  /** Bands on the bar, one per ``[start, end]`` in seconds (the gaps not in the transcript). */
  bands(id, spans) {
    const layer = this.element.querySelector(`#${id}`);
    if (!layer) return;
    const duration = this.duration();
    layer.replaceChildren(...spans.map(([start, end]) => {
      const band = document.createElement("span");
      band.className = "scrub-band";
      band.style.left = `${percent(start, duration)}%`;
      band.style.width = `${percent(end, duration) - percent(start, duration)}%`;
      return band;
    }));
    layer.hidden = spans.length === 0;
  }

  onPointerDown(event) {
    if (event.button !== 0) return;
    event.preventDefault();
    this.dragging = true;
    this.element.setPointerCapture(event.pointerId);
    this.element.classList.add("scrubber--dragging");
    this.element.focus({ preventScroll: true });
    // The drag moves from an anchor: where it began, then where each change of speed was.
    this.drag = { x: event.clientX, at: this.timeAtX(event.clientX), speed: 1, label: "" };
    this.onPointerMove(event);
  }

  /** The speed of a drag ``clientY`` away from the track: [share of full speed, label]. */
  speedAt(clientY) {
    const box = this.track.getBoundingClientRect();
    const away = Math.abs(clientY - (box.top + box.height / 2));
    const [, speed, label] = SCRUB_SPEEDS.find(([from]) => away >= from);
    if (speed !== "fine") return [speed, label];
    const perPixel = box.width > 0 ? this.duration() / box.width : 0;
    return [perPixel > 0 ? Math.min(0.25, FINE_SECONDS / perPixel) : 0.25, label];
  }

  /** Seconds a drag at (clientX, clientY) has reached (fine scrubbing included). */
  dragTime(clientX, clientY) {
    const { drag } = this;
    const [speed, label] = this.speedAt(clientY);
    const box = this.track.getBoundingClientRect();
    const perPixel = box.width > 0 ? this.duration() / box.width : 0;
    const reached = (x) => Math.min(this.duration(), Math.max(0, drag.at + (x - drag.x) * perPixel * drag.speed));
    if (speed !== drag.speed) {
      Object.assign(drag, { at: reached(clientX), x: clientX, speed, label });
    }
    return reached(clientX);
  }

  onPointerMove(event) {
    if (!this.dragging) {
      this.showTip(this.timeAtX(event.clientX));
      return;
    }
    const at = this.dragTime(event.clientX, event.clientY);
    this.showTip(at, this.drag.label);
    this.show(at);
  }

  onPointerUp(event) {
    if (!this.dragging) return;
    const at = this.dragTime(event.clientX, event.clientY);
    this.dragging = false;
    this.element.classList.remove("scrubber--dragging");
    this.tip.hidden = true;
    this.player.seek(at, { play: !this.player.media.paused });
  }

  onKey(event) {
    const { media } = this.player;
    let target = null;
    if ((event.key === " " || event.key === "k") && !event.repeat) {
      event.preventDefault(); // the scrubber keeps the player's play/pause keys
      this.player.toggle();
      return;
    }
    if (event.key in SKIP_KEYS) target = media.time + SKIP_KEYS[event.key];
    else if (event.key === "Home") target = 0;
    else if (event.key === "End") target = Math.max(0, this.duration() - 1);
    if (target === null || event.altKey || event.ctrlKey || event.metaKey) return;
    event.preventDefault();
    this.player.seek(target, { play: !media.paused });
  }

  listen() {
    const { element } = this;
    element.addEventListener("pointerdown", (event) => this.onPointerDown(event));
    element.addEventListener("pointermove", (event) => this.onPointerMove(event));
    element.addEventListener("pointerup", (event) => this.onPointerUp(event));
    element.addEventListener("pointercancel", () => {
      this.dragging = false;
      this.tip.hidden = true;
      this.element.classList.remove("scrubber--dragging");
    });
    element.addEventListener("pointerleave", () => {
      if (!this.dragging) this.tip.hidden = true;
    });
    element.addEventListener("keydown", (event) => this.onKey(event));
  }
}

/** A button clicked with a pointer lets go of the focus: Space afterwards is the player's
 *  play/pause, not that button's action again (a keyboard user's focus stays put). */
export function noFocusAfterClick(button) {
  button.addEventListener("click", (event) => {
    if (event.detail > 0 && document.activeElement === button) button.blur();
  });
}

export class Controls {
  constructor(player, box) {
    this.player = player;
    this.box = box;
    this.media = player.media;
    this.playButton = box.querySelector("#ctl-play");
    this.now = box.querySelector("#ctl-now");
    this.left = box.querySelector("#ctl-left");
    this.mute = box.querySelector("#ctl-mute");
    this.volume = box.querySelector("#ctl-volume");
    this.scrubber = new Scrubber(player, box.querySelector("#scrubber"));
    this.shownSecond = -1;
    this.listen();
    this.update();
    this.showPlaying();
    this.showVolume();
  }

  update() {
    const t = this.media.time;
    if (!this.scrubber.dragging) this.scrubber.show(t);
    const whole = Math.floor(t);
    if (whole === this.shownSecond) return;
    this.shownSecond = whole;
    this.now.textContent = shortClock(t);
    const remaining = Math.max(0, this.player.duration() - t);
    this.left.lastChild.textContent = `−${shortClock(remaining)}`;
  }

  showPlaying() {
    const { paused } = this.media;
    this.box.classList.toggle("controls--playing", !paused);
    this.playButton.setAttribute("aria-label", paused ? "Play" : "Pause");
    this.playButton.title = paused ? "Play (k)" : "Pause (k)";
  }

  showVolume() {
    const { media } = this;
    const muted = media.muted || media.volume === 0;
    this.mute.setAttribute("aria-pressed", String(muted));
    this.box.classList.toggle("controls--muted", muted);
    if (this.volume && Number(this.volume.value) !== media.volume) this.volume.value = String(media.volume);
  }

  listen() {
    const { media, player } = this;
    for (const button of this.box.querySelectorAll("button")) noFocusAfterClick(button);
    this.playButton.addEventListener("click", () => player.toggle());
    for (const skip of this.box.querySelectorAll("[data-skip]")) {
      skip.addEventListener("click", () => player.seek(media.time + Number(skip.dataset.skip),
        { play: !media.paused }));
    }
    this.mute.addEventListener("click", () => {
      media.toggleMute();
      this.showVolume(); // at once: volumechange comes a task later
    });
    if (this.volume) {
      this.volume.addEventListener("input", () => {
        media.setVolume(Number(this.volume.value));
      });
    }
    const update = () => this.update();
    for (const name of ["timeupdate", "seeked", "seeking", "durationchange", "loadedmetadata"]) {
      media.on(name, update);
    }
    for (const name of ["play", "pause", "ended"]) media.on(name, () => this.showPlaying());
    media.on("volumechange", () => this.showVolume());
  }
}

/** Show the page's controls in place of the native ones (which stay without JS). */
export function startControls(player) {
  const box = player.page.querySelector("#controls");
  if (!box) return null;
  const controls = new Controls(player, box);
  box.hidden = false;
  player.media.enhance();
  return controls;
}
