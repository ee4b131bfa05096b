// What the player remembers in localStorage: the playback speed (for every episode) and
// the position in each episode, offered back through the #resume banner on return.

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

/** ``H:MM:SS`` or ``M:SS``. */
export function clock(seconds) {
  const whole = Math.max(0, Math.floor(seconds));
  const h = Math.floor(whole / 3600);
  const m = Math.floor((whole % 3600) / 60);
  const s = String(whole % 60).padStart(2, "0");
  return h ? `${h}:${String(m).padStart(2, "0")}:${s}` : `${m}:${s}`;
}

export function startMemory(player) {
  const { page, audio } = player;
  const slug = page.dataset.slug || "";
  const positionKey = POSITION_PREFIX + slug;
  const duration = () => (Number.isFinite(audio.duration) && audio.duration > 0 ?
    audio.duration : Number(page.dataset.duration) || 0);

  // --- speed ---------------------------------------------------------------------------
  const select = page.querySelector("#speed");
  const rates = select ? Array.from(select.options, (o) => Number(o.value)) : [];
  function applyRate(rate) {
    audio.defaultPlaybackRate = rate;
    audio.playbackRate = rate;
  }
  const savedRate = Number(read(SPEED_KEY));
  if (savedRate && rates.includes(savedRate)) {
    applyRate(savedRate);
    select.value = String(select.options[rates.indexOf(savedRate)].value);
    // Loading the source resets playbackRate to defaultPlaybackRate; be sure it sticks.
    audio.addEventListener("loadedmetadata", () => applyRate(savedRate), { once: true });
  }
  if (select) {
    select.addEventListener("change", () => {
      const rate = Number(select.value);
      if (rate > 0) applyRate(rate);
    });
  }
  audio.addEventListener("ratechange", () => {
    const rate = audio.playbackRate;
    if (!(rate > 0)) return;
    write(SPEED_KEY, String(rate));
    if (select && rates.includes(rate)) select.value = select.options[rates.indexOf(rate)].value;
  });

  // --- position ------------------------------------------------------------------------
  let lastSave = 0;
  // Only overwrite the saved position once this visit has actually played or moved.
  let started = false;
  function savePosition() {
    if (!slug) return;
    const t = audio.currentTime;
    const length = duration();
    if (t < MARGIN || (length && t > length - MARGIN)) write(positionKey, null);
    else write(positionKey, JSON.stringify({ t: Math.round(t * 10) / 10, saved: Date.now() }));
    lastSave = performance.now();
  }
  audio.addEventListener("timeupdate", () => {
    if (!audio.paused && performance.now() - lastSave >= SAVE_EVERY_MS) savePosition();
  });
  audio.addEventListener("pause", savePosition);
  audio.addEventListener("ended", () => write(positionKey, null));
  window.addEventListener("pagehide", () => {
    if (started) savePosition();
  });
  audio.addEventListener("playing", () => { started = true; });
  audio.addEventListener("seeked", () => { started = true; });

  const banner = page.querySelector("#resume");
  const api = {
    dismiss() {
      if (banner) banner.hidden = true;
    },
    saved() {
      const raw = read(positionKey);
      if (!raw) return null;
      try {
        const t = Number(JSON.parse(raw).t);
        return Number.isFinite(t) ? t : null;
      } catch {
        return null;
      }
    },
  };

  const saved = api.saved();
  const length = duration();
  const offer = banner && saved !== null && !urlAsksForPosition(page) && saved >= MARGIN &&
    (!length || saved <= length - MARGIN);
  if (offer) {
    const timeLabel = banner.querySelector("#resume-time");
    if (timeLabel) timeLabel.textContent = clock(saved);
    banner.hidden = false;
    const yes = banner.querySelector("#resume-yes");
    const no = banner.querySelector("#resume-no");
    if (yes) yes.addEventListener("click", () => {
      api.dismiss();
      player.seek(saved);
    });
    if (no) no.addEventListener("click", () => {
      api.dismiss();
      write(positionKey, null);
      player.seek(0);
    });
    // Choosing a place some other way (a click in the transcript, the controls) answers it.
    audio.addEventListener("playing", api.dismiss, { once: true });
  }
  return api;
}

function urlAsksForPosition(page) {
  return page.dataset.startAt !== undefined || /^#t=/.test(window.location.hash) ||
    new URLSearchParams(window.location.search).has("t");
}
