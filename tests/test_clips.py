"""webapp.core.clips: MP3 clips of a range, decoded with input seeking, cached on disk."""
from __future__ import annotations

import contextlib
import os
import shutil
import subprocess

import pytest

from support import ffmpeg, make_audio, race
from webapp.core import clips


def decode(path, ffmpeg_path=None):
    """The clip as a pydub AudioSegment, decoded by ffmpeg (codec given: no ffprobe)."""
    from pydub import AudioSegment

    segment_class = type("TestSegment", (AudioSegment,), {"converter": ffmpeg_path or ffmpeg()})
    return segment_class.from_file(str(path), format="mp3", codec="mp3")


def onset_ms(segment, threshold_dbfs=-30.0, step=2) -> int:
    """Where sound first rises above ``threshold_dbfs`` (milliseconds), -1 if never."""
    for at in range(0, len(segment), step):
        if segment[at:at + step].dBFS > threshold_dbfs:
            return at
    return -1


@pytest.fixture(scope="module")
def tone(tmp_path_factory):
    return make_audio(tmp_path_factory.mktemp("tone") / "tone.mp3", 90, tone=True)


@pytest.fixture(scope="module")
def beep(tmp_path_factory):
    """Two minutes of silence with a half-second 1 kHz beep at exactly 75.000 s (CBR MP3)."""
    path = tmp_path_factory.mktemp("beep") / "beep.mp3"
    source = "aevalsrc=exprs='if(between(t,75,75.5),0.5*sin(2*PI*1000*t),0)':s=22050:d=120"
    subprocess.run([ffmpeg(), "-loglevel", "error", "-y", "-f", "lavfi", "-i", source,
                    "-ac", "1", "-b:a", "32k", "-codec:a", "libmp3lame", str(path)], check=True)
    return path


def test_clip_lasts_the_requested_range(tone, tmp_path):
    out = tmp_path / "clip.mp3"
    clips.cut(tone, 12.3, 21.8, out)
    segment = decode(out)
    assert abs(len(segment) - 9500) <= 100
    assert segment.dBFS > -40  # the tone is there, not silence


def test_clip_starts_exactly_where_asked(beep, tmp_path):
    """Input seeking must land on the right sample: the beep at 75 s is 2 s into 73–78."""
    out = tmp_path / "clip.mp3"
    clips.cut(beep, 73, 78, out)
    segment = decode(out)
    assert abs(len(segment) - 5000) <= 100
    assert abs(onset_ms(segment) - 2000) <= 15
    later = tmp_path / "later.mp3"
    clips.cut(beep, 74.75, 76, later)
    assert abs(onset_ms(decode(later)) - 250) <= 15


def test_clip_of_a_range_without_the_beep_is_silent(beep, tmp_path):
    out = tmp_path / "clip.mp3"
    clips.cut(beep, 10, 20, out)
    assert onset_ms(decode(out)) == -1


def test_cut_refuses_bad_ranges(tone, tmp_path):
    for start, end in [(10, 10), (20, 10), (-1, 5), (0, clips.MAX_SECONDS + 1)]:
        with pytest.raises(ValueError):
            clips.cut(tone, start, end, tmp_path / "x.mp3")
    assert not (tmp_path / "x.mp3").exists()


def test_audio_that_is_not_audio_is_clip_unavailable(tmp_path):
    fake = tmp_path / "audio.mp3"
    fake.write_bytes(b"this is not an mp3 file at all" * 100)
    with pytest.raises(clips.ClipUnavailable):
        clips.cut(fake, 1, 2, tmp_path / "out.mp3")


def test_imageio_ffmpeg_without_ffprobe_makes_a_correct_clip(tone, tmp_path, monkeypatch):
    """No ffmpeg or ffprobe on PATH: the imageio-ffmpeg binary is used, and pydub never
    asks for ffprobe (it would fail to start with this PATH)."""
    imageio_ffmpeg = pytest.importorskip("imageio_ffmpeg")
    system_ffmpeg = ffmpeg()
    empty = tmp_path / "empty-bin"
    empty.mkdir()
    monkeypatch.setenv("PATH", str(empty))
    assert shutil.which("ffmpeg") is None and shutil.which("ffprobe") is None
    assert clips.ffmpeg_exe() == imageio_ffmpeg.get_ffmpeg_exe()
    path = clips.get_clip(tmp_path / "cache", "tone", tone, 30, 34.5)
    monkeypatch.undo()
    segment = decode(path, system_ffmpeg)
    assert abs(len(segment) - 4500) <= 100
    assert segment.dBFS > -40


