"""WebVTT output (issue 2): `&`, `<`, `>` escaped, the speaker as `<v Name>`, unique cue
ids, HH:MM:SS.mmm times; zero errors from the W3C validator ('subtitles' mode); and a
round trip through webvtt-py gives back the cues' times, text and speakers."""
from __future__ import annotations

import re

import pytest

from webapp.core import read_transcript, render

GOOD_FIXTURES = [
    "rev_speaker_lines.txt", "rev_continuation.txt", "rev_same_line.txt", "rev_bracket.txt",
    "otter.txt", "srt_hours_comma.srt", "srt_no_hours_dot.srt", "srt_odd_ends.srt",
    "webvtt_input.vtt", "podcasting_words.json", "whisper.json", "header_lines.txt",
    "episode_info.txt", "overflow_seconds.txt", "cue_ends.txt", "encoding_source.txt",
    "escaping.txt", "json_multiline_text.json",
]
TIMING_LINE = re.compile(r"^(\d{2}:\d{2}:\d{2}\.\d{3}) --> (\d{2}:\d{2}:\d{2}\.\d{3})$")


def blocks(vtt: str) -> list[list[str]]:
    return [block.split("\n") for block in vtt.strip("\n").split("\n\n")]


@pytest.fixture(scope="module")
def escaping(fixtures_dir):
    transcript = read_transcript(fixtures_dir / "escaping.txt")
    return transcript, render(transcript, "vtt")


def test_ampersand_and_angle_brackets_are_escaped(escaping):
    transcript, vtt = escaping
    assert transcript.cues[0].text.count("<") == 1  # the fixture really has them raw
    payloads = [block[2] for block in blocks(vtt)[1:]]
    assert payloads == [
        "<v Rosa &amp; Tom>Compost &lt; 3 weeks old is hot &amp; smelly; keep it &gt; 50 °C. "
        "Seedlings --&gt; pots.",
        "<v Tom Okafor>&lt;b&gt;Bold&lt;/b&gt; claims need proof, and &amp;amp; or &amp;lt; "
        "stay as typed.",
    ]
    assert "-->" not in "".join(payloads)


def test_speaker_is_a_voice_span(fixtures_dir):
    vtt = render(read_transcript(fixtures_dir / "rev_continuation.txt"))
    payloads = [block[2] for block in blocks(vtt)[1:]]
    assert [p.split(">", 1)[0] + ">" for p in payloads] == [
        "<v Tom Okafor>", "<v Tom Okafor>", "<v Rosa Delgado>", "<v Rosa Delgado>"]


def test_cue_without_speaker_has_no_voice_span(fixtures_dir):
    vtt = render(read_transcript(fixtures_dir / "whisper.json"))
    assert "<v" not in vtt


@pytest.mark.parametrize("name", GOOD_FIXTURES)
def test_layout_ids_and_times(fixtures_dir, name):
    """WEBVTT header, then blocks of: unique id, HH:MM:SS.mmm timing line, text."""
    transcript = read_transcript(fixtures_dir / name)
    vtt = render(transcript)
    header, *cues = blocks(vtt)

    assert header == ["WEBVTT"]
    assert vtt.endswith("\n") and not vtt.endswith("\n\n")
    assert len(cues) == len(transcript.cues)
    ids = [block[0] for block in cues]
    assert len(set(ids)) == len(ids)
    assert all(i and "-->" not in i for i in ids)
    for block in cues:
        assert TIMING_LINE.match(block[1]), block[1]
        assert len(block) >= 3 and all(line.strip() for line in block[2:])


def test_hours_are_written_even_when_zero_and_milliseconds_always(fixtures_dir):
    vtt = render(read_transcript(fixtures_dir / "srt_no_hours_dot.srt"))
    timings = [b[1] for b in blocks(vtt)[1:]]
    assert timings == ["00:00:01.000 --> 00:00:04.500", "00:00:05.250 --> 00:00:09.000",
                       "01:00:00.125 --> 01:00:03.000"]


@pytest.mark.parametrize("name", GOOD_FIXTURES)
def test_w3c_validator_finds_no_errors(fixtures_dir, validate_vtt, name):
    transcript = read_transcript(fixtures_dir / name)
    result = validate_vtt(render(transcript))
    assert result["errors"] == []
    assert result["cues"] == len(transcript.cues)


def test_the_validator_does_catch_errors(validate_vtt):
    """Guard against a validator that accepts anything."""
    result = validate_vtt("WEBVTT\n\n00:00:02.000 --> 00:00:01.000\nsalt & pepper\n")
    messages = [e["message"] for e in result["errors"]]
    assert "End timestamp is not greater than start timestamp." in messages
    assert "Incorrect escape." in messages


@pytest.mark.parametrize("name", GOOD_FIXTURES)
def test_round_trip_through_webvtt_py(fixtures_dir, read_vtt_back, name):
    """After html.unescape, webvtt-py reads back our times, text, and speaker as voice."""
    transcript = read_transcript(fixtures_dir / name)
    back = read_vtt_back(render(transcript))
    assert back == [(round(c.start * 1000), round(c.end * 1000), c.speaker, c.text)
                    for c in transcript.cues]


def test_cues_built_in_code_still_give_valid_vtt(validate_vtt, read_vtt_back):
    """The writer never lets a blank line or a bare CR end a cue early, and keeps a voice
    annotation on one line, whatever the Cue objects hold."""
    from webapp.core import Cue, Transcript

    transcript = Transcript(cues=[
        Cue(start=0.0, end=1.5, text="Rows of beans.\n\nRows of peas.\n", speaker="Rosa"),
        Cue(start=1.5, end=3.0, text="Carriage\rreturn\r\n\r\nand CRLF", speaker="Tom\n Okafor"),
        Cue(start=3.0, end=4.0, text="x --> y", speaker="A > B"),
    ])
    vtt = render(transcript)

    assert validate_vtt(vtt) == {"errors": [], "cues": 3}
    assert read_vtt_back(vtt) == [
        (0, 1500, "Rosa", "Rows of beans.\nRows of peas."),
        (1500, 3000, "Tom Okafor", "Carriage\nreturn\nand CRLF"),
        (3000, 4000, "A > B", "x --> y"),
    ]
