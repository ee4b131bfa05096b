// Where the page starts, and what it shows there:
//  - a shared moment (?t= or #t=): the player goes there; when the browser refuses to
//    start playback by itself, a "▶ Play from 1:19:00" prompt with the episode's title
//    shows in the player bar;
//  - a reload or back/forward: the place the reader left (the playhead, and the paragraph
//    at the top of the screen when not following), not the browser's restored scroll offset,
//    which lands elsewhere once skipped groups of cues have their real heights
//    (content-visibility); kept in sessionStorage, for this tab only;
//  - else where the last visit left off (player-memory.js), or the beginning;
//  - ?play=1 (the library card's play button) starts playing there, with the "▶ Play
//    from …" prompt if the browser will not; the parameter is dropped from the address
//    so that a reload does not play again;
//  - a switch to the transcript in another language (languages.js, handOver): the same
//    time, playing if it was, the line being said on screen.
import { firstBelow } from "./cue-geometry.js";
import { shortClock } from "./time.js";

const KEY = "listenalong:place:";
const SWITCH = "listenalong:switch:";
const SWITCH_FRESH_MS = 60_000;   // a hand-over older than this is a stale one, not a switch

function session() {
  try {
    return window.sessionStorage;
  } catch {
    return null;
  }
}

function navigationType() {
  const entry = performance.getEntriesByType ? performance.getEntriesByType("navigation")[0] : null;
  return entry ? entry.type : "navigate";
}

/** Save where the reader is when the page goes away. */
function keepPlace(player, key) {
  window.addEventListener("pagehide", () => {
    const store = session();
    if (!store) return;
    const { follower } = player;
    const top = firstBelow(player.cues, follower.viewTop());
    const place = { t: player.media.time, following: follower.following, top };
    try {
      store.setItem(key, JSON.stringify(place));
    } catch {
      // storage full or refused: the page starts at the beginning next time
    }
  });
}

function savedPlace(key) {
  const store = session();
  if (!store || !["reload", "back_forward"].includes(navigationType())) return null;
  try {
    const place = JSON.parse(store.getItem(key) || "null");
    return place && Number.isFinite(place.t) ? place : null;
  } catch {
    return null;
  }
}

/** Back where the reader was: the playhead (paused), and the same paragraph on screen. */
function restorePlace(player, place) {
  player.seek(place.t, { play: false, scroll: false });
  const { follower } = player;
  if (place.following !== false) {
    follower.scrollTo(Math.max(0, player.current), { instant: true, at: place.t });
  } else {
    follower.pause();
    follower.showAtTop(Math.min(player.cues.length - 1, Math.max(0, Number(place.top) || 0)));
  }
}

/** The "▶ Play from …" prompt, shown when autoplay was refused at a shared moment. */
function offerPlay(player, start) {
  const prompt = player.page.querySelector("#play-prompt");
  if (!prompt) return;
  const button = prompt.querySelector("#play-prompt-button");
  const time = prompt.querySelector("#play-prompt-time");
  if (time) time.textContent = shortClock(start);
  const hide = () => { prompt.hidden = true; };
  player.page.addEventListener("listenalong:refused", () => {
    if (!player.media.paused) return;
    prompt.hidden = false;
  }, { once: true });
  if (button) {
    button.addEventListener("click", () => {
      hide();
      player.seek(player.media.time, { play: true, scroll: true });
    });
  }
  player.media.on("playing", hide, { once: true });
}

/** Before going to the page of another language: where the player is, for that page. */
export function handOver(player) {
  const store = session();
  if (!store) return;
  try {
    store.setItem(SWITCH + (player.page.dataset.slug || ""), JSON.stringify({
      t: player.media.time, playing: !player.media.paused, at: Date.now(),
    }));
  } catch {
    // storage refused: the other language starts where the last visit left off
  }
}

/** The hand-over of a switch from another language (taken, so it serves once). */
function handedOver(slug) {
  const store = session();
  if (!store) return null;
  try {
    const place = JSON.parse(store.getItem(SWITCH + slug) || "null");
    store.removeItem(SWITCH + slug);
    const fresh = place && Number.isFinite(place.t) && Date.now() - place.at < SWITCH_FRESH_MS;
    return fresh ? place : null;
  } catch {
    return null;
  }
}

/** Did the address ask to play (?play=1)? Dropped from it either way. */
function playAsked() {
  const url = new URL(window.location.href);
  if (!url.searchParams.has("play")) return false;
  url.searchParams.delete("play");
  history.replaceState(history.state, "", url.pathname + url.search + url.hash);
  return true;
}

export function startLanding(player, moment, memory) {
  if ("scrollRestoration" in history) history.scrollRestoration = "manual";
  const key = KEY + (player.page.dataset.slug || "");
  const play = playAsked();
  keepPlace(player, key);
  const switched = handedOver(player.page.dataset.slug || "");
  const place = moment.start === null ? savedPlace(key) : null;
  if (moment.start === null && switched) {
    if (switched.playing) offerPlay(player, switched.t);
    player.seek(switched.t, { play: switched.playing, scroll: false });
    player.follower.scrollTo(Math.max(0, player.current), { instant: true, at: switched.t });
  } else if (moment.start !== null) {
    offerPlay(player, moment.start);
    player.playRange(moment.start, moment.end, { play: true, instant: true });
  } else if (place) {
    restorePlace(player, place);
  } else {
    // Where the last visit left off (paused there: one tap of play goes on), unless the
    // address asked for a time, even one not in the episode ("starting from the beginning").
    const resumed = !moment.asked && memory.resume();
    if (!resumed && player.media.time > 0) player.sync();
    if (play) {
      offerPlay(player, resumed ? memory.saved() : 0);
      player.play();
    }
  }
}
