"""What a person types into a search box → a safe SQLite FTS5 query.

User input never reaches FTS5 syntax raw. The query is cut into terms here: each run of
words outside quotes is a term, each quoted stretch (straight or curly quotes) is a phrase,
and every term becomes an FTS5 *string* — ``"…"`` with any ``"`` inside doubled — so
``NOT``, ``AND``, ``(``, ``*``, ``col:x`` and friends are just text. Terms are ANDed;
a word typed with a leading ``-`` (``-crypto``) leaves out the cues holding it. A trailing ``*`` on a word of two or more letters asks for a prefix match (``buil*``).

Punctuation inside a word splits it the way the index tokenizer (``unicode61``) does:
``don’t`` is the phrase ``"don t"``, ``e-mail`` the phrase ``"e mail"``. Chinese, Japanese
and Korean are segmented as the index is (:mod:`.segmenting`): ``灯塔`` is the phrase
``"灯 塔"``, two characters side by side.
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

from .segmenting import segment

MAX_QUERY_CHARS = 500
MAX_TERMS = 24

QUOTES = '"“”„‟«»'
# What FTS5's unicode61 tokenizer keeps as token characters: letters and numbers
# (no underscore: it is punctuation there).
WORD = re.compile(r"[^\W_]+")
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")


class QueryTooLong(ValueError):
    """The query is longer than :data:`MAX_QUERY_CHARS`."""

    def __init__(self, length: int):
        super().__init__(f"The search is {length} characters long; keep it under "
                         f"{MAX_QUERY_CHARS}.")
        self.length = length


@dataclass(frozen=True)
class Term:
    """One ANDed part of a query: a word or a phrase (a tuple of words)."""

    words: tuple[str, ...]
    phrase: bool = False   # the person quoted it
    prefix: bool = False   # a trailing '*' on the last word
    excluded: bool = False  # typed as -word: cues holding it are left out

    def fts(self) -> str:
        body = " ".join(self.words).replace('"', '""')  # words hold no '"'; belt and braces
        return f'"{body}"' + ("*" if self.prefix else "")


@dataclass(frozen=True)
class Query:
    text: str                              # the cleaned query, as it is shown back
    terms: tuple[Term, ...] = field(default_factory=tuple)

    def __bool__(self) -> bool:
        return bool(self.wanted)

    @property
    def wanted(self) -> tuple[Term, ...]:
        """The terms a cue must hold (all but the ``-word`` ones)."""
        return tuple(t for t in self.terms if not t.excluded)

    @property
    def excluded(self) -> tuple[Term, ...]:
        return tuple(t for t in self.terms if t.excluded)

    @property
    def words(self) -> list[str]:
        return [w for t in self.wanted for w in t.words]

    def fts(self) -> str | None:
        """The FTS5 MATCH expression (terms ANDed, ``-word`` ones NOT-ed), or None when
        nothing is searchable (no term, or only left-out ones)."""
        if not self.wanted:
            return None
        match = " AND ".join(t.fts() for t in self.wanted)
        if self.excluded:
            match = f"({match}) NOT ({' OR '.join(t.fts() for t in self.excluded)})"
        return match

    def adjacent(self) -> tuple[str, ...] | None:
        """All the wanted words, in order — a cue holding them side by side ranks above
        those where they are scattered. None when that adds nothing."""
        wanted = self.wanted
        if len(self.words) < 2 or len(wanted) < 2 or any(t.prefix for t in wanted):
            return None
        return tuple(self.words)

    def adjacent_fts(self) -> str | None:
        """:meth:`adjacent` as an FTS5 phrase."""
        words = self.adjacent()
        return None if words is None else Term(words, phrase=True).fts()


def clean(raw: str | None) -> str:
    """Drop control characters (NUL included), compose accents, squeeze spaces."""
    text = unicodedata.normalize("NFC", _CONTROL.sub(" ", raw or ""))
    return " ".join(text.split())


def parse_query(raw: str | None) -> Query:
    """Parse what was typed. Raises :class:`QueryTooLong` for over-long input."""
    if raw is not None and len(raw) > MAX_QUERY_CHARS:
        raise QueryTooLong(len(raw))
    text = clean(raw)
    terms: list[Term] = []
    seen: set[Term] = set()

    def add(term: Term) -> None:
        if term.words and term not in seen and len(terms) < MAX_TERMS:
            seen.add(term)
            terms.append(term)

    # split on quote characters: even pieces are outside quotes, odd pieces inside
    pieces = re.split(f"[{QUOTES}]", text)
    for number, piece in enumerate(pieces):
        if number % 2:
            add(Term(tuple(w.lower() for w in WORD.findall(segment(piece))), phrase=True))
            continue
        for chunk in piece.split():
            words = tuple(w.lower() for w in WORD.findall(segment(chunk)))
            if not words:
                continue
            prefix = chunk.endswith("*") and chunk.rstrip("*")[-1:].isalnum() \
                and len(words[-1]) >= 2
            excluded = chunk.startswith("-") and bool(WORD.match(chunk, 1))
            add(Term(words, phrase=len(words) > 1, prefix=prefix, excluded=excluded))
    return Query(text=text, terms=tuple(terms))
