// Sharing moments: "Share" (a link at the current time), "Copy quote", a small popover
// for text selected in the transcript (a link to the selected cues' range, or the quote),
// ranges that stop playing at their end (data-end-at from ?t=START,END, or #t=START,END),
// and media-fragment links (#t=754, #t=12:34,13:00, #t=npt:754).
//
//   startShare(page, player)   — player is the API of player.js
//
// Links we make carry the cue's anchor (?t=S#cue-N) so that even without JavaScript the
// page lands on that cue. All text goes in through textContent: nothing from the
// transcript is ever parsed as HTML.

const END_SLACK = 0.02; // pause this close to the end of a range (seconds)
const PRECISE_WINDOW = 1; // check every animation frame within this of the end
const TOAST_MS = 2600;

// ---- times ----------------------------------------------------------------------------

const SECONDS = /^(\d{1,9})(?:\.(\d{1,6}))?$/;
const CLOCK = /^(\d{1,4})(?::(\d{1,2})){1,2}(?:\.(\d{1,6}))?$/;
const UNITS = /^(?:(\d{1,4})h)?(?:(\d{1,6})m)?(?:(\d{1,9}(?:\.\d{1,6})?)s)?$/i;

/** Seconds from one time (754, 754.5, 12:34, 1:02:03, 1h2m3s, 2m, npt:754); null if not one.
 *  The same rules as webapp/core/moments.py parse_time. */
export function parseTime(text) {
  let raw = String(text ?? "").trim();
  if (raw.slice(0, 4).toLowerCase() === "npt:") raw = raw.slice(4).trim();
  if (!raw || raw.length > 64) return null;
  if (SECONDS.test(raw)) return round3(Number(raw));
  if (CLOCK.test(raw)) {
    const [clock, fraction] = raw.split(".");
    const fields = clock.split(":").map(Number);
    if (fields.slice(1).some((f) => f >= 60)) return null;
    const whole = fields.reduce((total, f) => total * 60 + f, 0);
    return round3(whole + (fraction ? Number(`0.${fraction}`) : 0));
  }
  const units = UNITS.exec(raw);
  if (units && (units[1] || units[2] || units[3])) {
    return round3(Number(units[1] || 0) * 3600 + Number(units[2] || 0) * 60 + Number(units[3] || 0));
  }
  return null;
}

/** {start, end|null} from a t value ("754", "12:34,13:00", ",30"), checked against the
 *  duration like the server does; null when the start is unusable. */
export function parseMoment(value, duration) {
  if (value === null || value === undefined || !String(value).trim()) return null;
  const [head, ...rest] = String(value).split(",");
  const tail = rest.length ? rest.join(",") : null;
  const start = head.trim() || tail === null ? parseTime(head) : 0;
  if (start === null || start < 0 || (duration > 0 && start >= duration)) return null;
  let end = tail === null ? null : parseTime(tail);
  if (end !== null && duration > 0) end = Math.min(end, duration);
  if (end !== null && end <= start) end = null;
  return { start, end };
}

/** The text of ``part`` (a range inside the element ``text``), widened to whole words:
 *  a selection that starts or ends mid-word quotes the whole word. */
function wholeWords(text, part) {
  const full = text.textContent;
  const before = document.createRange();
  before.selectNodeContents(text);
  before.setEnd(part.startContainer, part.startOffset);
  let from = before.toString().length;
  let to = from + part.toString().length;
  const inWord = (i) => i > 0 && i < full.length && /\S/.test(full[i - 1]) && /\S/.test(full[i]);
  while (inWord(from)) from -= 1;
  while (inWord(to)) to += 1;
  return full.slice(from, to);
}

function round3(value) {
  return Math.round(value * 1000) / 1000;
}

/** A t value for links: 754 or 754.5. */
export function formatTime(seconds) {
  return String(round3(seconds));
}

/** HH:MM:SS, for quotes. */
export function clock(seconds) {
  const whole = Math.max(0, Math.floor(seconds));
  const pad = (n) => String(n).padStart(2, "0");
  return `${pad(Math.floor(whole / 3600))}:${pad(Math.floor(whole / 60) % 60)}:${pad(whole % 60)}`;
}

