// The one way to the audio: every module plays, pauses, seeks and listens through the
// player's Media (player.media), never the <audio> element itself — as Hyperaudio Lite
// reaches every kind of player through one adapter. Another kind of media (a <video>, a
// hosted player) is one more class with these members.
//
//   media.time (get/set, seconds), media.paused, media.ready, media.duration (seconds, or
//   0 while unknown), media.rate (get/set: also the default rate), media.volume and
//   media.muted (setVolume(v): muted at 0; toggleMute()), media.play() → Promise,
//   media.pause(),
//   media.on(event, handler, options) — the media element's events (timeupdate, seeked…),
//   media.enhance() — hand the controls over to the page's own.
export class Media {
  constructor(element) {
    this.element = element;
  }

  /** The audio's address (no media fragment), and its text tracks' (offline.js saves them). */
  get source() {
    return (this.element.getAttribute("src") || "").split("#")[0];
  }

  get trackSources() {
    return Array.from(this.element.querySelectorAll("track"), (track) => track.getAttribute("src")).filter(Boolean);
  }

  get time() {
    return this.element.currentTime;
  }

  set time(seconds) {
    this.element.currentTime = seconds;
  }

  get paused() {
    return this.element.paused;
  }

  /** Whether the metadata is in: a seek lands where it is asked to. */
  get ready() {
    return this.element.readyState >= 1;
  }

  get duration() {
    const { duration } = this.element;
    return Number.isFinite(duration) && duration > 0 ? duration : 0;
  }

  get rate() {
    return this.element.playbackRate || 1;
  }

  set rate(rate) {
    this.element.defaultPlaybackRate = rate;
    this.element.playbackRate = rate;
  }

  get volume() {
    return this.element.volume;
  }

  get muted() {
    return this.element.muted;
  }

  /** A volume from 0 to 1; 0 also mutes, anything else unmutes. */
  setVolume(volume) {
    this.element.volume = volume;
    this.element.muted = volume === 0;
  }

  toggleMute() {
    this.element.muted = !this.element.muted;
  }

  play() {
    return this.element.play();
  }

  pause() {
    this.element.pause();
  }

  on(name, handler, options) {
    this.element.addEventListener(name, handler, options);
  }

  off(name, handler) {
    this.element.removeEventListener(name, handler);
  }

  /** The page's own controls take over: the browser's are hidden. */
  enhance() {
    this.element.controls = false;
    this.element.classList.add("player--enhanced");
  }
}
