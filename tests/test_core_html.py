"""HTML transcripts (issue 13): Podcasting 2.0 ``text/html``, ``<cite>`` speaker,
``<time>`` start, ``<p>`` text."""
from __future__ import annotations

import pytest

from webapp.core import InputError, parse_text, read_transcript
from webapp.core.timecode import parse_duration as read_time
from webapp.core.reading import detect


def test_cite_time_and_paragraphs(fixtures_dir):
    path = fixtures_dir / "html_transcript.html"
    t = read_transcript(path)

    assert detect(path.read_text(encoding="utf-8")) == "html"
    assert [c.start for c in t.cues] == [0.0, 9.0, 3723.0]
    assert [c.speaker for c in t.cues] == ["Rosa Delgado", "Tom Okafor", "Rosa Delgado"]
    # markup inside a paragraph is kept as its text, entities decoded, lines joined
    assert t.cues[0].text == ("Let's talk about raised beds. They warm up faster in spring "
                              "& drain well.")
    # a <p> without a <time> of its own continues the paragraph before it
    assert t.cues[1].text == "Mine are cedar, and they have lasted ten years.\nTen <whole> years."
    assert "not a word" not in " ".join(c.text for c in t.cues)


def test_bare_fragment_without_cite_is_detected_and_read():
    text = "<time>0:05</time><p>One.</p>\n<time>0:10.5</time><p>Two.</p>"
    t = parse_text(text)
    assert [(c.start, c.speaker, c.text) for c in t.cues] == [(5.0, None, "One."),
                                                              (10.5, None, "Two.")]


@pytest.mark.parametrize("value, seconds", [("1:02:03", 3723.0), ("62:03.5", 3723.5),
                                            ("PT1H2M3S", 3723.0), ("PT9.25S", 9.25),
                                            ("PT2M", 120.0)])
def test_time_values(value, seconds):
    assert read_time(value) == seconds


def test_unreadable_time_is_a_warning_and_the_paragraph_joins_the_one_before():
    t = parse_text("<time>0:00</time><p>A.</p>\n<time>soon</time>\n<p>B.</p>", "html")
    assert [c.text for c in t.cues] == ["A.\nB."]
    assert "not a time we can read" in str(t.warnings[0]) and t.warnings[0].line == 2


@pytest.mark.parametrize("text, says", [
    ("<p>Hello</p>\n<p>world</p>", "before any <time>"),
    ("<html><body><h1>Nothing here</h1></body></html>", "no timed paragraphs"),
    ("<time>0:10</time><p>A</p>\n<time>0:05</time><p>B</p>", "goes back before"),
])
def test_bad_html_is_one_clear_error_with_a_line(text, says):
    with pytest.raises(InputError) as caught:
        parse_text(text, "html")
    assert says in str(caught.value)


def test_convert_reads_html(tmp_path, fixtures_dir):
    from webapp.cli import main

    out = tmp_path / "out.vtt"
    assert main(["convert", str(fixtures_dir / "html_transcript.html"), "-o", str(out)]) == 0
    assert "<v Tom Okafor>Mine are cedar" in out.read_text()
