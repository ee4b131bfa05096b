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
