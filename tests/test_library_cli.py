"""`listenalong add / list / remove` and the library folders they keep."""
from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from support import FIXTURES, REPO, ffmpeg, make_audio
from webapp.core import InputError
from webapp.core.episodes import Library

pytestmark = pytest.mark.usefixtures("engine")   # every test on SQLite and on PostgreSQL

GARDEN = FIXTURES / "garden_chat.txt"


def run(*args, media, **settings):
    """The CLI; ``add`` without word timing, as these tests' audio is silence (add refuses
    to align audio that does not hold the words: tests/test_alignment.py); ``settings``
    (PORT=…) as LISTENALONG_ variables."""
    env = {key: value for key, value in os.environ.items()
           if key not in ("LISTENALONG_PORT", "LISTENALONG_PUBLIC_URL")}
    env.update({"LISTENALONG_MEDIA_DIR": str(media)},
               **{f"LISTENALONG_{name}": str(value) for name, value in settings.items()})
    extra = ["--no-align"] if args and args[0] == "add" else []
    return subprocess.run([sys.executable, "-m", "webapp", *map(str, args), *extra],
                          capture_output=True, text=True, env=env, cwd=REPO)


def leftovers(media):
    return [p.name for p in media.iterdir() if p.name.startswith(".")] if media.exists() else []


@pytest.fixture
def mp3(tmp_path):
    return make_audio(tmp_path / "garden.mp3", 40)


def test_add_builds_the_episode_folder_and_prints_its_url(tmp_path, mp3):
    media = tmp_path / "media"
    result = run("add", GARDEN, "--audio", mp3, "--title", "Garden Hour: Compost", media=media)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "http://127.0.0.1:5000/episodes/garden-hour-compost"
    folder = media / "garden-hour-compost"
    assert sorted(p.name for p in folder.iterdir()) == [
        "audio.mp3", "episode.json", "original.txt", "transcript.vtt"]
    episode = json.loads((folder / "episode.json").read_text())
    assert episode["title"] == "Garden Hour: Compost"
    on_port = run("add", GARDEN, "--audio", mp3, "--slug", "p", media=media, PORT=8123)
    assert on_port.stdout.strip() == "http://127.0.0.1:8123/episodes/p"
    public = run("add", GARDEN, "--audio", mp3, "--slug", "q", media=media,
                 PUBLIC_URL="https://listen.example.org/")
    assert public.stdout.strip() == "https://listen.example.org/episodes/q"
    bad = run("add", GARDEN, "--audio", mp3, "--slug", "r", media=media, PORT=99999)
    assert bad.returncode == 2 and "PORT" in bad.stderr and "65535" in bad.stderr
    assert not (media / "r").exists()
    assert episode["speakers"] == ["Ana Ruiz", "Ben Okafor"]
    assert 40 <= episode["duration"] < 40.5
    assert episode["cues"] == 5
    # the lines before the first timestamp open the notes (no text is dropped)
    assert episode["notes"].startswith("Garden Hour\nTranscript\n\nGarden Hour is made by Ana & Ben.")
    assert (folder / "original.txt").read_bytes() == GARDEN.read_bytes()
    assert (folder / "audio.mp3").read_bytes() == mp3.read_bytes()
    assert (folder / "transcript.vtt").read_text().startswith("WEBVTT")
    assert leftovers(media) == []


@pytest.mark.parametrize("ext, codec", [("wav", "pcm_s16le"), ("m4a", "aac"), ("ogg", "libvorbis"),
                                        ("opus", "libopus")])
def test_add_reads_the_duration_of_common_audio_types(tmp_path, ext, codec):
    audio = tmp_path / f"a.{ext}"
    subprocess.run([ffmpeg(), "-loglevel", "error", "-f", "lavfi", "-i",
                    "anullsrc=r=48000:cl=mono:d=37", "-c:a", codec, str(audio)], check=True)
    episode, _ = Library(tmp_path / "media").add(str(GARDEN), str(audio), slug=f"g-{ext}")
    assert 36.9 <= episode.duration <= 37.2
    assert episode.audio == f"audio.{ext}"


