// Every time form of the front end, read and written in one place, by the same rules as
// the server (webapp/core/moments.py and timecode.py; one table of cases tests both:
// tests/fixtures/time_cases.json).
//
//   parseTime("12:34") → 754          parseMoment("754,800", duration) → {start, end}
//   formatT(754, 800) → "754,800"     momentHref(754, null, 12) → "?t=754#cue-12"
//   clock(754) → "00:12:34" (quotes)  shortClock(754) → "12:34" (what a reader sees)
//   lastAtOrBefore(sorted, value)     startMoment(page) — where the URL asks to start
//
// Pure functions but startMoment, which reads the page's data attributes and the URL once.

const MAX_RAW = 64; // longer values are not times; do not even try
const SECONDS = /^(\d{1,9})(?:\.(\d{1,6}))?$/;
const CLOCK = /^(\d{1,4})(?::(\d{1,2})){1,2}(?:\.(\d{1,6}))?$/;
const UNITS = /^(?:(\d{1,4})h)?(?:(\d{1,6})m)?(?:(\d{1,9}(?:\.\d{1,6})?)s)?$/i;

function round3(value) {
  return Math.round(value * 1000) / 1000;
}

/** Seconds from one time (754, 754.5, 12:34, 1:02:03, 1h2m3s, 2m, npt:754); null if not one.
 *  Fields after a clock's first must be below 60; no signs, exponents, nan or inf. */
export function parseTime(text) {
  let raw = String(text ?? "").trim();
  if (raw.slice(0, 4).toLowerCase() === "npt:") raw = raw.slice(4).trim();
  if (!raw || raw.length > MAX_RAW) return null;
  if (SECONDS.test(raw)) return round3(Number(raw));
  if (CLOCK.test(raw)) {
    const [whole, fraction] = raw.split(".");
    const fields = whole.split(":").map(Number);
    if (fields.slice(1).some((f) => f >= 60)) return null;
    const seconds = fields.reduce((total, f) => total * 60 + f, 0);
    return round3(seconds + (fraction ? Number(`0.${fraction}`) : 0));
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
  if (end !== null && duration > 0) end = Math.min(end, round3(duration));
  if (end !== null && end <= start) end = null;
  return { start, end };
}

/** A time for links: 754 or 754.5 (no needless zeros). */
export function formatTime(seconds) {
  return String(round3(seconds));
}

/** "754" or "754,800": the canonical spelling of a moment in our links. */
export function formatT(start, end = null) {
  return end === null || end === undefined ? formatTime(start) : `${formatTime(start)},${formatTime(end)}`;
}

/** The transcript language a page shows when it is one of the episode's others (its
 *  ?lang=, in the page's data-lang), else "". */
export function pageLanguage() {
  if (typeof document === "undefined") return "";
  const main = document.querySelector("main[data-lang]");
  return main ? main.dataset.lang : "";
}

/** The query (and anchor) of a link to a moment: "?t=754" or "?t=754#cue-12", and
 *  "?t=754&lang=de#cue-12" on a page showing another language's transcript. */
export function momentHref(start, end = null, cueNumber = null, lang = pageLanguage()) {
  const anchor = cueNumber === null || cueNumber === undefined ? "" : `#cue-${cueNumber}`;
  const language = lang ? `&lang=${encodeURIComponent(lang)}` : "";
  return `?t=${formatT(start, end)}${language}${anchor}`;
}

function fields(seconds) {
  const whole = Math.max(0, Math.floor(seconds));
  return [Math.floor(whole / 3600), Math.floor(whole / 60) % 60, whole % 60];
}

const pad = (n) => String(n).padStart(2, "0");

/** HH:MM:SS (whole seconds, rounded down): quotes and labels for screen readers. */
export function clock(seconds) {
  const [h, m, s] = fields(seconds);
  return `${pad(h)}:${pad(m)}:${pad(s)}`;
}

/** M:SS, or H:MM:SS past an hour: the time a reader sees beside a cue. */
export function shortClock(seconds) {
  const [h, m, s] = fields(seconds);
  return h ? `${h}:${pad(m)}:${pad(s)}` : `${m}:${pad(s)}`;
}

/** Index of the last value in the ascending ``sorted`` that is <= ``value``; -1 if none. */
export function lastAtOrBefore(sorted, value) {
  let lo = 0;
  let hi = sorted.length - 1;
  let found = -1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (sorted[mid] <= value) {
      found = mid;
      lo = mid + 1;
    } else {
      hi = mid - 1;
    }
  }
  return found;
}

/** The moment of a media fragment ("#t=754", "#t=12:34,13:00", "#t=npt:754&x=y"), or null. */
export function fragmentMoment(hash, duration) {
  const fragment = String(hash || "").replace(/^#/, "");
  if (!/(^|&)t=/.test(fragment)) return null;
  return parseMoment(new URLSearchParams(fragment).get("t"), duration);
}

/** Where the page was asked to start, read once: {start, end, asked}. The server's
 *  data-start-at/data-end-at (from ?t=) win over a #t= fragment; ``asked`` is true when
 *  the URL named a time at all, usable or not (then the page offers no resume). */
export function startMoment(page, location = window.location) {
  const duration = Number(page.dataset.duration) || 0;
  const asked = new URLSearchParams(location.search).has("t") || /(^#|&)t=/.test(location.hash);
  const fromServer = page.dataset.startAt;
  if (fromServer !== undefined && fromServer !== "") {
    const start = Number(fromServer);
    const end = Number(page.dataset.endAt);
    if (Number.isFinite(start) && start >= 0) {
      return { start, end: page.dataset.endAt && end > start ? end : null, asked: true };
    }
  }
  const moment = fragmentMoment(location.hash, duration);
  return moment ? { ...moment, asked: true } : { start: null, end: null, asked };
}
