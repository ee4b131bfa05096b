"""`listenalong convert INPUT [-o OUT] [--to vtt|srt|json|txt] [--from FORMAT]
[--duration S]` (issue 2), run as a user would: `python -m webapp convert ...`.

Success exits 0. Bad input exits 2 with exactly one line on stderr, `error: FILE[:LINE]: ...`,
no traceback, and the output file is neither created nor touched (no temp files left)."""
from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import webvtt

OLD_TIME_NS = 1_600_000_000_000_000_000  # 2020-09-13, well before any test run


def convert(*args) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONIOENCODING": "utf-8"}
    return subprocess.run([sys.executable, "-m", "webapp", "convert", *map(str, args)],
                          capture_output=True, encoding="utf-8", env=env, timeout=120)


def ok(proc: subprocess.CompletedProcess) -> subprocess.CompletedProcess:
    assert proc.returncode == 0, proc.stderr
    return proc


# --- success ------------------------------------------------------------------------------

def test_vtt_on_stdout_by_default(fixtures_dir, validate_vtt):
    proc = ok(convert(fixtures_dir / "rev_speaker_lines.txt"))
    assert proc.stdout.startswith("WEBVTT\n")
    assert proc.stderr == ""
    result = validate_vtt(proc.stdout)
    assert result == {"errors": [], "cues": 3}


def test_output_file_gets_what_stdout_would(fixtures_dir, tmp_path):
    source = fixtures_dir / "rev_speaker_lines.txt"
    out = tmp_path / "episode.vtt"
    proc = ok(convert(source, "-o", out))

    assert proc.stdout == ""
    assert out.read_text(encoding="utf-8") == ok(convert(source)).stdout
    assert os.listdir(tmp_path) == ["episode.vtt"]  # no temp file left beside it
    captions = webvtt.read(str(out)).captions
    assert [c.voice for c in captions] == ["Rosa Delgado", "Tom Okafor", "Rosa Delgado"]


def test_output_file_replaces_an_old_one(fixtures_dir, tmp_path):
    out = tmp_path / "episode.vtt"
    out.write_text("old content\n", encoding="utf-8")
    ok(convert(fixtures_dir / "whisper.json", "-o", out))
    assert out.read_text(encoding="utf-8").startswith("WEBVTT\n")
    assert os.listdir(tmp_path) == ["episode.vtt"]


def test_to_srt(fixtures_dir, tmp_path):
    proc = ok(convert(fixtures_dir / "rev_bracket.txt", "--to", "srt"))
    first = proc.stdout.split("\n\n")[0].split("\n")
    assert first == ["1", "00:00:12,000 --> 00:00:16,000",
                     "Rosa Delgado: Where do you buy your seeds?"]
    srt = tmp_path / "out.srt"
    srt.write_text(proc.stdout, encoding="utf-8")
    captions = webvtt.from_srt(str(srt)).captions
    assert [(c.start, c.end) for c in captions] == [
        ("00:00:12.000", "00:00:16.000"), ("00:00:16.000", "00:00:20.000"),
        ("00:00:20.000", "01:00:05.000"), ("01:00:05.000", "01:00:07.400")]


def test_to_json_is_podcasting_2(fixtures_dir):
    proc = ok(convert(fixtures_dir / "rev_same_line.txt", "--to", "json"))
    data = json.loads(proc.stdout)
    assert isinstance(data["version"], str)
    assert data["segments"][0] == {"speaker": "Rosa Delgado", "startTime": 12.0,
                                   "endTime": 15.0,
                                   "body": "Do you water in the morning or the evening?"}
    assert [s["startTime"] for s in data["segments"]] == [12.0, 15.0, 19.0, 22.0]
    assert all(set(s) == {"speaker", "startTime", "endTime", "body"} for s in data["segments"])


def test_to_txt_is_timestamped_paragraphs(fixtures_dir):
    proc = ok(convert(fixtures_dir / "rev_continuation.txt", "--to", "txt"))
    assert proc.stdout.split("\n\n") == [
        "[00:00:00] Tom Okafor: Compost needs air more than anything else.",
        "[00:00:15] Tom Okafor: So I turn the heap once a week with a fork.",
        "[00:00:31] Rosa Delgado: Mine smells like a swamp.",
        "[01:00:02] Rosa Delgado: Add cardboard, then. Brown matter fixes most smells.\n",
    ]


def test_duration_sets_the_last_end(fixtures_dir):
    proc = ok(convert(fixtures_dir / "cue_ends.txt", "--duration", "30"))
    assert "00:00:05.000 --> 00:00:30.000" in proc.stdout


