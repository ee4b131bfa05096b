"""Timing rules shared by every format (issue 2): cue starts strictly increase (going back
is an error naming both lines), each cue ends where the next starts, the last ends at the
audio's duration or at an estimate from its words, and no cue has zero length."""
from __future__ import annotations

import pytest

from webapp.core import InputError, read_transcript
from webapp.core.timing import WORDS_PER_SECOND


def test_time_going_backwards_is_an_error_naming_both_lines(fixtures_dir):
    path = fixtures_dir / "backwards.txt"
    with pytest.raises(InputError) as caught:
        read_transcript(path)
    error = caught.value
    # line 9 says (00:15), after line 5 said (00:20)
    assert (error.path, error.line) == (str(path), 9)
    message = str(error)
    assert message.startswith(f"{path}:9: ")
    assert "line 5" in message
    assert "00:00:15" in message and "00:00:20" in message


def test_the_same_start_twice_is_an_error_too(fixtures_dir):
    """Starts must strictly increase: two cues cannot start at the same time."""
    path = fixtures_dir / "repeated_time.txt"
    with pytest.raises(InputError) as caught:
        read_transcript(path)
    assert caught.value.line == 5
    assert "line 1" in str(caught.value)


def test_each_cue_ends_where_the_next_starts(fixtures_dir):
    t = read_transcript(fixtures_dir / "cue_ends.txt")
    assert t.cues[0].end == t.cues[1].start == 5.0


def test_last_cue_ends_at_the_duration_when_given(fixtures_dir):
    t = read_transcript(fixtures_dir / "cue_ends.txt", duration=30.0)
    assert t.cues[-1].end == 30.0
    assert t.end == 30.0


def test_last_cue_end_is_estimated_from_its_words_without_a_duration(fixtures_dir):
    """About 2.5 words a second: ten words after 0:05 end at 0:09."""
    t = read_transcript(fixtures_dir / "cue_ends.txt")
    last = t.cues[-1]
    assert len(last.text.split()) == 10 and WORDS_PER_SECOND == 2.5
    assert last.end == pytest.approx(5.0 + 10 / 2.5)


def test_a_duration_before_the_last_cue_is_an_error(fixtures_dir):
    path = fixtures_dir / "cue_ends.txt"
    with pytest.raises(InputError) as caught:
        read_transcript(path, duration=5.0)
    assert caught.value.line == 5 and "--duration" in str(caught.value)


def test_no_cue_has_zero_length_and_none_overlaps(fixtures_dir):
    """SRT ends that equal the start, come before it, or run past the next cue are fixed:
    such a cue ends where the next starts; a zero-length last cue gets an estimate."""
    t = read_transcript(fixtures_dir / "srt_odd_ends.srt")

    assert [(c.start, c.end) for c in t.cues] == [
        (1.0, 2.0),   # 1.000 --> 1.000
        (2.0, 3.0),   # 2.000 --> 1.500
        (3.0, 5.0),   # 3.000 --> 8.000, next starts at 5
        (5.0, 6.6),   # 5.000 --> 5.000, last: four words at 2.5 words a second
    ]
    for cue, after in zip(t.cues, t.cues[1:] + [None]):
        assert cue.end > cue.start
        if after is not None:
            assert cue.end <= after.start


@pytest.mark.parametrize("name", ["rev_speaker_lines.txt", "rev_continuation.txt",
                                  "rev_same_line.txt", "rev_bracket.txt", "otter.txt",
                                  "header_lines.txt", "episode_info.txt",
                                  "overflow_seconds.txt", "encoding_source.txt"])
def test_paragraph_formats_leave_no_gaps(fixtures_dir, name):
    """In Rev and Otter transcripts every cue but the last ends exactly at the next start."""
    cues = read_transcript(fixtures_dir / name).cues
    assert all(a.end == b.start for a, b in zip(cues, cues[1:]))
    assert all(a.start < b.start for a, b in zip(cues, cues[1:]))
    assert cues[-1].end > cues[-1].start
