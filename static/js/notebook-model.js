// The listener's notebook, without the page: what a highlight is, how it finds its words
// again in a transcript that changed, its Markdown, and the notebook file (export and
// import). No DOM: node's test runner reads it (tests/js/notebook-model.test.mjs).
//
// A highlight (storage format 1, in IndexedDB: notebook-store.js):
//   {v: 1, id, episode (slug), title (the episode's), quote, start, end (seconds, at word
//    edges), note, created, updated (ISO times),
//    anchor: {cue, from, last, to, prefix, suffix}}
// ``anchor`` holds the text's place when it was made: the first and last cue (0-based),
// character offsets in them ([from in cue, to in last)), and up to 32 characters either
// side. The text is the truth: a re-aligned or corrected transcript moves a highlight with
// its words; the time only breaks ties between places holding the same words.

export const FORMAT = "listenalong-notebook";
export const VERSION = 1;
const CONTEXT = 32;

function now() {
  return new Date().toISOString();
}

function newId() {
  if (globalThis.crypto && globalThis.crypto.randomUUID) return globalThis.crypto.randomUUID();
  return `h-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 10)}`;
}

/** Runs of white space made one space: how quotes and transcripts are compared. */
export function flat(text) {
  return String(text || "").replace(/\s+/g, " ").trim();
}

/** The cues' texts as one string (cues joined by a space) with each cue's offset in it. */
export function joined(texts) {
  const offsets = [];
  let all = "";
  texts.forEach((text, i) => {
    if (i) all += " ";
    offsets.push(all.length);
    all += text;
  });
  return { all, offsets };
}

function cueAt(offsets, position) {
  let lo = 0;
  let hi = offsets.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (offsets[mid] <= position) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}

/** A new highlight of characters [from in cue ``first``, to in cue ``last``) of ``texts``
 *  (the cues' texts), said from ``start`` to ``end`` seconds. */
export function makeHighlight({ episode, title, texts, first, from, last, to, start, end, note = "", lang = "" }) {
  const { all, offsets } = joined(texts);
  const a = offsets[first] + from;
  const b = offsets[last] + to;
  const stamp = now();
  return {
    v: VERSION, id: newId(), episode, title: flat(title), quote: flat(all.slice(a, b)),
    start: Math.round(start * 1000) / 1000, end: Math.round(end * 1000) / 1000,
    note: String(note || ""), created: stamp, updated: stamp,
    anchor: { cue: first, from, last, to, prefix: all.slice(Math.max(0, a - CONTEXT), a), suffix: all.slice(b, b + CONTEXT) },
    ...(lang ? { lang } : {}),   // made in the episode's transcript in another language (its ?lang=)
  };
}

/** How many characters two strings share at their ends (``fromEnd``) or their starts. */
function shared(a, b, fromEnd) {
  let n = 0;
  const max = Math.min(a.length, b.length);
  while (n < max && (fromEnd ? a[a.length - 1 - n] === b[b.length - 1 - n] : a[n] === b[n])) n += 1;
  return n;
}

/** A transcript made ready for :func:`locate`, once for all its highlights: ``cues`` are
 *  {text, start}; the text joined and flattened (white space made one space), with where
 *  each of its characters came from. */
export function prepare(cues) {
  const { all, offsets } = joined(cues.map((c) => c.text));
  const map = [];
  let text = "";
  let space = false;
  for (let i = 0; i < all.length; i += 1) {
    if (/\s/.test(all[i])) {
      if (!space && text) { text += " "; map.push(i); }
      space = true;
    } else {
      text += all[i];
      map.push(i);
      space = false;
    }
  }
  return { cues, offsets, text, map };
}

/** Where ``highlight``'s words are in a transcript now (``cues``, or what :func:`prepare`
 *  made of them). Every place holding its quote (white space aside) is scored by the
 *  context either side; ties go to the place nearest its old time. Returns {cue, from,
 *  last, to, moved} or, when the words are gone, null. */