def test_from_names_the_input_format(fixtures_dir):
    proc = ok(convert(fixtures_dir / "srt_hours_comma.srt", "--from", "srt", "--to", "txt"))
    assert proc.stdout.startswith("[00:00:01] Mulch keeps the moisture in.")


def test_warnings_go_to_stderr_and_still_succeed(fixtures_dir):
    source = fixtures_dir / "overflow_seconds.txt"
    proc = ok(convert(source))
    lines = proc.stderr.splitlines()
    assert len(lines) == 2
    assert lines[0].startswith(f"warning: {source}:5: timestamp 08:60 ")
    assert lines[1].startswith(f"warning: {source}:9: timestamp 1:09:60 ")
    assert "\n00:09:00.000 --> " in proc.stdout


# --- bad input ----------------------------------------------------------------------------

def _missing(folder: Path) -> tuple[Path, list]:
    return folder / "no-such-episode.txt", []


def _empty(folder: Path):
    path = folder / "empty.txt"
    path.write_bytes(b"")
    return path, []


def _binary(folder: Path):
    path = folder / "cover.png"
    path.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 4)
    return path, []


def _fixture(name: str, *extra: str):
    def make(folder: Path):
        path = folder / name
        shutil.copy(Path(__file__).parent / "fixtures" / name, path)
        return path, list(extra)
    return make


BAD_INPUTS = {
    # name: (make(folder) -> (input path, extra args), line named in the error or None)
    "missing file": (_missing, None),
    "empty file": (_empty, None),
    "binary file": (_binary, None),
    "no timestamps": (_fixture("no_timestamps.txt"), None),
    "time going backwards": (_fixture("backwards.txt"), 9),
    "bad JSON": (_fixture("bad_syntax.json"), 5),
    "JSON segment not an object": (_fixture("json_not_object_segment.json"), None),
    "forced format that does not fit": (_fixture("otter.txt", "--from", "rev"), None),
    "unknown format": (_fixture("rev_speaker_lines.txt", "--from", "bogus"), None),
}
def _run_bad(tmp_path: Path, name: str, out: Path):
    make, line = BAD_INPUTS[name]
    folder = tmp_path / "in"
    folder.mkdir()
    source, extra = make(folder)
    return source, line, convert(source, *extra, "-o", out)


def _assert_one_line_error(proc, source: Path | None, line: int | None):
    assert proc.returncode == 2
    assert proc.stdout == ""
    assert "Traceback" not in proc.stderr
    lines = proc.stderr.splitlines()
    assert len(lines) == 1, proc.stderr
    if source is not None:
        where = f"error: {source}:{line}: " if line else f"error: {source}: "
        assert lines[0].startswith(where), lines[0]


@pytest.mark.parametrize("name", list(BAD_INPUTS))
def test_bad_input_is_one_line_exit_2_and_leaves_the_output_alone(tmp_path, name):
    out_dir = tmp_path / "out"
    out_dir.mkdir()
    out = out_dir / "episode.vtt"
    out.write_text("old content\n", encoding="utf-8")
    os.utime(out, ns=(OLD_TIME_NS, OLD_TIME_NS))

    source, line, proc = _run_bad(tmp_path, name, out)

    _assert_one_line_error(proc, source, line)
    assert out.read_text(encoding="utf-8") == "old content\n"
    assert out.stat().st_mtime_ns == OLD_TIME_NS
    assert os.listdir(out_dir) == ["episode.vtt"]


@pytest.mark.parametrize("name", list(BAD_INPUTS))
def test_bad_input_creates_no_output_file(tmp_path, name):
    out_dir = tmp_path / "out"
    out_dir.mkdir()
    _, _, proc = _run_bad(tmp_path, name, out_dir / "episode.vtt")
    _assert_one_line_error(proc, None, None)  # the wording is checked above
    assert os.listdir(out_dir) == []


def test_output_folder_that_does_not_exist_names_the_output(fixtures_dir, tmp_path):
    out = tmp_path / "no-such-folder" / "episode.vtt"
    proc = convert(fixtures_dir / "rev_speaker_lines.txt", "-o", out)
    _assert_one_line_error(proc, None, None)
    assert proc.stderr.startswith(f"error: {out}: ")
    assert not out.parent.exists()


def test_error_message_says_how_to_fix_it(tmp_path):
    """The one line names the file and gives a fix, not just 'invalid'."""
    proc = convert(tmp_path / "nope.txt")
    assert re.match(rf"^error: {re.escape(str(tmp_path / 'nope.txt'))}: .*check the path",
                    proc.stderr)
