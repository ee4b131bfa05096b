// The Porter stemmer, as SQLite's FTS5 "porter" tokenizer applies it (the library
// search's index: webapp/core/search/store.py), so that find in the page and the library
// search agree on what a word matches: "running" and "runs" both stem to "run".
// Words shorter than three characters, longer than 64 or holding anything but a–z pass
// through unchanged, as in FTS5. Pure; tested against SQLite itself (tests/test_stem.py).

const MIN = 3;
const MAX = 64;
const ASCII_WORD = /^[a-z]+$/;

function isConsonant(word, i) {
  const ch = word[i];
  if ("aeiou".includes(ch)) return false;
  if (ch === "y") return i === 0 ? true : !isConsonant(word, i - 1);
  return true;
}

/** m, the number of vowel-consonant sequences in ``stem``: [C](VC){m}[V]. */
function measure(stem) {
  let m = 0;
  let i = 0;
  const n = stem.length;
  while (i < n && isConsonant(stem, i)) i += 1;
  while (i < n) {
    while (i < n && !isConsonant(stem, i)) i += 1;
    if (i >= n) break;
    while (i < n && isConsonant(stem, i)) i += 1;
    m += 1;
  }
  return m;
}

function hasVowel(stem) {
  for (let i = 0; i < stem.length; i += 1) if (!isConsonant(stem, i)) return true;
  return false;
}

function endsDoubleConsonant(word) {
  const n = word.length;
  return n >= 2 && word[n - 1] === word[n - 2] && isConsonant(word, n - 1);
}

/** *o: the stem ends consonant-vowel-consonant, the last not w, x or y. */
function endsCvc(word) {
  const n = word.length;
  if (n < 3 || !isConsonant(word, n - 1) || isConsonant(word, n - 2) || !isConsonant(word, n - 3)) return false;
  return !"wxy".includes(word[n - 1]);
}

/** Replace the first of ``rules`` ([suffix, replacement]) that ``word`` ends with, when
 *  the stem before it passes ``test``; only the first matching suffix is tried. */
function replaceSuffix(word, rules, test) {
  for (const [suffix, replacement] of rules) {
    if (!word.endsWith(suffix)) continue;
    const stem = word.slice(0, word.length - suffix.length);
    return test(stem) ? stem + replacement : word;
  }
  return word;
}

function step1a(word) {
  if (word.endsWith("sses") || word.endsWith("ies")) return word.slice(0, -2);
  if (word.endsWith("ss")) return word;
  if (word.endsWith("s")) return word.slice(0, -1);
  return word;
}

function step1bTidy(stem) {
  if (stem.endsWith("at") || stem.endsWith("bl") || stem.endsWith("iz")) return `${stem}e`;
  if (endsDoubleConsonant(stem) && !"lsz".includes(stem[stem.length - 1])) return stem.slice(0, -1);
  if (measure(stem) === 1 && endsCvc(stem)) return `${stem}e`;
  return stem;
}

function step1b(word) {
  if (word.endsWith("eed")) {
    const stem = word.slice(0, -3);
    return measure(stem) > 0 ? `${stem}ee` : word;
  }
  for (const suffix of ["ed", "ing"]) {
    if (!word.endsWith(suffix)) continue;
    const stem = word.slice(0, word.length - suffix.length);
    return hasVowel(stem) ? step1bTidy(stem) : word;
  }
  return word;
}

function step1c(word) {
  if (word.endsWith("y") && hasVowel(word.slice(0, -1))) return `${word.slice(0, -1)}i`;
  return word;
}

const STEP2 = [
  ["ational", "ate"], ["tional", "tion"], ["enci", "ence"], ["anci", "ance"], ["izer", "ize"],
  ["bli", "ble"], ["alli", "al"], ["entli", "ent"], ["eli", "e"], ["ousli", "ous"],
  ["ization", "ize"], ["ation", "ate"], ["ator", "ate"], ["alism", "al"], ["iveness", "ive"],
  ["fulness", "ful"], ["ousness", "ous"], ["aliti", "al"], ["iviti", "ive"], ["biliti", "ble"],
  ["logi", "log"],
];
const STEP3 = [
  ["icate", "ic"], ["ative", ""], ["alize", "al"], ["iciti", "ic"], ["ical", "ic"], ["ful", ""], ["ness", ""],
];
const STEP4 = [
  "al", "ance", "ence", "er", "ic", "able", "ible", "ant", "ement", "ment", "ent", "ion", "ou",
  "ism", "ate", "iti", "ous", "ive", "ize",
];

/** The longest matching suffix of ``suffixes`` wins (the table lists them unordered). */
function byLength(rules) {
  return [...rules].sort((a, b) => b[0].length - a[0].length);
}
const STEP2_RULES = byLength(STEP2);
const STEP3_RULES = byLength(STEP3);
const STEP4_RULES = byLength(STEP4.map((suffix) => [suffix, ""]));

function step4(word) {
  return replaceSuffix(word, STEP4_RULES, (stem) => measure(stem) > 1 &&
    (!word.endsWith("ion") || stem.endsWith("s") || stem.endsWith("t")));
}

function step5(word) {
  let out = word;
  if (out.endsWith("e")) {
    const stem = out.slice(0, -1);
    const m = measure(stem);
    if (m > 1 || (m === 1 && !endsCvc(stem))) out = stem;
  }
  if (out.endsWith("ll") && measure(out) > 1) out = out.slice(0, -1);
  return out;
}

/** The stem of one lower-case word. */
export function stem(word) {
  if (word.length < MIN || word.length > MAX || !ASCII_WORD.test(word)) return word;
  let out = step1c(step1b(step1a(word)));
  out = replaceSuffix(out, STEP2_RULES, (s) => measure(s) > 0);
  out = replaceSuffix(out, STEP3_RULES, (s) => measure(s) > 0);
  return step5(step4(out));
}