def test_unreadable_audio_is_one_line_and_leaves_nothing(tmp_path):
    fake = tmp_path / "fake.mp3"
    fake.write_text("this is not audio at all\n" * 50)
    media = tmp_path / "media"
    result = run("add", GARDEN, "--audio", fake, media=media)
    assert result.returncode == 2
    assert result.stderr.count("\n") == 1 and result.stderr.startswith(f"error: {fake}: ")
    assert "cannot read this audio" in result.stderr
    assert not media.exists() or list(media.iterdir()) == []


@pytest.mark.parametrize("name", ["notes.pdf", "missing.mp3"])
def test_unsupported_or_missing_audio(tmp_path, name):
    audio = tmp_path / name
    if name.endswith(".pdf"):
        audio.write_bytes(b"%PDF-1.4")
    result = run("add", GARDEN, "--audio", audio, media=tmp_path / "media")
    assert result.returncode == 2
    assert result.stderr.startswith(f"error: {audio}: ") and result.stderr.count("\n") == 1


def test_bad_transcript_leaves_no_half_episode(tmp_path, mp3):
    bad = tmp_path / "bad.txt"
    bad.write_text("Ana (00:10):\n\nhello\n\nBen (00:05):\n\nbackwards\n")
    media = tmp_path / "media"
    result = run("add", bad, "--audio", mp3, media=media)
    assert result.returncode == 2
    assert result.stderr.startswith(f"error: {bad}:5: ")
    assert not media.exists() or list(media.iterdir()) == []


def test_transcript_longer_than_the_audio_is_refused(tmp_path):
    short = make_audio(tmp_path / "short.mp3", 20)
    result = run("add", GARDEN, "--audio", short, media=tmp_path / "media")
    assert result.returncode == 2
    assert "the audio lasts 00:00:20 but the last cue starts at 00:00:31" in result.stderr


def test_a_crash_while_building_leaves_nothing(tmp_path, mp3, monkeypatch):
    import webapp.core.episodes.files as library_module

    def explode(*args, **kwargs):
        raise OSError("disk full")

    monkeypatch.setattr(library_module, "to_vtt", explode)
    media = tmp_path / "media"
    with pytest.raises(InputError, match="disk full"):   # one clear line (issue 10), not a traceback
        Library(media).add(str(GARDEN), str(mp3), slug="garden")
    assert list(media.iterdir()) == []


def test_slug_clash_and_bad_slugs(tmp_path, mp3):
    media = tmp_path / "media"
    assert run("add", GARDEN, "--audio", mp3, "--slug", "garden", media=media).returncode == 0
    again = run("add", GARDEN, "--audio", mp3, "--slug", "garden", media=media)
    assert again.returncode == 2 and "exists already" in again.stderr
    bad = run("add", GARDEN, "--audio", mp3, "--slug", "../etc", media=media)
    assert bad.returncode == 2 and "lower-case letters" in bad.stderr
    assert sorted(p.name for p in media.iterdir()) == ["garden"]


def test_list_and_remove(tmp_path, mp3):
    media = tmp_path / "media"
    empty = run("list", media=media)
    assert empty.returncode == 0 and empty.stdout == "" and "no episodes yet" in empty.stderr
    run("add", GARDEN, "--audio", mp3, "--slug", "garden", "--title", "Garden", media=media)
    listing = run("list", media=media)
    assert listing.stdout == "garden\t00:00:40\t5 cues\tGarden\n"
    removed = run("remove", "garden", media=media)
    assert removed.returncode == 0 and "removed garden" in removed.stdout
    assert list(media.iterdir()) == []
    missing = run("remove", "garden", media=media)
    assert missing.returncode == 2 and missing.stderr.startswith("error: no episode called 'garden'")


def test_library_ignores_folders_that_are_not_episodes(tmp_path, mp3):
    media = tmp_path / "media"
    Library(media).add(str(GARDEN), str(mp3), slug="garden")
    (media / "stray").mkdir()
    (media / ".adding-x-123").mkdir()
    assert [e.slug for e in Library(media).episodes()] == ["garden"]
    with pytest.raises(InputError):
        Library(media).remove("stray")
