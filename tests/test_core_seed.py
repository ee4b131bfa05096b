"""Acceptance test on the reference transcript in ../shared/seeds (skipped when absent):
a two-hour Rev-style episode with a header, four `:60` timestamps and an Episode Info
section at the end. The seed is read in place, never copied into the project."""
from __future__ import annotations

import pytest

from webapp.core import read_transcript, render


@pytest.fixture(scope="module")
def seed(seed_path):
    transcript = read_transcript(seed_path)
    return transcript, render(transcript, "vtt")


def test_cue_count(seed):
    transcript, _ = seed
    assert len(transcript.cues) == 198


def test_first_cue(seed):
    first = seed[0].cues[0]
    assert first.start == 0.0
    assert first.speaker == "Lex Fridman"


def test_first_cue_in_the_vtt(seed):
    _, vtt = seed
    block = vtt.split("\n\n")[1].split("\n")
    assert block[1].startswith("00:00:00.000 --> ")
    assert block[2].startswith("<v Lex Fridman>")


def test_the_08_60_paragraph_starts_at_nine_minutes(seed, seed_path):
    transcript, _ = seed
    lines = seed_path.read_text(encoding="utf-8").split("\n")
    at = next(i for i, line in enumerate(lines) if line.strip() == "(08:60):")
    paragraph = next(line.strip() for line in lines[at + 1:] if line.strip())

    cue = next(c for c in transcript.cues if c.text.startswith(paragraph))
    assert cue.start == 540.0
    assert "\n00:09:00.000 --> " in seed[1]


def test_last_cue(seed):
    transcript, vtt = seed
    last = transcript.cues[-1]
    assert last.start == 2 * 3600 + 5 * 60 + 1  # 02:05:01
    assert last.end > last.start
    assert vtt.split("\n\n")[-1].split("\n")[1].startswith("02:05:01.000 --> ")


def test_episode_info_is_not_in_any_cue(seed):
    transcript, vtt = seed
    assert all("Episode Info" not in c.text for c in transcript.cues)
    assert "Episode Info" not in vtt
    assert transcript.notes  # kept as the episode's notes instead


def test_header_lines_are_not_cues(seed, seed_path):
    transcript, _ = seed
    lines = seed_path.read_text(encoding="utf-8").split("\n")
    first_timestamp = next(i for i, line in enumerate(lines) if "(00:00):" in line)
    header = [line.strip() for line in lines[:first_timestamp] if line.strip()]
    assert header  # the seed does have a header
    text = "\n".join(c.text for c in transcript.cues)
    assert all(line not in text for line in header)


def test_four_warnings_for_the_four_60_timestamps(seed, seed_path):
    transcript, _ = seed
    lines = seed_path.read_text(encoding="utf-8").split("\n")
    sixties = [n for n, line in enumerate(lines, start=1) if ":60)" in line]
    assert len(sixties) == 4
    assert [w.line for w in transcript.warnings] == sixties
    assert all(":60" in str(w) and str(w).startswith(f"{seed_path}:") for w in transcript.warnings)


def test_starts_increase_and_cues_meet(seed):
    cues = seed[0].cues
    assert all(a.start < b.start and a.end == b.start for a, b in zip(cues, cues[1:]))


def test_w3c_validator_finds_no_errors(seed, validate_vtt):
    result = validate_vtt(seed[1])
    assert result["errors"] == []
    assert result["cues"] == 198


def test_round_trip_through_webvtt_py(seed, read_vtt_back):
    transcript, vtt = seed
    assert read_vtt_back(vtt) == [(round(c.start * 1000), round(c.end * 1000), c.speaker, c.text)
                                  for c in transcript.cues]
