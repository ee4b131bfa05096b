"""Cue text → the words as they are spoken, each mapped back to its characters.

A cue's text is cut into *written words* (runs of non-space characters). Each written word
becomes one or more *spoken tokens* in CMUdict's spelling: ``25%`` is ``twenty five
percent``, ``$5`` is ``five dollars``, ``&`` is ``and``, ``gradient.run/lex`` is ``gradient
dot run slash lex``, ``B-L-I-N-K`` is ``b l i n k``, ``don’t`` is ``don't``. Every token
keeps the character span of the written word it came from, so an aligned token's time
lands on the original text. Pure: no dictionary here (the aligner checks tokens against
it and spells out or interpolates the ones it lacks).
"""
from __future__ import annotations

import re
from dataclasses import dataclass

ONES = ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten",
        "eleven", "twelve", "thirteen", "fourteen", "fifteen", "sixteen", "seventeen",
        "eighteen", "nineteen"]
TENS = ["", "", "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety"]
SCALES = [(10**12, "trillion"), (10**9, "billion"), (10**6, "million"), (1000, "thousand")]
ORDINAL_ENDINGS = {"one": "first", "two": "second", "three": "third", "five": "fifth",
                   "eight": "eighth", "nine": "ninth", "twelve": "twelfth"}
SYMBOLS = {"&": "and", "%": "percent", "+": "plus", "=": "equals", "@": "at", "#": "number",
           "/": "slash", ".": "dot"}
CURRENCIES = {"$": "dollars", "£": "pounds", "€": "euros"}
APOSTROPHES = str.maketrans({"’": "'", "‘": "'", "ʼ": "'", "`": "'"})
_WRITTEN = re.compile(r"\S+")
_EDGE = re.compile(r"^[^\w$£€&%#@+]+|[^\w%]+$")
_NUMBER = re.compile(r"^(?P<cur>[$£€])?(?P<num>\d{1,3}(?:,\d{3})+|\d+)(?:\.(?P<frac>\d+))?"
                     r"(?P<suffix>%|st|nd|rd|th|s|k|m|bn)?$", re.I)
_URLISH = re.compile(r"^(?:https?://)?[\w-]+(?:\.[\w-]+)+(?:/[\w./-]*)?$", re.I)
_SPELLED = re.compile(r"^(?:[A-Za-z]-){2,}[A-Za-z]$")


@dataclass(frozen=True)
class Token:
    word: str     # as CMUdict spells it: lower case, apostrophes straight
    start: int    # the written word's characters in the cue text: [start, end)
    end: int


def number_words(value: int) -> list[str]:
    """``1234`` → ``one thousand two hundred thirty four``."""
    if value < 20:
        return [ONES[value]]
    if value < 100:
        return [TENS[value // 10]] + ([ONES[value % 10]] if value % 10 else [])
    if value < 1000:
        rest = value % 100
        return [ONES[value // 100], "hundred"] + (number_words(rest) if rest else [])
    for size, name in SCALES:
        if value >= size:
            rest = value % size
            return number_words(value // size) + [name] + (number_words(rest) if rest else [])
    return [ONES[0]]  # unreachable


def ordinal(words: list[str]) -> list[str]:
    last = words[-1]
    if last in ORDINAL_ENDINGS:
        return words[:-1] + [ORDINAL_ENDINGS[last]]
    if last.endswith("y"):
        return words[:-1] + [last[:-1] + "ieth"]
    return words[:-1] + [last + "th"]


def year_words(value: int) -> list[str]:
    """``1990`` → ``nineteen ninety``, ``2023`` → ``twenty twenty three``, ``1905`` →
    ``nineteen oh five``: how four-digit years are said."""
    high, low = divmod(value, 100)
    tail = number_words(low) if low >= 10 else (["oh"] + number_words(low) if low else ["hundred"])
    return number_words(high) + tail


def plural(words: list[str]) -> list[str]:
    last = words[-1]
    return words[:-1] + [last[:-1] + "ies" if last.endswith("y") else last + "s"]


def spoken_number(match: re.Match) -> list[str]:
    """The spoken words of a number in one of the forms :data:`_NUMBER` reads."""
    digits = match.group("num").replace(",", "")
    suffix = (match.group("suffix") or "").lower()
    plain = not match.group("cur") and not match.group("frac") and "," not in match.group("num")
    if len(digits) > 15:
        words = [ONES[int(d)] for d in digits]
    elif plain and len(digits) == 4 and (1100 <= int(digits) <= 1999 or 2010 <= int(digits) <= 2099):
        words = year_words(int(digits))
    else:
        words = number_words(int(digits))
    if match.group("frac"):
        words += ["point"] + [ONES[int(d)] for d in match.group("frac")]
    if suffix in ("st", "nd", "rd", "th"):
        words = ordinal(words)
    elif suffix == "s":            # the 1990s, the 80s
        words = plural(words)
    elif suffix in ("k", "m", "bn"):
        words.append({"k": "thousand", "m": "million", "bn": "billion"}[suffix])
    elif suffix == "%":
        words.append("percent")
    if match.group("cur"):
        words.append(CURRENCIES[match.group("cur")])
    return words


def spoken_words(written: str) -> list[str]:
    """The spoken tokens of one written word (punctuation around it already stripped)."""
    text = written.translate(APOSTROPHES)
    if not text:
        return []
    if text in SYMBOLS and text not in "./":
        return [SYMBOLS[text]]
    number = _NUMBER.match(text)
    if number:
        return spoken_number(number)
    if _SPELLED.match(text):                       # B-L-I-N-K
        return [letter.lower() for letter in text.split("-")]
    if _URLISH.match(text) and not text.replace(".", "").isdigit():
        return url_words(text)
    out = []
    for part in re.split(r"([&%+=@#/])|[-–—_]+", text):
        if not part:
            continue
        if part in SYMBOLS:
            out.append(SYMBOLS[part])
        elif re.fullmatch(r"\d+", part):
            out += number_words(int(part)) if len(part) <= 15 else [ONES[int(d)] for d in part]
        else:
            out += [w for w in re.findall(r"[a-z0-9']+", part.lower()) if w.strip("'")]
    return out


def url_words(text: str) -> list[str]:
    """``gradient.run/lex`` → ``gradient dot run slash lex``."""
    text = re.sub(r"^https?://", "", text, flags=re.I)
    out = []
    for piece in re.split(r"([./])", text):
        if piece in (".", "/"):
            out.append(SYMBOLS[piece])
        elif piece:
            out += spoken_words(piece)
    return out


def tokens(text: str) -> list[Token]:
    """Every spoken token of ``text``, in order, with its written word's span."""
    found = []
    for match in _WRITTEN.finditer(text):
        written = match.group(0)
        stripped = _EDGE.sub("", written)
        if not stripped:
            if written in SYMBOLS and written not in "./":
                found.append(Token(SYMBOLS[written], match.start(), match.end()))
            continue
        offset = written.find(stripped)
        start = match.start() + max(0, offset)
        for word in spoken_words(stripped):
            found.append(Token(word, start, start + len(stripped)))
    return found
