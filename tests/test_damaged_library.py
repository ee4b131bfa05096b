"""One damaged file takes down no more than its own episode: a bad episode.json is listed
as unavailable (and logged) while the rest work; a damaged transcript.vtt is made again
from the original, or the episode is a clear "unavailable" page (404), never a 500."""
from __future__ import annotations

import json
import logging
import subprocess
import sys

import pytest

from search_support import write_episode
from support import REPO
from webapp import create_app


@pytest.fixture
def media(tmp_path):
    write_episode(tmp_path, "good", "Good one", ["all is well here"])
    write_episode(tmp_path, "bad", "Bad one", ["this one will break"])
    return tmp_path


def patch_json(media, folder, **changes):
    path = media / folder / "episode.json"
    data = json.loads(path.read_text())
    data.update(changes)
    path.write_text(json.dumps(data))


def client_for(media):
    return create_app({"TESTING": True, "MEDIA_DIR": str(media)}).test_client()


@pytest.mark.parametrize("changes", [{"duration": None}, {"duration": "long"}, {"added": None},
                                     {"duration": -1}, {"speakers": "Ana"}, {"title": 7},
                                     {"audio": "../../etc/passwd"}, {"slug": "other"}])
def test_a_bad_episode_json_is_listed_unavailable_and_the_rest_work(media, changes, caplog):
    patch_json(media, "bad", **changes)
    client = client_for(media)
    with caplog.at_level(logging.WARNING):
        index = client.get("/")
    assert index.status_code == 200
    html = index.get_data(as_text=True)
    assert "Good one" in html and "unavailable: episode.json" in html
    assert any("bad" in r.getMessage() and "unavailable" in r.getMessage() for r in caplog.records)
    page = client.get("/episodes/bad")
    assert page.status_code == 404 and "can&#39;t be shown right now" in page.get_data(as_text=True)
    assert client.get("/episodes/good").status_code == 200
    assert client.get("/episodes/bad/transcript.txt").status_code == 404


@pytest.mark.parametrize("body", [b"", b"\x00\x01 not json", b"[1, 2]", b"{" * 5000])
def test_an_unreadable_episode_json_is_unavailable_too(media, body):
    (media / "bad" / "episode.json").write_bytes(body)
    client = client_for(media)
    assert client.get("/").status_code == 200
    assert client.get("/episodes/bad").status_code == 404


def test_list_shows_a_broken_episode_on_one_line(media):
    patch_json(media, "bad", duration=None)
    proc = subprocess.run([sys.executable, "-m", "webapp", "list", "--media", str(media)],
                          capture_output=True, text=True, cwd=REPO, timeout=60)
    assert proc.returncode == 0, proc.stderr
    lines = proc.stdout.splitlines()
    assert lines[0].startswith("good\t") and lines[1].startswith("bad\tunavailable: ")


def test_titles_with_newlines_and_terminal_escapes_stay_on_one_line_in_list(media):
    patch_json(media, "good", title="Two\nlines \x1b[2J\x1b[31mred\x07")
    proc = subprocess.run([sys.executable, "-m", "webapp", "list", "--media", str(media)],
                          capture_output=True, text=True, cwd=REPO, timeout=60)
    assert "\x1b" not in proc.stdout and "\x07" not in proc.stdout
    assert len(proc.stdout.splitlines()) == 2


@pytest.mark.parametrize("damage", [b"", b"WEBVTT\n\nnot a timing line\nhello\n", b"\xff\xfe\x00garbage"])
def test_a_damaged_vtt_is_made_again_from_the_original(tmp_path, damage):
    (tmp_path / "ep").mkdir()
    (tmp_path / "ep" / "original.txt").write_text("Ana (00:00):\n\nHello there.\n\nBen (00:05):\n\nHi.\n")
    write_episode(tmp_path, "ep", "Ep", ["placeholder"])
    data = json.loads((tmp_path / "ep" / "episode.json").read_text())
    data.update(transcript="original.txt", duration=30)
    (tmp_path / "ep" / "episode.json").write_text(json.dumps(data))
    (tmp_path / "ep" / "original.txt").write_text("Ana (00:00):\n\nHello there.\n\nBen (00:05):\n\nHi.\n")
    (tmp_path / "ep" / "transcript.vtt").write_bytes(damage)
    client = client_for(tmp_path)
    page = client.get("/episodes/ep")
    assert page.status_code == 200 and "Hello there." in page.get_data(as_text=True)
    assert (tmp_path / "ep" / "transcript.vtt").read_text().startswith("WEBVTT")
    for fmt in ("vtt", "srt", "json", "txt"):
        assert client.get(f"/episodes/ep/transcript.{fmt}").status_code == 200
    assert client.get("/episodes/ep/embed").status_code == 200


def test_a_damaged_vtt_without_a_usable_original_is_a_clear_unavailable_page(media):
    (media / "bad" / "transcript.vtt").write_bytes(b"")
    (media / "bad" / "original.vtt").write_bytes(b"nothing useful")
    client = client_for(media)
    for url in ("/episodes/bad", "/episodes/bad/embed", "/episodes/bad/transcript.json",
                "/episodes/bad/transcript.vtt", "/episodes/bad/transcript.txt"):
        response = client.get(url)
        assert response.status_code == 404, url
        assert "transcript cannot be read" in response.get_data(as_text=True)
        assert str(media) not in response.get_data(as_text=True)     # no paths shown
    assert client.get("/episodes/good").status_code == 200
