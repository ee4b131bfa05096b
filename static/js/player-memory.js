// What the player remembers in localStorage: the playback speed (for every episode) and
// the position in each episode, where a return visit starts (the #resume line says so).
import { shortClock } from "./time.js";

const SPEED_KEY = "listenalong:speed";
const POSITION_PREFIX = "listenalong:position:";
const SAVE_EVERY_MS = 5000;
const MARGIN = 10; // no resuming within the first or last 10 seconds
const KEEP_AFTER = 15; // seconds of listening before this visit's position replaces the last

function storage() {
  try {
    return window.localStorage;
  } catch {
    return null; // storage disabled (privacy settings): remember nothing
  }
}

function read(key) {
  try {
    const store = storage();
    return store ? store.getItem(key) : null;
  } catch {
    return null;
  }
}

function write(key, value) {
  try {
    const store = storage();
    if (!store) return;
    if (value === null) store.removeItem(key);
    else store.setItem(key, value);
  } catch {
    // full or refused: not worth bothering the reader
  }
}

/** The playback speed, the same for every episode: applied on load, saved on change. */
function rememberSpeed(player) {
  const { page, media } = player;
  const select = page.querySelector("#speed");
  const rates = select ? Array.from(select.options, (o) => Number(o.value)) : [];
  function applyRate(rate) {
    media.rate = rate;
  }
  const savedRate = Number(read(SPEED_KEY));
  if (savedRate && rates.includes(savedRate)) {
    applyRate(savedRate);
    select.value = String(select.options[rates.indexOf(savedRate)].value);
    // Loading the source resets playbackRate to defaultPlaybackRate; be sure it sticks.
    media.on("loadedmetadata", () => applyRate(savedRate), { once: true });
  }
  if (select) {
    select.addEventListener("change", () => {
      const rate = Number(select.value);
      if (rate > 0) applyRate(rate);
    });
  }
  media.on("ratechange", () => {
    const rate = media.rate;
    if (!(rate > 0)) return;
    write(SPEED_KEY, String(rate));
    if (select && rates.includes(rate)) select.value = select.options[rates.indexOf(rate)].value;
  });
}

/** The position in this episode: saved while playing, on pause and on leaving; cleared
 *  near the start and once the episode ends. The position the last visit left is never
 *  replaced by a brief play (a tap on ▶ by mistake, a start over tried): this visit
 *  writes only after listening for KEEP_AFTER seconds. Returns what the others need. */
function rememberPosition(player) {
  const { media } = player;
  const key = POSITION_PREFIX + (player.page.dataset.slug || "");
  const previous = savedPosition(key);
  let lastSave = 0;
  let started = false; // this visit has played or moved
  let listened = 0; // seconds played in this visit (not skipped over)
  let lastTime = null;
  const mayWrite = () => previous === null || listened >= KEEP_AFTER;
  function savePosition() {
    if (!mayWrite()) return;
    const t = media.time;
    const length = player.duration();
    if (t < MARGIN || (length && t > length - MARGIN)) write(key, null);
    else write(key, JSON.stringify({ t: Math.round(t * 10) / 10, saved: Date.now() }));
    lastSave = performance.now();
  }
  media.on("timeupdate", () => {
    const t = media.time;
    if (!media.paused && lastTime !== null) {
      const step = t - lastTime;
      if (step > 0 && step < 2) listened += step / (media.rate || 1);
    }
    lastTime = t;
    if (!media.paused && performance.now() - lastSave >= SAVE_EVERY_MS) savePosition();
  });
  media.on("seeking", () => { lastTime = null; });
  media.on("pause", savePosition);
  media.on("ended", () => {
    if (mayWrite()) write(key, null);
  });
  window.addEventListener("pagehide", () => {
    if (started) savePosition();
  });
  media.on("playing", () => { started = true; });
  media.on("seeked", () => { started = true; });
  return { key, previous, listened: () => listened };
}

function savedPosition(key) {
  const raw = read(key);
  if (!raw) return null;
  try {
    const t = Number(JSON.parse(raw).t);
    return Number.isFinite(t) ? t : null;
  } catch {
    return null;
  }
}

/** Back where the reader left off, at once (paused, the transcript there): one tap of ▶
 *  plays on. The #resume line says so and offers "Start over" (and then "Back to 50:02");
 *  it goes once the reader has listened a while. */
function resumeSaved(player, banner, position) {
  const saved = position.previous;
  const length = player.duration();
  if (saved === null || saved < MARGIN || (length && saved > length - MARGIN)) return false;
  player.seek(saved, { play: false, scroll: false });
  player.follower.scrollTo(Math.max(0, player.current), { instant: true, at: saved });
  const label = shortClock(saved);
  const text = banner.querySelector("#resume-text");
  const over = banner.querySelector("#resume-no");
  const back = banner.querySelector("#resume-yes");
  if (text) text.textContent = `Resumed at ${label}`;
  if (back) back.textContent = `Back to ${label}`;
  banner.hidden = false;
  if (over) over.addEventListener("click", () => {
    player.seek(0);
    if (text) text.textContent = "Started over";
    over.hidden = true;
    if (back) {
      back.hidden = false;
      back.focus();
    }
  });
  if (back) back.addEventListener("click", () => {
    player.seek(saved);
    banner.hidden = true;
  });
  const watch = () => {
    if (position.listened() >= KEEP_AFTER) {
      banner.hidden = true;
      player.media.off("timeupdate", watch);
    }
  };
  player.media.on("timeupdate", watch);
  return true;
}

/** Speed and position memory. ``resume()`` (player-landing.js calls it when the address
 *  names no time and the tab has no place of its own) goes back to the saved position. */
export function startMemory(player) {
  rememberSpeed(player);
  const position = player.page.dataset.slug ? rememberPosition(player) : null;
  const banner = player.page.querySelector("#resume");
  return {
    // Only where the page can say so (the episode page's #resume line; not the embed).
    resume: () => (position && banner ? resumeSaved(player, banner, position) : false),
    saved: () => (position ? position.previous : null),
  };
}
