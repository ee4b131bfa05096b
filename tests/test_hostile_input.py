"""Hostile and unlucky input: every case exits 0 or prints one clear line (exit 2), never a
traceback, and leaves nothing half-written: devices and pipes, huge files, deep JSON,
thousand-digit numbers, absurd times, two adds of one slug at once, a full or read-only
disk, and what a killed add leaves behind."""
from __future__ import annotations

import errno
import os
import subprocess
import sys
import threading

import pytest

from support import FIXTURES, REPO, ffmpeg, make_audio
from webapp import cli
from webapp.core.episodes import Library

GARDEN = FIXTURES / "garden_chat.txt"


def listenalong(*args, timeout=60):
    return subprocess.run([sys.executable, "-m", "webapp", *map(str, args)], capture_output=True,
                          text=True, cwd=REPO, timeout=timeout)


def one_line_error(proc) -> str:
    assert proc.returncode == 2, (proc.returncode, proc.stderr)
    assert proc.stderr.startswith("error: ") and proc.stderr.count("\n") == 1, proc.stderr
    assert "Traceback" not in proc.stderr
    return proc.stderr


@pytest.fixture(scope="module")
def mp3(tmp_path_factory):
    return make_audio(tmp_path_factory.mktemp("audio") / "garden.mp3", 40)


# ---- files that are not transcripts ---------------------------------------------------

@pytest.mark.parametrize("device", ["/dev/zero", "/dev/null", "/dev/urandom"])
def test_devices_are_refused_without_reading_them(device):
    assert "not a regular file" in one_line_error(listenalong("convert", device, timeout=20))


def test_a_named_pipe_is_refused_at_once(tmp_path):
    fifo = tmp_path / "pipe.txt"
    os.mkfifo(fifo)
    assert "not a regular file" in one_line_error(listenalong("convert", fifo, timeout=20))


def test_a_huge_file_is_refused_by_its_size(tmp_path):
    huge = tmp_path / "huge.txt"
    with open(huge, "wb") as handle:
        handle.truncate(60 * 2**20)   # sparse: costs no disk
    assert "over 50 MB" in one_line_error(listenalong("convert", huge))


# ---- JSON and times past any sense ----------------------------------------------------

@pytest.mark.parametrize("name,body", [
    ("deep", "[" * 100_000 + "]" * 100_000),
    ("deep-object", '{"segments": ' + '{"a": ' * 50_000 + "1" + "}" * 50_001),
    ("digits-400", '{"segments": [{"startTime": 1' + "0" * 400 + ', "endTime": 2, "body": "x"}]}'),
    ("digits-5000", '{"segments": [{"startTime": 1' + "0" * 5000 + ', "endTime": 2, "body": "x"}]}'),
    ("time-1e308", '{"segments": [{"startTime": 1e308, "endTime": 1e308, "body": "x"}]}'),
    ("whisper-1e308", '{"segments": [{"start": 0, "end": 1e308, "text": "x"}]}'),
    ("negative", '{"segments": [{"start": -1, "end": 2, "text": "x"}]}'),
])
def test_json_that_no_transcript_holds_is_one_line(tmp_path, name, body):
    path = tmp_path / f"{name}.json"
    path.write_text(body)
    one_line_error(listenalong("convert", path))


@pytest.mark.parametrize("value", ["1e308", "inf", "nan", "-5", "0", "3600001"])
def test_absurd_durations_are_one_line(value):
    assert "duration" in one_line_error(listenalong("convert", GARDEN, "--duration", value))


def test_a_long_but_real_duration_still_works():
    proc = listenalong("convert", GARDEN, "--duration", "3600000")
    assert proc.returncode == 0, proc.stderr


# ---- the library under bad luck -------------------------------------------------------

