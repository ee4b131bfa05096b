"""Rev-style paragraphs (issue 2): speaker lines, continuations, one-line forms, the lines
around the transcript, and timestamps with 60 in a field. One fixture file per rule."""
from __future__ import annotations

import pytest

from webapp.core import read_transcript


def starts(transcript):
    return [cue.start for cue in transcript.cues]


def speakers(transcript):
    return [cue.speaker for cue in transcript.cues]


def test_speaker_line_alone_then_paragraphs(fixtures_dir):
    """`Speaker Name (MM:SS):` or `(H:MM:SS):` alone on a line, then the paragraph(s)."""
    t = read_transcript(fixtures_dir / "rev_speaker_lines.txt")

    assert starts(t) == [0.0, 7.0, 3723.0]  # 1:02:03 is H:MM:SS
    assert speakers(t) == ["Rosa Delgado", "Tom Okafor", "Rosa Delgado"]
    assert t.cues[0].text == ("Welcome back to Dirt Under the Nails. "
                              "Today Tom and I are talking about tomatoes.")
    # two paragraphs under one speaker line stay in one cue, one line each
    assert t.cues[1].text.split("\n") == [
        "Thanks, Rosa. I planted six varieties this year and only two survived the slugs.",
        "The cherry ones did best, as usual.",
    ]
    assert t.warnings == [] and t.notes == ""


def test_bare_timestamp_continues_previous_speaker(fixtures_dir):
    """`(MM:SS):` with no name is a new cue by the speaker before it."""
    t = read_transcript(fixtures_dir / "rev_continuation.txt")

    assert starts(t) == [0.0, 15.0, 31.0, 3602.0]
    assert speakers(t) == ["Tom Okafor", "Tom Okafor", "Rosa Delgado", "Rosa Delgado"]
    assert t.cues[1].text == "So I turn the heap once a week with a fork."


def test_speaker_and_text_on_the_same_line(fixtures_dir):
    """`Speaker (00:12): text`; a bare `(00:19): text` continues the speaker; a following
    line without a timestamp joins the cue."""
    t = read_transcript(fixtures_dir / "rev_same_line.txt")

    assert starts(t) == [12.0, 15.0, 19.0, 22.0]
    assert speakers(t) == ["Rosa Delgado", "Tom Okafor", "Tom Okafor", "Rosa Delgado"]
    assert [c.text for c in t.cues] == [
        "Do you water in the morning or the evening?",
        "Always in the morning, before work.",
        "Unless it rained overnight.",
        "Good habit. It saves water too.",
    ]


def test_bracketed_timestamp_then_speaker(fixtures_dir):
    """`[00:12] Speaker: text`; `[00:20] text` without a name continues the speaker."""
    t = read_transcript(fixtures_dir / "rev_bracket.txt")

    assert starts(t) == [12.0, 16.0, 20.0, 3605.0]
    assert speakers(t) == ["Rosa Delgado", "Tom Okafor", "Tom Okafor", "Rosa Delgado"]
    assert t.cues[0].text == "Where do you buy your seeds?"
    assert t.cues[2].text == "It happens every March."


def test_lines_before_the_first_timestamp_are_not_cues(fixtures_dir):
    """A title, 'Transcript' and a disclaimer above the first timestamp are dropped."""
    t = read_transcript(fixtures_dir / "header_lines.txt")

    assert [c.text for c in t.cues] == ["Hello and welcome.", "Hi everyone."]
    assert t.cues[0].start == 0.0 and t.cues[0].speaker == "Rosa Delgado"
    everything = " ".join(c.text for c in t.cues)
    for header in ("Dirt Under the Nails", "Episode 12", "Transcript", "volunteer"):
        assert header not in everything


def test_trailing_episode_info_becomes_notes(fixtures_dir):
    """An 'Episode Info' section after the last paragraph is not part of the last cue;
    it is kept as the transcript's notes."""
    t = read_transcript(fixtures_dir / "episode_info.txt")

    assert len(t.cues) == 2
    assert t.cues[-1].text == "Bye, and go weed something!"
    assert all("Episode Info" not in c.text and "fictional show" not in c.text for c in t.cues)
    assert t.notes.startswith("Dirt Under the Nails is a fictional show about gardening.")
    assert "Hosted by Rosa Delgado and Tom Okafor." in t.notes


def test_sixty_in_a_field_reads_as_the_next_minute_with_a_warning(fixtures_dir):
    """`(08:60)` is 09:00 and `(1:09:60)` is 1:10:00, each with a warning naming its line."""
    path = fixtures_dir / "overflow_seconds.txt"
    t = read_transcript(path)

    assert starts(t) == [510.0, 540.0, 4200.0]
    lines = path.read_text(encoding="utf-8").split("\n")
    expected_lines = [n for n, line in enumerate(lines, start=1) if ":60)" in line]
    assert [w.line for w in t.warnings] == expected_lines == [5, 9]
    for warning in t.warnings:
        assert warning.path == str(path)
        assert str(warning).startswith(f"{path}:{warning.line}: ")
    assert "08:60" in str(t.warnings[0]) and "00:09:00" in str(t.warnings[0])
    assert "1:09:60" in str(t.warnings[1]) and "01:10:00" in str(t.warnings[1])


@pytest.mark.parametrize("name", ["rev_speaker_lines.txt", "rev_same_line.txt",
                                  "rev_bracket.txt", "rev_continuation.txt"])
def test_forcing_rev_reads_the_same_as_detection(fixtures_dir, name):
    path = fixtures_dir / name
    assert read_transcript(path, "rev").cues == read_transcript(path).cues
