"""No transcript text is lost: speaker names with any characters, timestamp-like lines that
are not times, text before the first cue, and tags that are not the format's markup."""
from __future__ import annotations

from webapp.core import read_transcript, render


def test_speaker_names_with_brackets_quotes_colons_and_tags(fixtures_dir):
    t = read_transcript(fixtures_dir / "rev_hostile_names.txt")
    assert [(c.start, c.speaker) for c in t.cues] == [
        (0.0, "<i>Host</i> (Sam)"), (40.0, "Guest (remote)"), (72.0, "Jane Doe (Host)"),
        (122.0, 'Dr. A. "Ace" Smith'), (150.0, "Host: Sam [studio]"),
        (190.0, "Host: Sam [studio]")]
    assert t.cues[0].text == "Welcome to the show about names that break parsers."
    assert t.cues[1].text == "Thanks for having me, even over a bad line."
    assert t.cues[4].text.startswith("One more thing on the same line.")


def test_a_timestamp_line_that_is_not_a_time_is_a_warning_and_stays_as_text(fixtures_dir):
    path = fixtures_dir / "rev_hostile_names.txt"
    t = read_transcript(path)
    (warning,) = t.warnings
    assert warning.line == 19 and "(-00:05)" in str(warning) and str(warning).startswith(f"{path}:19:")
    assert "(-00:05):" in t.cues[4].text               # kept in the paragraph it stands in
    assert "This line above is not a time anyone can play." in t.cues[4].text


def test_text_before_the_first_cue_is_kept_as_notes_and_odd_times_warned(fixtures_dir):
    t = read_transcript(fixtures_dir / "rev_header_timestampish.txt")
    assert [c.text for c in t.cues] == ["Hello and welcome."]
    assert t.notes.startswith("The Garden Hour\nRecorded live (00:-3)")
    assert [w.line for w in t.warnings] == [2]
    everything = t.notes + " ".join(c.text for c in t.cues)
    assert "The Garden Hour" in everything


def test_header_lines_join_an_episode_info_section_in_the_notes(fixtures_dir):
    t = read_transcript(fixtures_dir / "header_lines.txt")
    assert t.notes.startswith("Dirt Under the Nails\nEpisode 12: Tomatoes\nTranscript")
    assert "typed by a volunteer" in t.notes


def test_unknown_vtt_tags_are_text_and_survive_every_export(fixtures_dir, validate_vtt):
    t = read_transcript(fixtures_dir / "vtt_unknown_tags.vtt")
    assert t.cues[0].speaker == "Rosa"
    assert t.cues[0].text == "we heard a <unk> sound & then <laughs>"
    assert t.cues[1].text == "Italic and bold, a class, lang, a timestamp, and 2 <3 hearts> 1"
    vtt = render(t, "vtt")
    assert "we heard a &lt;unk&gt; sound &amp; then &lt;laughs&gt;" in vtt
    assert validate_vtt(vtt)["errors"] == []
    for fmt in ("srt", "json", "txt"):
        assert "<unk>" in render(t, fmt) and "<laughs>" in render(t, fmt), fmt
    again = read_transcript_text(vtt, "vtt")
    assert again.cues[0].text == t.cues[0].text


def test_unknown_srt_tags_are_text_and_formatting_tags_are_not(fixtures_dir):
    t = read_transcript(fixtures_dir / "srt_unknown_tags.srt")
    assert t.cues[0].text == "we heard a <unk> sound & then <laughs>"
    assert t.cues[1].text == "red it top <crosstalk>"


def read_transcript_text(text, fmt):
    from webapp.core import parse_text

    return parse_text(text, fmt)
