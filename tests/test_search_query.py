"""Query building: what a person types → a safe FTS5 expression (never raw syntax)."""
from __future__ import annotations

import json
import random
import sqlite3
import unicodedata

import pytest

from support import FIXTURES
from webapp.core.search import TOKENIZE
from webapp.core.search.query import (MAX_QUERY_CHARS, MAX_TERMS, QueryTooLong, clean,
                                      parse_query)

CASES = [
    # typed                          FTS5 expression (None: nothing to search for)
    ("metaverse", '"metaverse"'),
    ("  Social   MEDIA ", '"social" AND "media"'),
    ('"human nature"', '"human nature"'),
    ("“human nature” matters", '"human nature" AND "matters"'),
    ("„quoted” too", '"quoted" AND "too"'),
    ('open "source code', '"open" AND "source code"'),      # unclosed quote: a phrase anyway
    ("don’t", '"don t"'),
    ("don't", '"don t"'),
    ("e-mail", '"e mail"'),
    ("café", '"café"'),
    ("CAFÉ", '"café"'),
    ("cafe\u0301", '"café"'),                               # decomposed accent composed
    ("build*", '"build"*'),
    ("**build**", '"build"*'),
    ("a*", '"a"'),                                          # one letter: no prefix query
    ("*", None),
    ("(", None),
    ('"', None),
    ('""', None),
    ("", None),
    ("   ", None),
    ("NOT", '"not"'),
    ("AND (", '"and"'),
    ("a OR b", '"a" AND "or" AND "b"'),
    ("NEAR(a b)", '"near a" AND "b"'),
    ("col:x", '"col x"'),
    ("text:privacy", '"text privacy"'),
    ("^start", '"start"'),
    ("x AND NOT y", '"x" AND "and" AND "not" AND "y"'),
    ('say "he said ""hi"""', '"say" AND "he said" AND "hi"'),
    ("meta\x00verse", '"meta" AND "verse"'),
    ("tab\tand\nnewline", '"tab" AND "and" AND "newline"'),
    ("cafe cafe CAFE", '"cafe"'),                           # the same term once
    ("x_y", '"x y"'),
    ("€5 + tax", '"5" AND "tax"'),
    ("😀", None),
    ("(*?[", None),
    ("{a} [b] <c>", '"a" AND "b" AND "c"'),
    ("crypto -bitcoin", '("crypto") NOT ("bitcoin")'),            # -word leaves it out
    ("a -b -\"c d\"", '("a" AND "c d") NOT ("b")'),             # a minus before quotes: no
    ("-bitcoin -ether", None),                                   # only left-out words
    ("e-mail -x-ray", '("e mail") NOT ("x ray")'),
    ("a - b", '"a" AND "b"'),
]


@pytest.mark.parametrize("typed,expected", CASES)
def test_query_building(typed, expected):
    assert parse_query(typed).fts() == expected


def test_phrases_and_prefixes_are_kept_apart():
    query = parse_query('"social media" build*')
    assert [(t.words, t.phrase, t.prefix) for t in query.terms] == [
        (("social", "media"), True, False), (("build",), False, True)]


def test_adjacent_phrase_only_for_several_plain_terms():
    assert parse_query("open source").adjacent_fts() == '"open source"'
    assert parse_query("open").adjacent_fts() is None
    assert parse_query('"open source"').adjacent_fts() is None  # already one phrase
    assert parse_query("open sour*").adjacent_fts() is None


def test_cleaned_text_is_what_is_shown_back():
    assert clean(" a\x00b\x07  c ") == "a b c"
    assert parse_query("  Café\x00 au lait ").text == "Café au lait"


def test_over_long_input_is_refused_with_a_clear_message():
    parse_query("x" * MAX_QUERY_CHARS)
    with pytest.raises(QueryTooLong) as raised:
        parse_query("x" * 10_000)
    assert str(MAX_QUERY_CHARS) in str(raised.value)


def test_terms_are_capped():
    query = parse_query(" ".join(str(n) for n in range(100)))
    assert len(query.terms) == MAX_TERMS


