"""Chapters (issue 13): every source, their checks, and where their headings go."""
from __future__ import annotations

import json

import pytest

from webapp.core import InputError
from webapp.core.chapters import (Chapter, chapter_at, chapters_from_notes, headings_at,
                                  read_chapters_text, settle, shown, to_chapters_json)


def test_podcasting_json_round_trips_with_toc_false_kept():
    text = json.dumps({"version": "1.2.0", "chapters": [
        {"startTime": 0, "title": " Intro "}, {"startTime": 61.5, "title": "Ads", "toc": False},
        {"startTime": 90, "title": "Main", "url": "https://e.org/x", "img": "javascript:alert(1)"}]})
    chapters = read_chapters_text(text)
    assert [(c.start, c.title, c.toc, c.url, c.img) for c in chapters] == [
        (0, "Intro", True, None, None), (61.5, "Ads", False, None, None),
        (90, "Main", True, "https://e.org/x", None)]
    assert [c.title for c in shown(chapters)] == ["Intro", "Main"]
    assert read_chapters_text(to_chapters_json(chapters)) == chapters


def test_webvtt_chapters():
    chapters = read_chapters_text("WEBVTT\n\n00:00.000 --> 01:00.000\nOpening\n\n"
                                  "01:00.000 --> 02:30.000\nThe <b>middle</b>\n")
    assert [(c.start, c.end, c.title) for c in chapters] == [(0, 60, "Opening"), (60, 150, "The middle")]


@pytest.mark.parametrize("text, says", [
    ('{"chapters": [{"title": "x"}]}', "chapter 1 has no valid time"),
    ('{"chapters": [{"startTime": "soon", "title": "x"}]}', "chapter 1 has no valid time"),
    ('{"chapters": {}}', 'no "chapters" list'),
    ('{"chapters": ["x"]}', "chapter 1 is not an object"),
    ("{nope", "not valid JSON"),
    ("Intro at zero", "not a chapters file"),
])
def test_bad_chapter_files_say_what_is_wrong(text, says):
    with pytest.raises(InputError) as caught:
        read_chapters_text(text)
    assert says in str(caught.value)


def test_a_timestamp_list_in_the_notes():
    notes = ("Great show.\n\nChapters\n0:00 – Introduction\n(12:34) Topic one\n"
             "- [1:02:03] The end: goodbye\nVisit 3:00 pm, maybe")
    assert [(c.start, c.title) for c in chapters_from_notes(notes)] == [
        (0, "Introduction"), (754, "Topic one"), (3723, "The end: goodbye")]
    # an outline run together on one line
    outline = "OUTLINE: Here's the timestamps: (00:00) – Introduction (05:04) – Metaverse (1:02:03) – AI"
    assert [(c.start, c.title) for c in chapters_from_notes(outline)] == [
        (0, "Introduction"), (304, "Metaverse"), (3723, "AI")]
    # one line is no list, and times out of order are not chapters
    assert chapters_from_notes("Call us at 0:30 for tips") == []
    assert chapters_from_notes("5:00 B\n1:00 A\n") == []


def test_chapters_past_the_end_are_left_out_with_a_warning():
    kept, warnings = settle([Chapter(90, "Late"), Chapter(0, "Start")], duration=60)
    assert [c.title for c in kept] == ["Start"]
    assert "starts at 00:01:30, after the audio's end" in str(warnings[0])


def test_headings_go_before_the_cue_a_chapter_starts_in_or_the_next_one():
    starts, ends = [0, 10, 20, 30], [10, 20, 30, 40]
    chapters = [Chapter(0, "A"), Chapter(12, "B"), Chapter(19, "C"), Chapter(25, "Hidden", toc=False),
                Chapter(99, "D")]
    placed = headings_at(chapters, starts, ends)
    assert {i: [c.title for c in found] for i, found in placed.items()} == {
        0: ["A"], 1: ["B"], 2: ["C"], 3: ["D"]}
    assert chapter_at(chapters, 18.9).title == "B" and chapter_at(chapters, 25).title == "C"


# ---- listenalong add: --chapters FILE, else ID3, else the notes ----------------------------------
def add(tmp_path, transcript, *more):
    import contextlib
    import io

    from support import make_audio
    from webapp.cli import main

    audio = tmp_path / "a.mp3"
    if not audio.exists():
        make_audio(audio, 80)
    err = io.StringIO()
    with contextlib.redirect_stderr(err), contextlib.redirect_stdout(io.StringIO()):
        code = main(["add", str(transcript), "--audio", str(audio), "--media", str(tmp_path / "m"),
                     "--no-align", *map(str, more)])
    return code, err.getvalue()


def test_add_takes_a_chapters_file(tmp_path, fixtures_dir):
    from webapp.core.episodes import Library

    chapters = tmp_path / "chapters.vtt"
    chapters.write_text("WEBVTT\n\n00:00.000 --> 00:30.000\nBeds\n\n00:30.000 --> 02:00.000\nCedar\n"
                        "\n01:30.000 --> 01:40.000\nPast the end\n")
    code, err = add(tmp_path, fixtures_dir / "feeds" / "3.html", "--chapters", chapters, "--slug", "x")
    assert code == 0, err
    assert "chapter 'Past the end' starts at 00:01:30, after the audio's end" in err
    assert [c.title for c in Library(tmp_path / "m").chapters("x")] == ["Beds", "Cedar"]


def test_add_finds_chapters_in_the_notes(tmp_path):
    from webapp.core.episodes import Library

    transcript = tmp_path / "t.txt"
    transcript.write_text("Ana (00:00):\n\nHello.\n\nBen (00:40):\n\nHi.\n\nEpisode Info\n\n"
                          "0:00 Hello\n0:40 Hi\n")
    assert add(tmp_path, transcript, "--slug", "y")[0] == 0
    assert [(c.start, c.title) for c in Library(tmp_path / "m").chapters("y")] == [(0, "Hello"), (40, "Hi")]


def test_a_bad_chapters_file_is_one_line_and_adds_nothing(tmp_path, fixtures_dir):
    bad = tmp_path / "c.json"
    bad.write_text('{"chapters": [{"title": "no time"}]}')
    code, err = add(tmp_path, fixtures_dir / "feeds" / "3.html", "--chapters", bad)
    assert code == 2
    assert err == f"error: {bad}: chapter 1 has no valid time (got 'None'); give seconds as a number\n"
    assert not (tmp_path / "m").exists() or list((tmp_path / "m").iterdir()) == []
