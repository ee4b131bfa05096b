// Matching for find in the page, word by word the way the library search matches
// (webapp/core/search/query.py over SQLite FTS5 "porter unicode61"): the text is cut into
// words at anything but letters and digits, each word is folded (case, accents) and
// stemmed (stem.js), and a query's words must all be in a paragraph, in any order; a
// quoted stretch must be there as it is, and a trailing * asks for a prefix. "the" finds
// "the" and not "then"; "runs" finds "running".
//
// As you type, the last word is also a prefix: while it matches no word whole ("metav"),
// it matches the words that begin with it ("metaverse"). Pure: tested in node.
//
//   const words = wordsOf(fold(text))        — per paragraph, once
//   const query = parseFind("metav", {typing: true})   — "-word" leaves paragraphs out
//   findWords(perCue, query) → {matches: [{cue, from, to}], byCue, first}  (original offsets)
import { originalRange } from "./fold.js";
import { stem } from "./stem.js";

// A word: a run of letters and digits; but Chinese characters and Japanese kana are each
// a word of their own (nothing separates the words of those scripts), so a query of
// several is a phrase of consecutive characters: 灯塔 finds 灯塔 inside a sentence.
const WORD = /[\p{sc=Han}\p{sc=Hiragana}\p{sc=Katakana}]|(?:(?![\p{sc=Han}\p{sc=Hiragana}\p{sc=Katakana}])[\p{L}\p{N}])+/gu;
const QUOTES = /["“”„‟«»]/;
const MAX_TERMS = 24;
const stems = new Map();

function stemOf(word) {
  let out = stems.get(word);
  if (out === undefined) {
    out = stem(word);
    stems.set(word, out);
  }
  return out;
}

/** The words of a folded text: {stems, raw, from: Int32Array, to: Int32Array} (folded offsets). */
export function wordsOf(folded) {
  const found = [];
  const raw = [];
  const from = [];
  const to = [];
  WORD.lastIndex = 0;
  for (let match; (match = WORD.exec(folded.text));) {
    raw.push(match[0]);
    found.push(stemOf(match[0]));
    from.push(match.index);
    to.push(match.index + match[0].length);
  }
  return { stems: found, raw, from: Int32Array.from(from), to: Int32Array.from(to), folded };
}

/** One ANDed part of a query, as webapp/core/search/query.py cuts it: the words of one
 *  white-space-separated chunk outside quotes (several words: a phrase, as "don't" is
 *  "don t"), or of one quoted stretch. ``prefix``: a trailing * on a last word of two or
 *  more letters; ``excluded``: typed as -word, the paragraphs holding it are left out. */
function chunkTerm(chunk, quoted) {
  const words = chunk.match(WORD) || [];
  const last = words[words.length - 1] || "";
  const prefix = !quoted && /[\p{L}\p{N}]\*+$/u.test(chunk) && last.length >= 2;
  const excluded = !quoted && /^-[\p{L}\p{N}]/u.test(chunk);
  return { words, stems: words.map(stemOf), phrase: quoted || words.length > 1, prefix, excluded, quoted };
}

const termKey = (t) => JSON.stringify([t.words, t.phrase, t.prefix, t.excluded]);

/** A folded query → terms [{words, stems, phrase, prefix, excluded}], by the rules of the
 *  library search's parser (the shared table tests/fixtures/query_cases.json). */
export function parseFind(foldedQuery, { typing = false } = {}) {
  const terms = [];
  const seen = new Set();
  const add = (term) => {
    if (!term.words.length || seen.has(termKey(term)) || terms.length >= MAX_TERMS) return;
    seen.add(termKey(term));
    terms.push(term);
  };
  foldedQuery.split(QUOTES).forEach((piece, number) => {
    if (number % 2) add(chunkTerm(piece, true));
    else for (const chunk of piece.split(/\s+/)) if (chunk) add(chunkTerm(chunk, false));
  });
  const tail = terms[terms.length - 1];
  // typing the last word, not yet followed by a space or a closing quote
  if (tail && typing && !tail.quoted && !tail.excluded && /[\p{L}\p{N}]$/u.test(foldedQuery)) tail.typing = true;
  return terms;
}

/** Does word ``k`` of ``words`` start the term (whole words, or the last as a prefix)? */
function termAt(words, k, term, prefixLast) {
  const n = term.stems.length;
  if (k + n > words.stems.length) return false;
  for (let j = 0; j < n; j += 1) {
    const wanted = term.stems[j];
    const have = words.stems[k + j];
    const asPrefix = j === n - 1 && prefixLast;
    if (asPrefix ? !(have.startsWith(wanted) || words.raw[k + j].startsWith(term.words[j])) : have !== wanted) {
      return false;
    }
  }
  return true;
}

/** Word indices where ``term`` starts in one cue's words. */
function occurrences(words, term, prefixLast) {
  const at = [];
  for (let k = 0; k < words.stems.length; k += 1) if (termAt(words, k, term, prefixLast)) at.push(k);
  return at;
}

/** Whether some cue holds ``term`` as whole words: the typing prefix only applies if not. */
function anyWhole(perCue, term) {
  return perCue.some((words) => words && occurrences(words, term, false).length > 0);
}

/** The runs of words of one cue that match: [first word, last word] pairs, occurrences of
 *  different terms side by side joined into one ("naive plan" together is one match). */
function runsIn(words, terms, prefixes) {
  const spans = [];
  for (let t = 0; t < terms.length; t += 1) {
    const at = occurrences(words, terms[t], prefixes[t]);
    if (!at.length) return null; // every term must be in the cue
    for (const k of at) spans.push({ from: k, to: k + terms[t].stems.length - 1, term: t });
  }
  spans.sort((a, b) => a.from - b.from || a.to - b.to);
  const runs = [];
  for (const span of spans) {
    const open = runs[runs.length - 1];
    if (open && span.from <= open.to + 1 && !open.terms.has(span.term)) {
      open.to = Math.max(open.to, span.to);
      open.terms.add(span.term);
    } else {
      runs.push({ from: span.from, to: span.to, terms: new Set([span.term]) });
    }
  }
  return runs.map((run) => [run.from, run.to]);
}

/** Does one cue hold any of the left-out (-word) terms? */
function holdsAny(words, excluded) {
  return excluded.some((term) => occurrences(words, term, term.prefix).length > 0);
}

/** Every match of ``terms`` in the cues' words (``perCue``: wordsOf per cue, in order);
 *  a cue holding a -word term has none. */
export function findWords(perCue, terms) {
  const matches = [];
  const byCue = new Map();
  const first = new Map();
  const wanted = terms.filter((term) => !term.excluded);
  const excluded = terms.filter((term) => term.excluded);
  if (!wanted.length) return { matches, byCue, first };
  const prefixes = wanted.map((term) => term.prefix || (term.typing && !anyWhole(perCue, term)));
  perCue.forEach((words, cue) => {
    const runs = words && !holdsAny(words, excluded) ? runsIn(words, wanted, prefixes) : null;
    if (!runs || !runs.length) return;
    const ranges = runs.map(([a, b]) => originalRange(words.folded, words.from[a], words.to[b]));
    first.set(cue, matches.length);
    byCue.set(cue, ranges);
    for (const [from, to] of ranges) matches.push({ cue, from, to, seconds: 0, marks: null });
  });
  return { matches, byCue, first };
}
