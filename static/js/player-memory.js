// What the player remembers in localStorage: the playback speed (for every episode) and
// the position in each episode, offered back through the #resume banner on return.
import { shortClock } from "./time.js";

const SPEED_KEY = "listenalong:speed";
const POSITION_PREFIX = "listenalong:position:";
const SAVE_EVERY_MS = 5000;
const MARGIN = 10; // no resume offer within the first or last 10 seconds

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
 *  near the start and the end. Returns the key it is kept under. */
function rememberPosition(player) {
  const { media } = player;
  const positionKey = POSITION_PREFIX + (player.page.dataset.slug || "");
  let lastSave = 0;
  // Only overwrite the saved position once this visit has actually played or moved.
  let started = false;
  function savePosition() {
    const t = media.time;
    const length = player.duration();
    if (t < MARGIN || (length && t > length - MARGIN)) write(positionKey, null);
    else write(positionKey, JSON.stringify({ t: Math.round(t * 10) / 10, saved: Date.now() }));
    lastSave = performance.now();
  }
  media.on("timeupdate", () => {
    if (!media.paused && performance.now() - lastSave >= SAVE_EVERY_MS) savePosition();
  });
  media.on("pause", savePosition);
  media.on("ended", () => write(positionKey, null));
  window.addEventListener("pagehide", () => {
    if (started) savePosition();
  });
  media.on("playing", () => { started = true; });
  media.on("seeked", () => { started = true; });
  return positionKey;
}

function savedPosition(positionKey) {
  const raw = read(positionKey);
  if (!raw) return null;
  try {
    const t = Number(JSON.parse(raw).t);
    return Number.isFinite(t) ? t : null;
  } catch {
    return null;
  }
}

/** Offer the saved position through the #resume banner: Resume, or Start over. */
function offerResume(player, banner, positionKey, dismiss) {
  const saved = savedPosition(positionKey);
  const length = player.duration();
  if (saved === null || saved < MARGIN || (length && saved > length - MARGIN)) return;
  const timeLabel = banner.querySelector("#resume-time");
  if (timeLabel) timeLabel.textContent = shortClock(saved);
  banner.hidden = false;
  const yes = banner.querySelector("#resume-yes");
  const no = banner.querySelector("#resume-no");
  if (yes) yes.addEventListener("click", () => {
    dismiss();
    player.seek(saved);
  });
  if (no) no.addEventListener("click", () => {
    dismiss();
    write(positionKey, null);
    player.seek(0);
  });
  // Choosing a place some other way (a click in the transcript, the controls) answers it.
  player.media.on("playing", dismiss, { once: true });
}

/** Speed and position memory; ``moment`` is where the URL asked to start (time.js
 *  startMoment): a link that names a time gets no resume offer. */
export function startMemory(player, moment) {
  rememberSpeed(player);
  const positionKey = player.page.dataset.slug ? rememberPosition(player) : null;
  const banner = player.page.querySelector("#resume");
  const dismiss = () => {
    if (banner) banner.hidden = true;
  };
  if (banner && positionKey && !moment.asked) offerResume(player, banner, positionKey, dismiss);
  return { dismiss, saved: () => (positionKey ? savedPosition(positionKey) : null) };
}
