"""SRT and WebVTT input (issue 2): SRT with and without hours, `,` or `.` before the
milliseconds; WebVTT re-normalised (voice spans → speaker, entities unescaped, NOTE and
STYLE blocks skipped)."""
from __future__ import annotations

from webapp.core import read_transcript
from webapp.core.reading import detect

MULCH = [
    (1.0, 4.5, "Mulch keeps the moisture in."),
    (5.25, 9.0, "Straw works, or old leaves.\nBoth rot down by spring."),
    (3600.125, 3603.0, "That is the last word on mulch."),
]


def triples(transcript):
    return [(c.start, c.end, c.text) for c in transcript.cues]


def test_srt_with_hours_and_comma(fixtures_dir):
    path = fixtures_dir / "srt_hours_comma.srt"
    t = read_transcript(path)

    assert detect(path.read_text(encoding="utf-8")) == "srt"
    assert triples(t) == MULCH  # <i> dropped, both text lines kept, numbers not text
    assert all(c.speaker is None for c in t.cues)


def test_srt_without_hours_and_with_dot(fixtures_dir):
    """`MM:SS.mmm` timings; 60:00.125 is one hour (the first field may pass 59)."""
    path = fixtures_dir / "srt_no_hours_dot.srt"
    t = read_transcript(path)

    assert detect(path.read_text(encoding="utf-8")) == "srt"
    assert triples(t) == MULCH
    assert t.warnings == []


def test_webvtt_input_is_renormalised(fixtures_dir):
    path = fixtures_dir / "webvtt_input.vtt"
    t = read_transcript(path)

    assert detect(path.read_text(encoding="utf-8")) == "vtt"
    # NOTE and STYLE blocks are not cues; the identifier 'intro' and settings are dropped
    assert [(c.start, c.end) for c in t.cues] == [(0.0, 3.0), (3.0, 6.5), (7.0, 9.0)]
    assert [c.speaker for c in t.cues] == ["Rosa Delgado", "Tom Okafor", None]
    assert [c.text for c in t.cues] == [
        "Slugs & snails love lettuce.",       # &amp; unescaped, <i> and </v> dropped
        "Beer traps <really> work.",          # &lt; &gt; unescaped; <v.host Tom> has a class
        'No voice here, just "text" & a tag or two.',
    ]
    assert all("fictional editor" not in c.text and "::cue" not in c.text for c in t.cues)
