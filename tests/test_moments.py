"""webapp.core.moments: reading ``?t=`` values, ranges for clips, and the quote at a moment."""
from __future__ import annotations

import json

import pytest

from support import FIXTURES
from webapp.core.model import Cue
from webapp.core.moments import (Moment, cues_in_range, format_t, moment_href, parse_moment,
                                 parse_range, parse_time, quote, trim_quote)
from webapp.core.timecode import clock, short_clock

# ---- one time -------------------------------------------------------------------------

# The time forms are one table for Python and JavaScript (tests/js/time.test.mjs).
CASES = json.loads((FIXTURES / "time_cases.json").read_text("utf-8"))
VALID_TIMES = [tuple(case) for case in CASES["valid_times"]]


@pytest.mark.parametrize("text, seconds", VALID_TIMES)
def test_parse_time_accepts(text, seconds):
    assert parse_time(text) == pytest.approx(seconds, abs=1e-3)


INVALID_TIMES = CASES["invalid_times"]


@pytest.mark.parametrize("text", INVALID_TIMES)
def test_parse_time_refuses(text):
    with pytest.raises(ValueError):
        parse_time(text)


@pytest.mark.parametrize("start, end, expected", CASES["format_t"])
def test_format_t_is_the_shortest_spelling(start, end, expected):
    assert format_t(start, end) == expected


@pytest.mark.parametrize("start, end, number, expected", CASES["moment_href"])
def test_moment_href(start, end, number, expected):
    assert moment_href(start, end, number) == expected


@pytest.mark.parametrize("seconds, expected", CASES["clock"])
def test_clock(seconds, expected):
    assert clock(seconds) == expected


@pytest.mark.parametrize("seconds, expected", CASES["short_clock"])
def test_short_clock(seconds, expected):
    assert short_clock(seconds) == expected


# ---- a page's ?t= ---------------------------------------------------------------------

DURATION = CASES["duration"]
MOMENTS = [(m["t"], m["start"], m["end"], m["notice"]) for m in CASES["moments"]]


@pytest.mark.parametrize("raw, start, end, notice", MOMENTS)
def test_parse_moment(raw, start, end, notice):
    moment = parse_moment(raw, DURATION)
    assert moment.start == start
    assert moment.end == end
    assert moment.notice == notice


def test_parse_moment_shortens_a_long_notice():
    moment = parse_moment("x" * 300, DURATION)
    assert moment.start is None
    assert len(moment.notice) == 40 and moment.notice.endswith("…")


def test_moment_t_is_canonical():
    assert parse_moment("12:34,13:00", DURATION).t == "754,780"
    assert parse_moment("1h", DURATION).t == "3600"
    assert Moment().t is None
    assert parse_moment("754,800", DURATION).is_range
    assert not parse_moment("754", DURATION).is_range


# ---- a clip's range ---------------------------------------------------------------------

GOOD_RANGES = [
    ("754,800", (754, 800)),
    ("12:34,13:00", (754, 780)),
    ("1h,1h5m", (3600, 3900)),             # exactly five minutes
    (",30", (0, 30)),
    ("3990,4000", (3990, 4000)),           # up to the very end
]


@pytest.mark.parametrize("raw, expected", GOOD_RANGES)
def test_parse_range_accepts(raw, expected):
    assert parse_range(raw, DURATION, 300) == expected


BAD_RANGES = [
    (None, "START,END"),
    ("", "START,END"),
    ("754", "needs an end"),
    ("abc,def", "times we can read"),
    ("754,abc", "times we can read"),
    ("800,754", "after its start"),
    ("754,754", "after its start"),
    ("0,301", "at most 300"),
    ("3990,4001", "past the end"),
    ("5000,5010", "past the end"),
]


@pytest.mark.parametrize("raw, message", BAD_RANGES)
def test_parse_range_refuses_with_a_message(raw, message):
    with pytest.raises(ValueError) as error:
        parse_range(raw, DURATION, 300)
    assert message.replace("'", "") in str(error.value).replace("'", "")


# ---- quotes -----------------------------------------------------------------------------

CUES = [
    Cue(0, 10, "First words here.", "Ana"),
    Cue(10, 20, "Second thought.", None),
    Cue(20, 30, "Third one.", "Ben"),
    Cue(30, 40, "Fourth.", None),
]


def test_cues_in_range_include_the_cue_at_the_start_and_overlaps():
    assert list(cues_in_range(CUES, 12, 25)) == [1, 2]
    assert list(cues_in_range(CUES, 10, 20)) == [1]          # ends where cue 3 starts
    assert list(cues_in_range(CUES, 0, 40)) == [0, 1, 2, 3]
    assert list(cues_in_range(CUES, 35, 36)) == [3]


def test_quote_names_the_last_speaker_named_before_the_cue():
    assert quote(CUES, 1, 1) == ("Ana", "Second thought.")
    assert quote(CUES, 2, 3) == ("Ben", "Third one. Fourth.")


def test_trim_quote_cuts_at_a_sentence_then_at_a_word():
    short = "One line.\nAnother line."
    assert trim_quote(short) == "One line. Another line."
    sentences = "This is the first sentence of several. " * 8
    trimmed = trim_quote(sentences, 200)
    assert len(trimmed) <= 200 and trimmed.endswith("several.")
    words = "word " * 100
    trimmed = trim_quote(words, 50)
    assert len(trimmed) <= 50 and trimmed.endswith("word…")
    assert trim_quote("x" * 300, 50) == "x" * 49 + "…"
    first = "I took the stairs with a torch. " + "Then a sentence far too long to fit " * 9
    assert trim_quote(first) == "I took the stairs with a torch."
    tiny = "Yes. " + "and then a sentence far too long to fit " * 9
    assert trim_quote(tiny).startswith("Yes. and then") and trim_quote(tiny).endswith("…")