def test_two_adds_of_one_slug_at_once_give_one_episode_and_one_clear_error(tmp_path, mp3):
    media = tmp_path / "media"
    results = []

    def add():
        results.append(listenalong("add", GARDEN, "--audio", mp3, "--slug", "same",
                                   "--no-align", "--media", media))

    threads = [threading.Thread(target=add) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    codes = sorted(r.returncode for r in results)
    assert codes == [0, 2, 2, 2], [r.stderr for r in results]
    for loser in (r for r in results if r.returncode):
        assert "exists already" in one_line_error(loser)
    assert sorted(p.name for p in media.iterdir()) == ["same"]


@pytest.mark.parametrize("failure", [errno.ENOSPC, errno.EROFS, errno.EACCES])
def test_a_full_or_read_only_disk_is_one_line_and_leaves_nothing(tmp_path, mp3, monkeypatch,
                                                                  capsys, failure):
    from webapp.core.episodes import library as library_module

    def broken(*args, **kwargs):
        raise OSError(failure, os.strerror(failure))

    media = tmp_path / "media"
    media.mkdir()
    monkeypatch.setattr(library_module.shutil, "copyfile", broken)
    assert cli.main(["add", str(GARDEN), "--audio", str(mp3), "--media", str(media)]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: ") and err.count("\n") == 1 and os.strerror(failure) in err
    assert list(media.iterdir()) == []


def test_remove_on_a_read_only_library_is_one_line(tmp_path, mp3, monkeypatch, capsys):
    from webapp.core.episodes import library as library_module

    media = tmp_path / "media"
    Library(media).add(str(GARDEN), str(mp3), slug="garden")

    def read_only(*args, **kwargs):
        raise OSError(errno.EROFS, os.strerror(errno.EROFS))

    monkeypatch.setattr(library_module.tempfile, "mkdtemp", read_only)
    assert cli.main(["remove", "garden", "--media", str(media)]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: ") and "Read-only file system" in err and err.count("\n") == 1
    assert (media / "garden" / "episode.json").is_file()


def test_what_a_killed_add_left_is_swept_on_the_next_add(tmp_path, mp3):
    media = tmp_path / "media"
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"],
                          capture_output=True, text=True).stdout.strip()
    stale = media / f".adding-old-{dead}-abcd1234"
    stale.mkdir(parents=True)
    (stale / "audio.mp3").write_bytes(bytes(1000))
    mine = media / f".adding-busy-{os.getpid()}-abcd1234"   # a live process's: kept
    mine.mkdir()
    Library(media).add(str(GARDEN), str(mp3), slug="garden")
    assert not stale.exists() and mine.exists()


# ---- audio whose header promises more than it holds -----------------------------------

@pytest.fixture(scope="module")
def damaged_audio(tmp_path_factory):
    import struct

    folder = tmp_path_factory.mktemp("damaged-audio")
    long_mp3 = make_audio(folder / "long.mp3", 2000)
    data = long_mp3.read_bytes()
    (folder / "cut.mp3").write_bytes(data[:200])                   # a header and nothing else
    blank = bytearray(data)
    blank[len(data) // 4:] = bytes(len(data) - len(data) // 4)       # right size, no frames
    (folder / "blank-end.mp3").write_bytes(bytes(blank))
    subprocess.run([ffmpeg(), "-loglevel", "error", "-y", "-f", "lavfi", "-i",
                    "sine=d=10:sample_rate=8000", "-ac", "1", str(folder / "ten.wav")], check=True)
    wav = bytearray((folder / "ten.wav").read_bytes())
    at = wav.find(b"data")
    struct.pack_into("<I", wav, at + 4, 0xFFFFFFF0)                  # claims 74 hours
    struct.pack_into("<I", wav, 4, 0xFFFFFFF8)
    (folder / "liar.wav").write_bytes(bytes(wav))
    return folder


@pytest.mark.parametrize("name", ["cut.mp3", "blank-end.mp3", "liar.wav"])
def test_audio_shorter_than_its_header_says_is_refused(tmp_path, damaged_audio, name):
    media = tmp_path / "media"
    proc = listenalong("add", GARDEN, "--audio", damaged_audio / name, "--media", media)
    assert "damaged or cut off" in one_line_error(proc)
    assert not media.exists() or list(media.iterdir()) == []


def test_what_a_killed_add_left_is_swept_when_the_app_starts(tmp_path):
    from webapp import create_app

    media = tmp_path / "media"
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"],
                          capture_output=True, text=True).stdout.strip()
    stale = media / f".removing-gone-{dead}-abcd1234"
    stale.mkdir(parents=True)
    create_app({"TESTING": True, "MEDIA_DIR": str(media)})
    assert not stale.exists()


def test_losing_the_race_for_a_slug_is_one_clear_line(tmp_path, mp3, monkeypatch, capsys):
    """Another add creates the same episode between our check and our rename (as when two
    adds run at once): ours stops with the 'exists already' line, and leaves nothing."""
    from webapp.core.episodes import library as library_module

    media = tmp_path / "media"
    real = library_module.write_episode

    def and_meanwhile(folder, *args, **kwargs):
        real(folder, *args, **kwargs)
        real(media / "same", *args, **kwargs)          # the other add wins the rename

    monkeypatch.setattr(library_module, "write_episode", and_meanwhile)
    assert cli.main(["add", str(GARDEN), "--audio", str(mp3), "--slug", "same",
                     "--media", str(media)]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: ") and "exists already" in err and err.count("\n") == 1
    assert sorted(p.name for p in media.iterdir()) == ["same"]
