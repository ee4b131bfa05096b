"""The pieces each rule lives in: settings, the library's change hook, the search error
boundary, the atomic writer, the bounded cache, the security headers and oEmbed's URL
matching through the app's own URL map."""
from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from search_support import write_episode
from support import FIXTURES, REPO, make_audio
from webapp import create_app
from webapp.core import settings
from webapp.core.atomic import replacing, write_text
from webapp.core.bounded_cache import BoundedCache
from webapp.core.episodes import Library
from webapp.core.search import SearchIndex, SearchUnavailable


def listenalong(*args, env=None):
    return subprocess.run([sys.executable, "-m", "webapp", *map(str, args)], capture_output=True,
                          text=True, cwd=REPO, timeout=120, env={**os.environ, **(env or {})})


# ---- settings -------------------------------------------------------------------------

def test_settings_come_from_what_is_given_then_the_environment_then_the_default(tmp_path):
    env = {"LISTENALONG_MEDIA_DIR": str(tmp_path / "env"), "LISTENALONG_CLIP_CACHE_SIZE": "7"}
    values = settings.load({}, env)
    assert values["MEDIA_DIR"] == str(tmp_path / "env")
    assert values["CLIP_CACHE_DIR"] == str(tmp_path / "env" / ".cache" / "clips")  # follows it
    assert values["CLIP_CACHE_SIZE"] == 7
    assert values["SEARCH_SYNC_SECONDS"] == 10.0                                      # default
    given = settings.load({"MEDIA_DIR": str(tmp_path / "given"), "CLIP_CACHE_SIZE": None}, env)
    assert given["MEDIA_DIR"] == str(tmp_path / "given")
    assert given["CLIP_CACHE_SIZE"] == 7                           # None is "not given"
    assert settings.explain({}, {})["MEDIA_DIR"][1] == "default"


@pytest.mark.parametrize("name,raw", [("CLIP_CACHE_SIZE", "many"), ("CLIP_CACHE_SIZE", "0"),
                                      ("SEARCH_SYNC_SECONDS", "-1"), ("STATIC_MAX_AGE", "1e9x")])
def test_a_bad_environment_value_is_one_clear_error(name, raw):
    with pytest.raises(settings.SettingError, match=f"LISTENALONG_{name}="):
        settings.load({}, {f"LISTENALONG_{name}": raw})
    proc = listenalong("config", env={f"LISTENALONG_{name}": raw})
    assert proc.returncode == 2
    assert proc.stderr.startswith(f"error: LISTENALONG_{name}=") and proc.stderr.count("\n") == 1


def test_config_command_lists_every_setting_with_its_source(tmp_path):
    proc = listenalong("config", "--media", tmp_path, env={"LISTENALONG_STATIC_MAX_AGE": "60"})
    assert proc.returncode == 0, proc.stderr
    lines = {line.split(" = ")[0]: line for line in proc.stdout.splitlines()}
    assert sorted(lines) == sorted(s.name for s in settings.SETTINGS)
    assert lines["MEDIA_DIR"].startswith(f"MEDIA_DIR = {tmp_path}\t(given;")
    assert "(env; $LISTENALONG_STATIC_MAX_AGE)" in lines["STATIC_MAX_AGE"]
    assert "(default; $LISTENALONG_CLIP_CACHE_SIZE)" in lines["CLIP_CACHE_SIZE"]


def test_the_app_reads_its_knobs_from_the_settings(tmp_path, monkeypatch):
    monkeypatch.setenv("LISTENALONG_STATIC_MAX_AGE", "42")
    app = create_app({"TESTING": True, "MEDIA_DIR": str(tmp_path)})
    assert app.config["SEND_FILE_MAX_AGE_DEFAULT"] == 42
    assert app.config["CLIP_CACHE_DIR"] == str(tmp_path / ".cache" / "clips")
    assert app.extensions["search"].indexer.sync_interval == 10.0


# ---- the library tells whoever follows it ---------------------------------------------

def test_on_change_hears_every_add_and_remove(tmp_path):
    audio = make_audio(tmp_path / "a.mp3", 40)
    heard = []
    library = Library(tmp_path / "media", on_change=lambda slug, present: heard.append((slug, present)))
    library.add(str(FIXTURES / "garden_chat.txt"), str(audio), title="Garden", slug="garden")
    library.remove("garden")
    assert heard == [("garden", True), ("garden", False)]


def test_a_library_made_by_the_app_keeps_the_index_current(tmp_path):
    write_episode(tmp_path, "one", "One", ["first words"])
    app = create_app({"TESTING": True, "MEDIA_DIR": str(tmp_path)})
    SearchIndex(Library(tmp_path)).rebuild()
    app.extensions["library"].remove("one")
    assert SearchIndex(Library(tmp_path)).search("words") == []