function flat(text) {
  return String(text).replace(/\s+/g, " ").trim();
}

// ---- the module -----------------------------------------------------------------------

export function startShare(page, player) {
  const { audio, cues } = player;
  const list = page.querySelector("#cues");
  const duration = () => (Number.isFinite(audio.duration) && audio.duration > 0
    ? audio.duration : Number(page.dataset.duration) || 0);
  const baseUrl = page.dataset.shareUrl || `${window.location.origin}${window.location.pathname}`;
  const titleElement = page.querySelector(".episode-title");
  const title = flat(titleElement ? titleElement.textContent : document.title);
  const toast = makeToast();
  const stopper = rangeStopper(player);

  // --- links and quotes ------------------------------------------------------------------
  function linkTo(start, end = null, anchorAt = start) {
    const t = end === null ? formatTime(start) : `${formatTime(start)},${formatTime(end)}`;
    const index = player.indexAt(anchorAt);
    return `${baseUrl}?t=${t}${index >= 0 ? `#cue-${index + 1}` : ""}`;
  }

  function speakerOf(index) {
    for (let i = index; i >= 0; i -= 1) {
      const label = cues[i].querySelector(".cue-speaker");
      if (label) return flat(label.textContent);
    }
    return "";
  }

  function quoteLine(text, index, url) {
    const speaker = speakerOf(index);
    const who = speaker ? `${speaker}, ${title}` : title;
    return `“${text}” — ${who} [${clock(player.starts[index])}] ${url}`;
  }

  function cueText(index) {
    const text = cues[index].querySelector(".cue-text");
    return flat(text ? text.textContent : "");
  }

  function currentIndex() {
    const here = player.current >= 0 ? player.current : player.indexAt(audio.currentTime);
    return Math.max(0, here);
  }

  async function shareLink(url) {
    const data = { title, url };
    if (webShareFits(data)) {
      try {
        await navigator.share(data);
        return;
      } catch (error) {
        if (error && error.name === "AbortError") return; // the reader closed the sheet
      }
    }
    await copyText(url, "Link copied", toast);
  }

  // --- the player-bar buttons ------------------------------------------------------------
  const shareButton = page.querySelector("#share-button");
  const quoteButton = page.querySelector("#quote-button");
  if (shareButton) {
    shareButton.hidden = false;
    shareButton.addEventListener("click", () => {
      const at = Math.floor(audio.currentTime || 0);
      shareLink(linkTo(at));
    });
  }
  if (quoteButton) {
    quoteButton.hidden = false;
    // Keep a selection in the transcript alive while the button is pressed.
    quoteButton.addEventListener("mousedown", (event) => event.preventDefault());
    quoteButton.addEventListener("click", () => {
      const picked = selected();
      if (picked) {
        copyText(picked.quote, "Quote copied", toast);
        return;
      }
      if (!cues.length) return;
      const index = currentIndex();
      const start = player.starts[index];
      copyText(quoteLine(cueText(index), index, linkTo(start)), "Quote copied", toast);
    });
  }

  // --- a selection in the transcript -----------------------------------------------------
  /** What is selected in the transcript: {first, last, quote, link}, or null. */
  function selected() {
    const selection = window.getSelection();
    if (!list || !selection || selection.isCollapsed || !selection.rangeCount) return null;
    const range = selection.getRangeAt(0);
    if (!list.contains(range.commonAncestorContainer)) return null;
    const parts = [];
    let first = -1;
    let last = -1;
    for (let i = 0; i < cues.length; i += 1) {
      const text = cues[i].querySelector(".cue-text");
      if (!text || !range.intersectsNode(text)) continue;
      const part = document.createRange();
      part.selectNodeContents(text);
      if (range.compareBoundaryPoints(Range.START_TO_START, part) > 0) {
        part.setStart(range.startContainer, range.startOffset);
      }
      if (range.compareBoundaryPoints(Range.END_TO_END, part) < 0) {
        part.setEnd(range.endContainer, range.endOffset);
      }
      const words = flat(wholeWords(text, part));
      if (!words) continue;
      parts.push(words);
      if (first < 0) first = i;
      last = i;
    }
    if (first < 0) return null;
    const start = Number(cues[first].dataset.start);
    const end = Number(cues[last].dataset.end);
    const link = end > start ? linkTo(start, end, start) : linkTo(start);
    return { first, last, range, link, quote: quoteLine(parts.join(" "), first, link) };
  }

  const pop = makePopover();
  let shown = null;

  function makePopover() {
    const box = document.createElement("div");
    box.className = "share-pop";
    box.setAttribute("role", "group");
    box.setAttribute("aria-label", "Share the selected text");
    const linkButton = button("Copy link to this", "share-pop-link");
    const quote = button("Copy quote", "share-pop-quote");
    box.append(linkButton, quote);
    // Pressing a button must not drop the selection it is about, nor seek like a click
    // on the cue it sits in.
    box.addEventListener("mousedown", (event) => event.preventDefault());
    box.addEventListener("click", (event) => event.stopPropagation());
    linkButton.addEventListener("click", () => {
      if (shown) shareLink(shown.link);
      hidePopover();
    });
    quote.addEventListener("click", () => {
      if (shown) copyText(shown.quote, "Quote copied", toast);
      hidePopover();
    });
    box.addEventListener("keydown", (event) => {
      if (event.key === "Escape") {
        event.preventDefault();
        hidePopover(true);
      }
    });
    return box;
  }

  function showPopover(picked) {
    shown = picked;
    const container = page.querySelector(".transcript") || page;
    // In the DOM right after the cue where the selection began (not inside it: cues are
    // painted with containment), so Tab from the selection reaches it; placed on screen
    // just below where the selection ends.
    const selection = window.getSelection();
    const anchorCue = selection && selection.anchorNode && selection.anchorNode.parentElement
      ? selection.anchorNode.parentElement.closest(".cue") : null;
    const home = anchorCue && list.contains(anchorCue) ? anchorCue : cues[picked.first];
    if (pop.previousElementSibling !== home) home.after(pop);
    pop.hidden = false;
    const rects = picked.range.getClientRects();
    const last = rects.length ? rects[rects.length - 1] : picked.range.getBoundingClientRect();
    const bounds = container.getBoundingClientRect();
    const origin = (pop.offsetParent || document.body).getBoundingClientRect();
    const width = pop.offsetWidth;
    const left = Math.min(Math.max(bounds.left, last.right - width / 2), Math.max(bounds.left, bounds.right - width));
    pop.style.left = `${left - origin.left}px`;
    pop.style.top = `${last.bottom - origin.top + 8}px`;
  }

  function hidePopover(restoreFocus = false) {
    const hadFocus = pop.contains(document.activeElement);
    shown = null;
    pop.hidden = true;
    pop.remove();
    if (restoreFocus && hadFocus && shareButton) shareButton.focus();
  }

  let pending = 0;
  function refresh() {
    pending = 0;
    const picked = selected();
    if (picked) showPopover(picked);
    else if (shown && !pop.contains(document.activeElement)) hidePopover();
  }
  document.addEventListener("selectionchange", () => {
    window.clearTimeout(pending);
    pending = window.setTimeout(refresh, 250);
  });
  document.addEventListener("pointerup", () => {
    window.clearTimeout(pending);
    pending = window.setTimeout(refresh, 0);
  });
  document.addEventListener("keydown", (event) => {
    if (event.key === "Escape" && shown) hidePopover();
  });

  // --- ranges and #t= --------------------------------------------------------------------
  function mark(start, end) {
    for (const cue of list ? list.querySelectorAll(".cue--target, .cue--in-range") : []) {
      cue.classList.remove("cue--target", "cue--in-range");
    }
    const first = Math.max(0, player.indexAt(start));
    if (!cues[first]) return;
    cues[first].classList.add("cue--target");
    if (end === null) return;
    for (let i = first; i < cues.length && (i === first || player.starts[i] < end); i += 1) {
      cues[i].classList.add("cue--in-range");
    }
  }

  const serverStart = page.dataset.startAt;
  const fromServer = serverStart !== undefined && serverStart !== "";
  if (fromServer) {
    const start = Number(serverStart);
    const end = Number(page.dataset.endAt);
    if (page.dataset.endAt && end > start) stopper.set(start, end);
  }

  function fragmentMoment() {
    const hash = window.location.hash.replace(/^#/, "");
    if (!/(^|&)t=/.test(hash)) return null;
    return parseMoment(new URLSearchParams(hash).get("t"), duration());
  }

  function applyFragment(initial) {
    const moment = fragmentMoment();
    if (!moment) return;
    mark(moment.start, moment.end);
    if (moment.end !== null) stopper.set(moment.start, moment.end);
    else stopper.clear();
    // player.js already started at a plain #t=SECONDS; anything else is ours to do.
    const handled = initial && /^#t=(\d+(?:\.\d+)?)$/.test(window.location.hash);
    if (!handled) player.seek(moment.start, { play: true });
  }
  // ?t= (the server's) wins over #t= on load, as in player.js; a changed #t= is followed.
  if (!fromServer) applyFragment(true);
  window.addEventListener("hashchange", () => applyFragment(false));

  return { linkTo, selected, stopper };
}

/** Pauses playback at the end of a range: on timeupdate, and every animation frame in
 *  its last second. Seeking outside the range, or reaching its end once, clears it. */
function rangeStopper(player) {
  const { audio } = player;
  let range = null;
  let frame = 0;

  function check() {
    frame = 0;
    if (!range) return;
    const t = audio.currentTime;
    if (t >= range.end - END_SLACK) {
      range = null;
      audio.pause();
      return;
    }
    if (!audio.paused && range.end - t <= PRECISE_WINDOW) frame = requestAnimationFrame(check);
  }

  function watch() {
    if (!frame) check();
  }

  audio.addEventListener("timeupdate", watch);
  audio.addEventListener("playing", watch);
  audio.addEventListener("seeking", () => {
    if (!range) return;
    const t = audio.currentTime;
    if (t < range.start - 1 || t > range.end) range = null; // the reader went elsewhere
  });

  return {
    set(start, end) {
      range = { start, end };
    },
    clear() {
      range = null;
    },
    get range() {
      return range;
    },
  };
}

// ---- clipboard, Web Share and the toast ------------------------------------------------

/** The share sheet only where it is the natural way to share: a touch device that has it. */
function webShareFits(data) {
  return typeof navigator.share === "function" && typeof navigator.canShare === "function" &&
    window.matchMedia("(pointer: coarse)").matches && navigator.canShare(data);
}

async function copyText(text, done, toast) {
  try {
    if (navigator.clipboard && window.isSecureContext) {
      await navigator.clipboard.writeText(text);
      toast.show(done);
      return true;
    }
  } catch {
    // refused (permissions, no focus): try the old way
  }
  if (legacyCopy(text)) {
    toast.show(done);
    return true;
  }
  toast.show("Couldn't copy: select the text below and copy it.", text);
  return false;
}

function legacyCopy(text) {
  const before = document.activeElement;
  const area = document.createElement("textarea");
  area.value = text;
  area.setAttribute("readonly", "");
  area.className = "share-offscreen";
  document.body.append(area);
  area.select();
  let ok = false;
  try {
    ok = document.execCommand("copy");
  } catch {
    ok = false;
  }
  area.remove();
  if (before && before.focus) before.focus({ preventScroll: true });
  return ok;
}

function makeToast() {
  const box = document.createElement("div");
  box.className = "share-toast";
  box.setAttribute("role", "status");
  const message = document.createElement("span");
  const field = document.createElement("input");
  field.type = "text";
  field.readOnly = true;
  field.className = "share-toast-field";
  field.hidden = true;
  field.setAttribute("aria-label", "Text to copy");
  box.append(message, field);
  document.body.append(box);
  let timer = 0;
  return {
    element: box,
    show(text, manual = null) {
      window.clearTimeout(timer);
      message.textContent = text;
      field.hidden = manual === null;
      if (manual !== null) field.value = manual;
      box.classList.add("share-toast--on");
      if (manual !== null) {
        field.focus();
        field.select();
      }
      timer = window.setTimeout(() => box.classList.remove("share-toast--on"),
        manual === null ? TOAST_MS : TOAST_MS * 4);
    },
  };
}

function button(label, className) {
  const element = document.createElement("button");
  element.type = "button";
  element.className = `share-pop-button ${className}`;
  element.textContent = label;
  return element;
}
