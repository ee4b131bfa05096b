// Folding text for in-page find: case, accents and curly quotes don't matter. Pure: no
// DOM, tested in node (tests/js/fold.test.mjs).
//
// The query and every cue's text are folded the same way (NFD, combining marks dropped
// except on kana,
// lower case, ’‘ → ', “” → ", runs of white space → one space) and compared with indexOf —
// no RegExp is ever built from what was typed. fold() keeps a map from the folded text
// back to the original offsets, so marks land on the original characters.

const FOLDED_QUOTES = new Map([
  ["\u2018", "'"], ["\u2019", "'"], ["\u201B", "'"], ["\u02BC", "'"], ["\u2032", "'"],
  ["\u201C", '"'], ["\u201D", '"'], ["\u201E", '"'], ["\u201F", '"'], ["\u2033", '"'],
  ["\u00AB", '"'], ["\u00BB", '"'],
]);
const COMBINING = /\p{M}/gu;
const SPACE = /\s/;
const foldedChars = new Map();

/** The folded form of one character (a code point): "", one or a few characters. */
function foldChar(ch) {
  const code = ch.charCodeAt(0);
  if (code < 128) {
    if (code >= 65 && code <= 90) return String.fromCharCode(code + 32);
    return code === 9 || code === 10 || code === 13 ? " " : ch;
  }
  let out = foldedChars.get(ch);
  if (out === undefined) {
    out = FOLDED_QUOTES.get(ch);
    // Kana keep their voicing marks: が is not か (NFD would split the mark off, and drop it).
    if (out === undefined && code >= 0x3040 && code <= 0x30FF) out = ch;
    if (out === undefined) {
      out = SPACE.test(ch) ? " " : ch.normalize("NFD").replace(COMBINING, "").toLowerCase();
    }
    foldedChars.set(ch, out);
  }
  return out;
}

/** Fold ``text`` for matching. Returns {text, map}: map[i] is the offset in the original
 * of the character that produced folded character i; map[length] is the original length. */
export function fold(text) {
  const out = [];
  const map = [];
  let lastSpace = true; // leading white space is dropped
  for (let i = 0; i < text.length; ) {
    const code = text.codePointAt(i);
    const width = code > 0xffff ? 2 : 1;
    const folded = foldChar(width === 1 ? text[i] : text.slice(i, i + 2));
    for (let k = 0; k < folded.length; k += 1) {
      const c = folded[k];
      if (c === " ") {
        if (lastSpace) continue;
        lastSpace = true;
      } else {
        lastSpace = false;
      }
      out.push(c);
      map.push(i);
    }
    i += width;
  }
  map.push(text.length);
  return { text: out.join(""), map: Int32Array.from(map) };
}

/** Fold what was typed: same folding, outer white space trimmed. */
export function foldQuery(query) {
  return fold(query).text.trimEnd();
}

/** Original [start, end) of folded [from, to) in a folded text. */
export function originalRange(folded, from, to) {
  const { map } = folded;
  const start = map[from];
  // the end: where the original character after the last matched one begins
  let next = to;
  while (next < map.length - 1 && map[next] === map[to - 1]) next += 1;
  return [start, map[next]];
}