export function locate(highlight, cues) {
  const { offsets, text, map, cues: list } = Array.isArray(cues) ? prepare(cues) : cues;
  const quote = flat(highlight.quote);
  if (!quote) return null;
  const anchor = highlight.anchor || {};
  const prefix = flat(anchor.prefix || "");
  const suffix = flat(anchor.suffix || "");
  let best = null;
  for (let at = text.indexOf(quote); at >= 0; at = text.indexOf(quote, at + 1)) {
    const a = map[at];
    const b = map[at + quote.length - 1] + 1;
    const first = cueAt(offsets, a);
    const after = at + quote.length;
    const context = shared(text.slice(Math.max(0, at - prefix.length - 1), at).trim(), prefix, true) +
      shared(text.slice(after, after + suffix.length + 1).trim(), suffix, false);
    const distance = Math.abs((list[first].start ?? 0) - (highlight.start ?? 0));
    if (!best || context > best.context || (context === best.context && distance < best.distance)) {
      best = { a, b, first, context, distance };
    }
  }
  if (!best) return null;
  const last = cueAt(offsets, best.b - 1);
  const place = { cue: best.first, from: best.a - offsets[best.first], last, to: best.b - offsets[last] };
  place.moved = place.cue !== anchor.cue || place.from !== anchor.from;
  return place;
}

function clock(seconds) {
  const s = Math.max(0, Math.floor(seconds));
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const pad = (n) => String(n).padStart(2, "0");
  return h ? `${h}:${pad(m)}:${pad(s % 60)}` : `${m}:${pad(s % 60)}`;
}

/** ``?t=start,end`` as the site writes it: seconds, to the tenth. */
export function momentQuery(start, end) {
  const fix = (n) => String(Math.round(n * 10) / 10);
  return `?t=${fix(start)},${fix(end)}`;
}

function quoted(text) {
  return `> ${flat(text)}`;
}

/** The episode's highlights as one Markdown file: its title and link, then each highlight
 *  in listening order as a quote with its deep link, its note, and a clip's link. */
export function toMarkdown({ title, url, clipUrl }, highlights) {
  const lines = [`# ${flat(title)}`, "", `<${url}>`, ""];
  const sorted = [...highlights].sort((a, b) => a.start - b.start);
  for (const h of sorted) {
    const language = typeof h.lang === "string" && h.lang ? `&lang=${encodeURIComponent(h.lang)}` : "";
    const link = `${url}${momentQuery(h.start, h.end)}${language}`;
    lines.push(`## [${clock(h.start)}–${clock(h.end)}](${link})`, "", quoted(h.quote), "");
    if (flat(h.note)) lines.push(h.note.trim(), "");
    if (clipUrl) lines.push(`[Clip (MP3)](${clipUrl}${momentQuery(h.start, h.end)})`, "");
  }
  lines.push(`*${sorted.length} highlight${sorted.length === 1 ? "" : "s"}, exported from Listenalong.*`, "");
  return lines.join("\n");
}

/** The whole notebook as a file. */
export function toFile(highlights) {
  return JSON.stringify({ format: FORMAT, version: VERSION, exported: now(), highlights }, null, 1);
}

function valid(h) {
  return h && typeof h === "object" && typeof h.id === "string" && h.id && typeof h.episode === "string" &&
    typeof h.quote === "string" && Number.isFinite(h.start) && Number.isFinite(h.end) && h.end >= h.start;
}

/** What importing ``text`` (a notebook file) into ``existing`` highlights adds: the file's
 *  highlights whose id is not there, nor the same words at the same time of the same
 *  episode; counted apart, those ``skipped`` (already there) and those ``unreadable``
 *  (not highlights: no id, no quote, times that are not times). Throws an Error saying what is wrong with a file that is not a notebook. */
export function toImport(text, existing) {
  let data;
  try {
    data = JSON.parse(text);
  } catch {
    throw new Error("This file is not a Listenalong notebook (it is not JSON).");
  }
  if (!data || data.format !== FORMAT || !Array.isArray(data.highlights)) {
    throw new Error("This file is not a Listenalong notebook.");
  }
  if (data.version > VERSION) {
    throw new Error(`This notebook is version ${data.version}; this page reads version ${VERSION}.`);
  }
  const ids = new Set(existing.map((h) => h.id));
  const same = new Set(existing.map((h) => `${h.episode}|${Math.round(h.start)}|${flat(h.quote)}`));
  const added = [];
  let skipped = 0;
  let unreadable = 0;
  for (const h of data.highlights) {
    if (!valid(h)) {
      unreadable += 1;
      continue;
    }
    const key = `${h.episode}|${Math.round(h.start)}|${flat(h.quote)}`;
    if (ids.has(h.id) || same.has(key)) {
      skipped += 1;
      continue;
    }
    ids.add(h.id);
    same.add(key);
    added.push({ ...h, v: VERSION, note: String(h.note || "") });
  }
  return { added, skipped, unreadable };
}
