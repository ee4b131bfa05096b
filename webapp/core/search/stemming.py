"""Which cues are stemmed: the Porter stemmer suits English ("building" finds "build"),
and mangles other languages' words as often as it helps them (German "Stufen", French
"paris"), so a cue is stemmed only when its transcript is in English, or in a language
not known (most of a library, and English until it says otherwise). Accents are folded
for every language alike; the other languages are matched word for word.

SQLite keeps the two kinds in two families of full-text tables (``cues_fts_N`` stemmed,
``cues_words_N`` not); PostgreSQL gives each row the text search configuration of its
kind. Both read the row's ``lang`` through :func:`stemmed_sql`.
"""
from __future__ import annotations

STEMMED_LANGUAGES = ("en",)


def stemmed(language: str) -> bool:
    """Whether a cue in ``language`` (a BCP 47 tag, "" unknown) is stemmed."""
    return not language or language.split("-")[0].lower() in STEMMED_LANGUAGES


def stemmed_sql(row: str = "") -> str:
    """:func:`stemmed` as an SQL condition on ``lang`` (of ``row``: ``new``, ``cues``…),
    the same in SQLite and PostgreSQL."""
    lang = f"{row}.lang" if row else "lang"
    return f"({lang} = '' OR lower({lang}) = 'en' OR substr(lower({lang}), 1, 3) = 'en-')"
