// Lock-screen, headset and notification controls (the Media Session API): the episode's
// title and artwork, play/pause, back 15 s / forward 30 s, seeking, and previous/next
// paragraph; the position is kept up to date so the lock screen's bar is right.

const SKIP_BACK = 15;
const SKIP_FORWARD = 30;

function setHandler(session, action, handler) {
  try {
    session.setActionHandler(action, handler);
  } catch {
    // this browser does not know that action: fine
  }
}

function updatePosition(session, player) {
  const { media } = player;
  const duration = player.duration();
  if (!session.setPositionState || !(duration > 0)) return;
  try {
    session.setPositionState({
      duration, playbackRate: media.rate,
      position: Math.min(duration, Math.max(0, media.time)),
    });
  } catch {
    // a transient state (position past a duration that is still changing)
  }
}

export function startMediaSession(player, title, artwork) {
  const session = navigator.mediaSession;
  if (!session || typeof window.MediaMetadata !== "function") return null;
  const { media } = player;
  session.metadata = new window.MediaMetadata({
    title, artist: "Listenalong", album: "Listenalong",
    artwork: artwork ? [{ src: artwork, sizes: "512x512", type: "image/png" }] : [],
  });
  setHandler(session, "play", () => player.play());
  setHandler(session, "pause", () => media.pause());
  setHandler(session, "seekbackward", (details) => player.seekBy(-(details.seekOffset || SKIP_BACK)));
  setHandler(session, "seekforward", (details) => player.seekBy(details.seekOffset || SKIP_FORWARD));
  setHandler(session, "seekto", (details) => {
    if (Number.isFinite(details.seekTime)) player.seek(details.seekTime, { play: !media.paused });
  });
  setHandler(session, "previoustrack", () => player.stepCue(-1));
  setHandler(session, "nexttrack", () => player.stepCue(1));
  const position = () => updatePosition(session, player);
  for (const name of ["loadedmetadata", "ratechange", "seeked", "play", "pause"]) {
    media.on(name, position);
  }
  media.on("play", () => { session.playbackState = "playing"; });
  media.on("pause", () => { session.playbackState = "paused"; });
  return session;
}
