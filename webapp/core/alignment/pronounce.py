"""Pronunciations for words the dictionary lacks, from words and letters it has.

Podcasts are full of names CMUdict never heard of: ``ExpressVPN``, ``Paperspace``,
``Coinbase``, ``GPU``, ``cryptocurrency``. Left out, such a word gets a time between its
neighbours, and a long one drags the words around it. Most are made of parts the
dictionary knows:

* an acronym (``GPU``, ``ML``, ``CEO``) is said letter by letter;
* a compound in camel case is its parts (``ExpressVPN`` → ``express`` + ``VPN``);
* a compound in one piece is the fewest dictionary words, three letters or more each, that
  spell it (``paperspace`` → ``paper space``, ``cryptocurrency`` → ``crypto currency``);
* a word with an ending the dictionary lacks is its stem and the ending
  (``masquerades`` → ``masquerade`` + s, ``zooming`` → ``zoom`` + ing).

A word none of these covers keeps no pronunciation (it is timed between its neighbours,
and marked as an estimate). Pure: ``lookup`` is the decoder's dictionary lookup.
"""
from __future__ import annotations

import re
from typing import Callable

Lookup = Callable[[str], "str | None"]
MIN_PART = 3          # letters in a dictionary word used as part of a compound
MAX_PARTS = 4
MAX_ACRONYM = 6       # letters said one by one, at most
_CASE_PARTS = re.compile(r"[A-Z]+(?=[A-Z][a-z])|[A-Z]?[a-z]+|[A-Z]+|\d+")
# (ending, stems to try for what is before it, the ending's phones)
ENDINGS = (("ies", ("y",), "IY Z"), ("es", ("e", ""), "Z"), ("s", ("",), "Z"),
           ("ed", ("e", ""), "D"), ("ing", ("e", ""), "IH NG"), ("er", ("e", ""), "ER"),
           ("ly", ("",), "L IY"))


def pronounce(written: str, lookup: Lookup) -> str | None:
    """The phones of ``written`` (one written word, punctuation stripped), or None."""
    word = written.strip("'’")
    if not word or not word.replace("'", "").isalnum():
        return None
    known = lookup(word.lower())
    if known:
        return known
    parts = _CASE_PARTS.findall(word)
    if len(parts) > 1 and "".join(parts) == word:
        spoken = [_part(p, lookup) for p in parts]
        return " ".join(spoken) if all(spoken) else None
    return _part(word, lookup)


def _part(part: str, lookup: Lookup) -> str | None:
    known = lookup(part.lower())
    if known:
        return known
    if part.isupper() and len(part) <= MAX_ACRONYM:
        return _letters(part, lookup)
    return _ending(part.lower(), lookup) or _compound(part.lower(), lookup)


def _ending(word: str, lookup: Lookup) -> str | None:
    for ending, stems, phones in ENDINGS:
        if word.endswith(ending) and len(word) - len(ending) >= MIN_PART:
            for stem in stems:
                known = lookup(word[:-len(ending)] + stem)
                if known:
                    return f"{known} {phones}"
    return None


def _letters(part: str, lookup: Lookup) -> str | None:
    said = [lookup(letter.lower()) for letter in part]
    return " ".join(said) if all(said) else None


def _compound(word: str, lookup: Lookup) -> str | None:
    """The fewest dictionary words (each at least MIN_PART letters) that spell ``word``."""
    best: list[list[str] | None] = [None] * (len(word) + 1)
    best[0] = []
    for end in range(MIN_PART, len(word) + 1):
        for start in range(0, end - MIN_PART + 1):
            if best[start] is None or len(best[start]) >= MAX_PARTS:
                continue
            phones = lookup(word[start:end])
            if phones and (best[end] is None or len(best[start]) + 1 < len(best[end])):
                best[end] = best[start] + [phones]
    return " ".join(best[-1]) if best[-1] and len(best[-1]) > 1 else None