@pytest.fixture(scope="module")
def fts():
    db = sqlite3.connect(":memory:")
    db.execute(f"CREATE VIRTUAL TABLE t USING fts5(text, tokenize='{TOKENIZE}')")
    db.executemany("INSERT INTO t (text) VALUES (?)", [
        ("not and or near col x",), ("the café is building",), ("I don’t know",),
        ('he said "hi" to her',), ("open source software",)])
    yield db
    db.close()


@pytest.mark.parametrize("typed", [t for t, _ in CASES])
def test_every_expression_is_valid_fts5(fts, typed):
    match = parse_query(typed).fts()
    if match is not None:
        fts.execute("SELECT rowid FROM t WHERE t MATCH ?", (match,)).fetchall()


def test_keywords_are_searched_as_words(fts):
    def hits(typed):
        return [r for (r,) in fts.execute("SELECT rowid FROM t WHERE t MATCH ?",
                                          (parse_query(typed).fts(),))]

    assert hits("NOT") == [1]
    assert hits("col:x") == [1]         # the words "col x", side by side
    assert hits("x:col") == []
    assert hits("or near") == [1]
    assert hits("cafe build") == [2]
    assert hits("don't") == [3]
    assert hits('said "hi"') == [4]
    assert hits("sour*") == [5]


def test_random_hostile_input_never_breaks_fts5(fts):
    pieces = ['"', "'", "“", "”", "(", ")", "*", "^", ":", "-", "+", "NOT", "AND", "OR",
              "NEAR", "col", "\x00", "\\", "{", "}", "[", "]", ",", " ", "a", "é", "x1"]
    rng = random.Random(7)
    for _ in range(2000):
        typed = "".join(rng.choice(pieces) for _ in range(rng.randint(1, 12)))
        match = parse_query(typed).fts()
        if match is not None:
            fts.execute("SELECT rowid FROM t WHERE t MATCH ?", (match,)).fetchall()


def test_random_hostile_input_behaves_alike_on_both_engines(tmp_path, pg_database):
    """The same 2,000 hostile queries through the whole search, on SQLite and on
    PostgreSQL: never an error, and the same cues found."""
    from search_support import write_episode
    from webapp.core.episodes import Library
    from webapp.core.search import SearchIndex

    write_episode(tmp_path, "talk", "Talk", [
        "not and or near col x", "the café is building", "I don’t know", 'he said "hi" to her',
        "open source software", "a x1 é ea xa", "col: a NEAR b", "x-ray and e-mail a1"])
    engines = [SearchIndex(Library(tmp_path), url=""), SearchIndex(Library(tmp_path), url=pg_database)]
    for index in engines:
        index.rebuild()
    pieces = ['"', "'", "“", "”", "(", ")", "*", "^", ":", "-", "+", "NOT", "AND", "OR",
              "NEAR", "col", "\x00", "\\", "{", "}", "[", "]", ",", " ", "a", "é", "x1"]
    rng = random.Random(7)
    differ = []
    for _ in range(2000):
        typed = "".join(rng.choice(pieces) for _ in range(rng.randint(1, 12)))
        found = [{(h.episode, h.cue) for h in index.search(typed, limit=100)} for index in engines]
        if found[0] != found[1]:
            differ.append((typed, found))
    assert differ == [], differ[:5]


# The cutting of a query into terms is one table for Python and JavaScript (find in an
# episode: tests/js/find-words.test.mjs); its words are given folded, as find compares them.
TERM_CASES = json.loads((FIXTURES / "query_cases.json").read_text("utf-8"))["parse"]


def _folded(word: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFD", word)
                   if not unicodedata.combining(c)).casefold()


@pytest.mark.parametrize("case", TERM_CASES, ids=lambda case: case["q"][:30] or "empty")
def test_terms_are_cut_as_find_in_the_page_cuts_them(case):
    terms = [{"words": [_folded(w) for w in t.words], "phrase": t.phrase, "prefix": t.prefix,
              "excluded": t.excluded} for t in parse_query(case["q"]).terms]
    assert terms == case["terms"]
