"""JSON input (issue 2): Podcasting 2.0 `segments[].speaker/startTime/endTime/body`, with
word-level segments merged into cues at speaker changes and sentence ends, and Whisper
`segments[].start/end/text`."""
from __future__ import annotations

import pytest

from webapp.core import InputError, parse_text, read_transcript, render


def test_podcasting_words_merge_at_sentence_ends_and_speaker_changes(fixtures_dir):
    t = read_transcript(fixtures_dir / "podcasting_words.json")

    assert [(c.speaker, c.text) for c in t.cues] == [
        ("Rosa Delgado", "Do you prune roses?"),    # ends at '?'
        ("Rosa Delgado", "I never do"),             # no full stop, but the speaker changes
        ("Tom Okafor", "In February, always."),     # no space before ',' and '.'
    ]
    # a merged cue runs from its first word's start to its last word's end
    assert [(c.start, c.end) for c in t.cues] == [(0.0, 1.8), (2.0, 3.1), (3.5, 5.2)]


def test_whisper_segments(fixtures_dir):
    t = read_transcript(fixtures_dir / "whisper.json")

    assert [(c.start, c.end, c.text, c.speaker) for c in t.cues] == [
        (0.0, 3.2, "Seed potatoes go in around Easter.", None),
        (3.2, 6.8, "Chit them on a windowsill first.", None),
        (7.5, 9.04, "Then earth them up.", None),
    ]


def test_podcasting_output_reads_back_as_the_same_cues(fixtures_dir):
    """`--to json` is Podcasting 2.0 that this reader takes back unchanged."""
    original = read_transcript(fixtures_dir / "rev_speaker_lines.txt")
    again = parse_text(render(original, "json"))
    assert again.cues == original.cues


def test_bad_json_names_the_line(fixtures_dir):
    path = fixtures_dir / "bad_syntax.json"
    with pytest.raises(InputError) as caught:
        read_transcript(path)
    assert caught.value.path == str(path)
    assert caught.value.line == 5  # the second segment, after a missing comma
    assert str(caught.value).startswith(f"{path}:5: not valid JSON")


def test_blank_lines_inside_json_text_do_not_break_the_cue(fixtures_dir, read_vtt_back):
    """A blank line in a segment's text would end a WebVTT cue early; it is dropped, as is
    a line break inside a speaker name (it becomes a <v> annotation)."""
    t = read_transcript(fixtures_dir / "json_multiline_text.json")

    assert [c.text for c in t.cues] == ["Rows of beans.\nRows of peas.", "Then\nthe weeds."]
    assert t.cues[1].speaker == "Tom Okafor"
    back = read_vtt_back(render(t))
    assert [(voice, text) for _, _, voice, text in back] == [
        (None, "Rows of beans.\nRows of peas."), ("Tom Okafor", "Then\nthe weeds.")]


def test_a_segment_that_is_not_an_object_is_an_input_error(fixtures_dir):
    path = fixtures_dir / "json_not_object_segment.json"
    with pytest.raises(InputError) as caught:
        read_transcript(path)
    assert str(caught.value).startswith(f"{path}: segment 2 ")
