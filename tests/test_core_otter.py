"""Otter-style exports (issue 2): `Name  0:00` (two or more spaces) then the text lines."""
from __future__ import annotations

from webapp.core import parse_text, read_transcript
from webapp.core.reading import detect


def test_name_two_spaces_time_then_text_lines(fixtures_dir):
    path = fixtures_dir / "otter.txt"
    t = read_transcript(path)

    assert detect(path.read_text(encoding="utf-8")) == "otter"
    assert [c.start for c in t.cues] == [0.0, 9.0, 3723.0]
    assert [c.speaker for c in t.cues] == ["Rosa Delgado", "Tom Okafor", "Rosa Delgado"]
    # the lines of one paragraph are joined into one line of cue text
    assert t.cues[0].text == "Let's talk about raised beds. They warm up faster in spring."
    assert t.cues[1].text == "Mine are cedar, and they have lasted ten years."
    assert t.cues[2].text == "That is all for today."


def test_title_lines_and_otter_credit_are_notes_not_cues(fixtures_dir):
    t = read_transcript(fixtures_dir / "otter.txt")

    text = " ".join(c.text for c in t.cues)
    assert "episode 12" not in text and "Raised beds" not in text
    assert "otter.ai" not in text
    # no text is dropped: the title lines open the notes, the credit closes them
    assert t.notes == "Dirt Under the Nails, episode 12\nRaised beds\n\nTranscribed by https://otter.ai"


def test_one_space_before_the_time_is_not_an_otter_heading(fixtures_dir):
    """Only two or more spaces separate the name from the time (one space is prose)."""
    original = (fixtures_dir / "otter.txt").read_text(encoding="utf-8")
    squeezed = original.replace("Tom Okafor  0:09", "Tom Okafor 0:09")

    t = parse_text(squeezed, "otter")
    assert [c.speaker for c in t.cues] == ["Rosa Delgado", "Rosa Delgado"]
    assert "Tom Okafor 0:09" in t.cues[0].text