# ---- one error from the search package ------------------------------------------------

def test_database_errors_come_out_as_search_unavailable(tmp_path):
    index = SearchIndex(Library(tmp_path))
    index.path.parent.mkdir()
    index.path.write_bytes(b"SQLite format 3\x00" + bytes(4000))   # a header, then garbage
    (index.path.parent / ".lock").mkdir()          # and it cannot be rebuilt here
    with pytest.raises(SearchUnavailable):
        index.search("words")
    with pytest.raises(sqlite3.Error):           # what a bare sqlite3 caller would have seen
        sqlite3.connect(index.path).execute("SELECT * FROM cues").fetchall()


def test_reindex_into_an_unwritable_index_is_one_line(tmp_path):
    write_episode(tmp_path, "one", "One", ["words"])
    (tmp_path / ".index").write_text("a file where the folder should be")
    proc = listenalong("reindex", "--media", tmp_path)
    assert proc.returncode == 2
    assert proc.stderr.startswith("error: ") and proc.stderr.count("\n") == 1
    assert "Traceback" not in proc.stderr


def test_add_and_remove_with_a_broken_index_warn_in_one_line_and_go_on(tmp_path):
    media = tmp_path / "media"
    write_episode(media, "one", "One", ["words"])
    SearchIndex(Library(media)).rebuild()
    (media / ".index" / ".lock").unlink()
    (media / ".index" / ".lock").mkdir()      # the writers' lock cannot be opened
    audio = make_audio(tmp_path / "a.mp3", 40)
    for args in [("add", FIXTURES / "garden_chat.txt", "--audio", audio, "--slug", "garden",
                  "--no-align"),
                 ("remove", "garden")]:
        proc = listenalong(*args, "--media", media)
        assert proc.returncode == 0, proc.stderr
        assert proc.stderr.startswith("warning: search index not updated (")
        assert proc.stderr.count("\n") == 1 and "Traceback" not in proc.stderr
    assert not (media / "garden").exists()


# ---- atomic writes and the bounded cache ----------------------------------------------

def test_replacing_leaves_the_old_file_when_the_writer_fails(tmp_path):
    target = tmp_path / "file.txt"
    write_text(target, "old")
    with pytest.raises(RuntimeError):
        with replacing(target) as tmp:
            tmp.write_text("half")
            raise RuntimeError("crash")
    assert target.read_text() == "old"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["file.txt"]
    with replacing(target, suffix=".txt", durable=True) as tmp:
        Path(tmp).write_text("new")
    assert target.read_text() == "new" and oct(target.stat().st_mode & 0o777) == "0o644"


def test_bounded_cache_keeps_the_most_recently_used():
    cache = BoundedCache(2)
    cache.put("a", 1)
    cache.put("b", 2)
    assert cache.get("a") == 1          # a is now the most recent
    cache.put("c", 3)
    assert list(cache) == ["a", "c"] and cache.get("b") is None and len(cache) == 2
    cache.pop("a")
    assert list(cache) == ["c"]


def test_the_library_keeps_a_bounded_number_of_transcripts(tmp_path, monkeypatch):
    from webapp.core.episodes import library as library_module

    monkeypatch.setattr(library_module, "CACHED_TRANSCRIPTS", 2)
    for slug in "abc":
        write_episode(tmp_path, slug, slug, ["words"])
    library = Library(tmp_path)
    for slug in "abc":
        library.transcript(slug)
    assert list(library._cache) == ["b", "c"]


# ---- headers and oEmbed ---------------------------------------------------------------

def test_only_the_embed_may_be_framed(tmp_path):
    write_episode(tmp_path, "one", "One", ["words"])
    client = create_app({"TESTING": True, "MEDIA_DIR": str(tmp_path)}).test_client()
    page = client.get("/episodes/one").headers["Content-Security-Policy"]
    embed = client.get("/episodes/one/embed").headers["Content-Security-Policy"]
    assert "frame-ancestors 'self'" in page and "unsafe-inline" not in page
    assert "frame-ancestors *" in embed
    assert page.replace("frame-ancestors 'self'", "") == embed.replace("frame-ancestors *", "")


@pytest.mark.parametrize("path,found", [("/episodes/one", True), ("/episodes/one/embed", True),
                                        ("/episodes/one/audio", False), ("/search", False),
                                        ("/episodes/one/transcript.vtt", False)])
def test_oembed_knows_episode_urls_by_the_apps_url_map(tmp_path, path, found):
    write_episode(tmp_path, "one", "One", ["words"])
    client = create_app({"TESTING": True, "MEDIA_DIR": str(tmp_path)}).test_client()
    response = client.get("/oembed", query_string={"url": f"http://localhost{path}"})
    assert response.status_code == (200 if found else 404)