def test_no_ffmpeg_at_all_is_clip_unavailable(tmp_path, monkeypatch):
    monkeypatch.setenv("PATH", str(tmp_path))
    monkeypatch.setitem(__import__("sys").modules, "imageio_ffmpeg", None)  # not installed
    with pytest.raises(clips.ClipUnavailable, match="ffmpeg"):
        clips.ffmpeg_exe()


# ---- the cache ------------------------------------------------------------------------

def test_clips_are_cached_and_not_made_twice(tone, tmp_path, monkeypatch):
    cache = tmp_path / "cache"
    first = clips.get_clip(cache, "tone", tone, 5, 8)
    assert first.parent == cache and first.name.startswith("tone-5000-8000-")
    inode = first.stat().st_ino

    def no_encoding(*args, **kwargs):
        raise AssertionError("the cached clip should have been used")

    monkeypatch.setattr(clips, "cut", no_encoding)
    again = clips.get_clip(cache, "tone", tone, 5, 8)
    assert again == first and again.stat().st_ino == inode


def test_a_replaced_audio_file_makes_a_new_clip_and_drops_the_old(tone, tmp_path):
    audio = tmp_path / "audio.mp3"
    shutil.copyfile(tone, audio)
    cache = tmp_path / "cache"
    old = clips.get_clip(cache, "ep", audio, 5, 8)
    make_audio(audio, 30)  # a different (silent) file in its place
    new = clips.get_clip(cache, "ep", audio, 5, 8)
    assert new != old
    assert not old.exists()
    assert decode(new).dBFS < -60  # the silent audio, not the old tone


def test_simultaneous_requests_for_one_clip_encode_it_once(tone, tmp_path, monkeypatch):
    calls = []
    real_cut = clips.cut

    def counting_cut(*args, **kwargs):
        calls.append(1)
        return real_cut(*args, **kwargs)

    monkeypatch.setattr(clips, "cut", counting_cut)
    cache = tmp_path / "cache"
    results, errors = race(4, lambda: clips.get_clip(cache, "tone", tone, 40, 47))
    assert not errors
    assert len(set(results)) == 1 and len(calls) == 1
    assert abs(len(decode(results[0])) - 7000) <= 100
    assert [p.name for p in cache.iterdir()] == [results[0].name]


def test_racing_processes_never_leave_a_broken_clip(tone, tmp_path, monkeypatch):
    """Without the in-process lock (as between two worker processes) both encode; each
    writes its own temp file and renames it, so the clip is whole and no temp is left."""
    monkeypatch.setattr(clips, "_LOCKS", [contextlib.nullcontext()])
    cache = tmp_path / "cache"
    results, errors = race(3, lambda: clips.get_clip(cache, "tone", tone, 50, 56))
    assert not errors and len(set(results)) == 1
    assert abs(len(decode(results[0])) - 6000) <= 100
    assert sorted(p.name for p in cache.iterdir()) == [results[0].name]


def test_prune_keeps_the_newest_and_other_slugs_alone(tmp_path):
    cache = tmp_path / "cache"
    cache.mkdir()
    names = [f"ep-{i}000-{i + 1}000-{'a' * 12}.mp3" for i in range(6)]
    for age, name in enumerate(names):
        (cache / name).write_bytes(b"x")
        os.utime(cache / name, (1_000_000 + age, 1_000_000 + age))
    lookalike = cache / "ep-1000-2000-3000-bbbbbbbbbbbb.mp3"  # slug "ep-1000", not "ep"
    lookalike.write_bytes(b"x")
    keep = cache / f"ep-1000-2000-{'c' * 12}.mp3"  # a new version of ep 1000–2000
    keep.write_bytes(b"x")
    stale_temp = cache / ".tmp-abandoned.mp3"
    stale_temp.write_bytes(b"x")
    os.utime(stale_temp, (1_000_000, 1_000_000))
    clips.prune(cache, keep=keep, limit=5)
    left = sorted(p.name for p in cache.iterdir())
    assert keep.name in left and lookalike.name in left
    assert names[1] not in left  # the old version of the same range
    assert stale_temp.name not in left
    assert len(left) == 5
    assert names[0] not in left and names[5] in left  # least recently used went first
