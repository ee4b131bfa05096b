"""webapp.core.moments: reading ``?t=`` values, ranges for clips, and the quote at a moment."""
from __future__ import annotations

import pytest

from webapp.core.model import Cue
from webapp.core.moments import (Moment, cues_in_range, format_t, parse_moment, parse_range,
                                 parse_time, quote, trim_quote)

# ---- one time -------------------------------------------------------------------------

VALID_TIMES = [
    ("754", 754),
    ("754.5", 754.5),
    ("0", 0),
    ("0.25", 0.25),
    ("  754  ", 754),
    ("12:34", 754),
    ("0:05", 5),
    ("12:34.5", 754.5),
    ("1:02:03", 3723),
    ("01:02:03", 3723),
    ("90:00", 5400),            # the first field may be large
    ("1h2m3s", 3723),
    ("1H2M3S", 3723),
    ("1h02m03s", 3723),
    ("1h2m3.5s", 3723.5),
    ("2m", 120),
    ("45s", 45),
    ("1h", 3600),
    ("1h30s", 3630),
    ("90m", 5400),
    ("npt:754", 754),
    ("NPT:12:34", 754),
    ("1.0005", 1.0),             # rounded to the millisecond (banker's rounding aside)
]


@pytest.mark.parametrize("text, seconds", VALID_TIMES)
def test_parse_time_accepts(text, seconds):
    assert parse_time(text) == pytest.approx(seconds, abs=1e-3)


INVALID_TIMES = [
    "", " ", "-5", "+5", "abc", "1e3", "nan", "inf", "Infinity", "12:", ":34", "1:75",
    "1:02:60", "1:2:3:4", "12.34.56", "1h2h", "3s2m", "h", "m", "s", "5 m", "12 :34",
    "0x10", "٣", "1_000", "1" * 80, "npt:", "npt:-1", "1,5",
]


@pytest.mark.parametrize("text", INVALID_TIMES)
def test_parse_time_refuses(text):
    with pytest.raises(ValueError):
        parse_time(text)


def test_format_t_is_the_shortest_spelling():
    assert format_t(754) == "754"
    assert format_t(754.5) == "754.5"
    assert format_t(754.125, 800) == "754.125,800"
    assert format_t(0.0) == "0"


# ---- a page's ?t= ---------------------------------------------------------------------

DURATION = 4000.0

MOMENTS = [
    # raw, start, end, notice
    (None, None, None, None),
    ("", None, None, None),
    ("   ", None, None, None),
    ("754", 754, None, None),
    ("0", 0, None, None),
    ("1h2m3s", 3723, None, None),
    ("754,800", 754, 800, None),
    ("12:34,13:00", 754, 780, None),
    ("npt:12:34,13:00", 754, 780, None),
    (",30", 0, 30, None),                     # media fragments: from the start to 0:30
    ("754,", 754, None, None),                # an empty end: just the start
    ("754,oops", 754, None, None),            # an unreadable end: just the start
    ("800,754", 800, None, None),             # end before start: just the start
    ("754,754", 754, None, None),             # empty range: just the start
    ("3990,9999", 3990, 4000, None),          # end past the episode: clamped to its end
    ("abc", None, None, "abc"),
    ("-5", None, None, "-5"),
    ("4000", None, None, "4000"),             # the very end is past the last moment
    ("99:99:99", None, None, "99:99:99"),
    ("5000,5100", None, None, "5000,5100"),   # a range past the end: start over
    ("nan", None, None, "nan"),
]


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
