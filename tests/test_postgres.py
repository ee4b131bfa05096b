"""PostgreSQL as the shared engine: the versioned schema (`db upgrade`), moving a SQLite
library in (`db import`), faults (an unreachable server, dropped connections, a restart),
and two app nodes (gunicorn) sharing one database and one media folder."""
from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
import threading
import time

import psycopg
import pytest

from nodes import Node, node_env
from pg_cluster import free_port
from search_support import write_episode
from support import REPO, ffmpeg, make_audio
from webapp import create_app
from webapp.core.episodes import Library
from webapp.core.search import SearchIndex, SearchUnavailable, pg_store


def listenalong(*args, env=None, **popen):
    return subprocess.run([sys.executable, "-m", "webapp", *args], capture_output=True,
                          text=True, cwd=REPO, timeout=180, env=env, **popen)


def one_line_error(proc) -> str:
    assert proc.returncode == 2, proc.stderr
    assert "Traceback" not in proc.stderr and len(proc.stderr.strip().splitlines()) == 1, \
        proc.stderr
    return proc.stderr.strip()


@pytest.fixture
def bare_database(pg_cluster):
    """A database with no schema at all."""
    url = pg_cluster.create_database(f"bare_{os.getpid()}_{time.monotonic_ns()}")
    yield url
    pg_store.close_pools(url)


@pytest.fixture(scope="module")
def audio(tmp_path_factory):
    return make_audio(tmp_path_factory.mktemp("audio") / "talk.mp3", 30, tone=True)


def transcript(folder, name: str, words: str):
    path = folder / f"{name}.vtt"
    path.write_text(f"WEBVTT\n\n00:00:00.000 --> 00:00:10.000\n{words}\n\n"
                    f"00:00:10.000 --> 00:00:20.000\nand then something else\n", "utf-8")
    return str(path)


# ---- the schema ------------------------------------------------------------------------

def test_db_upgrade_creates_the_schema_and_running_it_again_changes_nothing(bare_database):
    env = {**os.environ, "LISTENALONG_DATABASE_URL": bare_database}
    first = listenalong("db", "upgrade", env=env)
    assert first.returncode == 0, first.stderr
    assert "from version 0 to 2" in first.stdout
    again = listenalong("db", "upgrade", env=env)
    assert again.returncode == 0 and "up to date (version 2)" in again.stdout
    with psycopg.connect(bare_database) as db:
        assert db.execute("SELECT version FROM listenalong_schema ORDER BY version"
                          ).fetchall() == [(1,), (2,)]
        # the configuration: accents dropped, Porter stems, no stop words
        assert db.execute("SELECT to_tsvector('listenalong', 'The Cafés are building')"
                          ).fetchone()[0] == "'ar':3 'build':4 'cafe':2 'the':1"


def test_an_index_of_schema_1_is_upgraded_and_indexed_again(tmp_path, bare_database):
    """Version 2 (languages, segmented Chinese, Japanese and Korean, stemming by language)
    on a database that holds an index of version 1: every episode is indexed again."""
    write_episode(tmp_path, "deng", "灯塔", ["今天我们聊聊灯塔。", "Lighthouses and keepers."])
    with psycopg.connect(bare_database, autocommit=True) as db:   # as version 1 left it
        db.execute("CREATE TABLE listenalong_schema (version integer PRIMARY KEY, "
                   "applied timestamptz NOT NULL DEFAULT now())")
        db.execute(pg_store.MIGRATIONS[0][1])
        db.execute("INSERT INTO listenalong_schema (version) VALUES (1)")
        db.execute("INSERT INTO episodes (slug, title, signature, duration) VALUES "
                   "('deng', '灯塔', 'old', 20)")
        db.execute("CREATE TABLE cues_0 PARTITION OF cues FOR VALUES FROM (1) TO (25001)")
        db.execute("INSERT INTO cues (id, slug, title, idx, start, \"end\", text) VALUES "
                   "(1, 'deng', '灯塔', 0, 0, 10, '今天我们聊聊灯塔。')")
    assert pg_store.upgrade(bare_database) == (1, 2)
    index = SearchIndex(Library(tmp_path), url=bare_database)
    assert index.sync() == {"rebuilt": False, "updated": 1, "removed": 0}
    assert [(h.cue, h.snippet) for h in index.search("灯塔")] == [(0, "今天我们聊聊灯塔。")]
    assert [h.cue for h in index.search("lighthouse")] == [1]      # English: stemmed


def test_nodes_upgrading_at_once_apply_each_version_once(bare_database):
    procs = [subprocess.Popen([sys.executable, "-m", "webapp", "db", "upgrade", "--database",
                               bare_database], cwd=REPO, stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, text=True) for _ in range(4)]
    outputs = [p.communicate(timeout=120) for p in procs]
    assert [p.returncode for p in procs] == [0] * 4, outputs
    assert sum("from version 0 to 2" in out for out, _ in outputs) == 1
    with psycopg.connect(bare_database) as db:
        assert db.execute("SELECT count(*) FROM listenalong_schema").fetchone()[0] == 2


def test_without_the_schema_search_says_to_run_db_upgrade(tmp_path, bare_database):
    write_episode(tmp_path, "one", "One", ["some words"])
    with pytest.raises(SearchUnavailable, match="run 'listenalong db upgrade'"):
        SearchIndex(Library(tmp_path), url=bare_database).search("words")
    client = create_app({"TESTING": True, "MEDIA_DIR": str(tmp_path),
                         "DATABASE_URL": bare_database}).test_client()
    assert client.get("/api/search?q=words").status_code == 503


def test_db_import_moves_a_sqlite_library_into_postgresql(tmp_path, bare_database):
    write_episode(tmp_path, "one", "One", [(0, 5, "Ana", "The café opens early"), "more words"],
                  added="2024-01-01T00:00:00+00:00")
    write_episode(tmp_path, "two", "Two", [(0, 7, "Bo", "Building a café")],
                  added="2024-02-01T00:00:00+00:00")
    sqlite = SearchIndex(Library(tmp_path), url="")
    sqlite.rebuild()
    proc = listenalong("db", "import", "--media", str(tmp_path), "--database", bare_database)
    assert proc.returncode == 0, proc.stderr
    assert proc.stderr.strip().endswith("imported 2 episodes, 3 cues into "
                                        f"{pg_store.shown(bare_database)}")
    postgres = SearchIndex(Library(tmp_path), url=bare_database)
    for query in ("cafe", "build", "words", '"cafe opens"'):
        assert [(h.episode, h.cue) for h in postgres.search(query)] == \
            [(h.episode, h.cue) for h in sqlite.search(query)]
    assert [(e["slug"], e["duration"], e["speakers"], e["cues"], e["aligned"])
            for e in postgres.catalogue()] == [("two", 7.0, ["Bo"], 1, False),
                                               ("one", 20.0, ["Ana"], 2, False)]


def test_config_shows_the_database_without_its_password():
    env = {**os.environ, "LISTENALONG_DATABASE_URL": "postgresql://app:s3cret@db.internal:5433/shows"}
    proc = listenalong("config", env=env)
    assert proc.returncode == 0, proc.stderr
    assert "DATABASE_URL = postgresql://app@db.internal:5433/shows\t(env;" in proc.stdout
    assert "s3cret" not in proc.stdout


# ---- faults ----------------------------------------------------------------------------

def test_an_unreachable_database_is_one_line_and_exit_2_for_the_cli(tmp_path, audio):
    env = {**os.environ, "LISTENALONG_DATABASE_URL":
           f"postgresql://nobody@127.0.0.1:{free_port()}/listenalong"}
    for args in (["db", "upgrade"], ["db", "import", "--media", str(tmp_path)],
                 ["reindex", "--media", str(tmp_path)],
                 ["add", transcript(tmp_path, "t", "hello"), "--audio", str(audio),
                  "--media", str(tmp_path / "m")]):
        line = one_line_error(listenalong(*args, env=env))
        assert line.startswith("error: cannot reach the database postgresql://nobody@127.0.0.1:")
        assert "Connection refused" in line and "LISTENALONG_DATABASE_URL" in line
    assert not (tmp_path / "m").exists()          # nothing was added


def test_an_unreachable_database_is_a_503_page_for_the_web(tmp_path, monkeypatch):
    monkeypatch.setattr(pg_store, "POOL_TIMEOUT", 1.0)
    write_episode(tmp_path, "one", "One", ["some words"])
    url = f"postgresql://nobody@127.0.0.1:{free_port()}/listenalong"
    client = create_app({"TESTING": True, "MEDIA_DIR": str(tmp_path),
                         "DATABASE_URL": url}).test_client()
    page = client.get("/search?q=words")
    assert page.status_code == 503
    assert "Search is not available right now" in page.get_data(as_text=True)
    assert client.get("/api/search?q=words").status_code == 503
    assert client.get("/episodes/one").status_code == 200     # episodes play from the folder
    pg_store.close_pools(url)


def search_statuses(client, stop: threading.Event, seen: list) -> None:
    while not stop.is_set():
        seen.append(client.get("/api/search?q=words").status_code)


def test_dropped_connections_fail_cleanly_and_the_next_request_reconnects(
        tmp_path, pg_cluster, pg_database):
    for n in range(3):
        write_episode(tmp_path, f"ep-{n}", f"Episode {n}", [f"words of episode {n}"] * 20)
    client = create_app({"TESTING": True, "MEDIA_DIR": str(tmp_path),
                         "DATABASE_URL": pg_database}).test_client()
    assert client.get("/api/search?q=words").status_code == 200
    # every connection of ours killed by the server: the next request reconnects
    with psycopg.connect(pg_cluster.url(), autocommit=True) as admin:
        killed = admin.execute("SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
                               "WHERE application_name = 'listenalong'").fetchone()[0]
    assert killed >= 1
    assert client.get("/api/search?q=words").status_code == 200
    # the server restarted while searches run: each fails cleanly (503) or answers
    stop, seen = threading.Event(), []
    searcher = threading.Thread(target=search_statuses, args=(client, stop, seen))
    searcher.start()
    try:
        time.sleep(0.3)
        pg_cluster.restart()
        time.sleep(0.5)
    finally:
        stop.set()
        searcher.join(timeout=60)
    assert set(seen) <= {200, 503} and seen.count(200) >= 2, seen
    response = client.get("/api/search?q=words")
    assert response.status_code == 200 and len(response.get_json()["results"]) == 20


# ---- two nodes, one library ------------------------------------------------------------

@pytest.fixture
def shared(tmp_path, pg_database):
    """One media folder, one database, and two nodes (A and B) serving them; ffmpeg on the
    nodes' PATH logs each call (to count clip encodes)."""
    media = tmp_path / "media"
    media.mkdir()
    tools = tmp_path / "bin"
    tools.mkdir()
    calls = tmp_path / "ffmpeg-calls.log"
    (tools / "ffmpeg").write_text(textwrap.dedent(f"""\
        #!/bin/sh
        echo "$*" >> {calls}
        exec {ffmpeg()} "$@"
        """))
    (tools / "ffmpeg").chmod(0o755)
    path = f"{tools}{os.pathsep}{os.environ.get('PATH', '')}"
    with Node(media, pg_database, PATH=path) as a, Node(media, pg_database, PATH=path) as b:
        yield {"media": media, "url": pg_database, "a": a, "b": b, "calls": calls}


def add_on(node: Node, *args, wait=True):
    """``listenalong add`` run on ``node``'s machine (its environment)."""
    command = [sys.executable, "-m", "webapp", "add", *args, "--no-align"]   # silent audio
    proc = subprocess.Popen(command, cwd=REPO, env=node.env, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)
    return proc.communicate(timeout=180) + (proc.returncode,) if wait else proc


def test_an_add_on_one_node_is_searchable_and_playable_on_the_other_at_once(
        shared, tmp_path, audio):
    a, b = shared["a"], shared["b"]
    assert b.search("zebra") == []
    out, err, code = add_on(a, transcript(tmp_path, "z", "a zebra crossing"), "--audio",
                            str(audio), "--slug", "zebra", "--title", "Zebra")
    assert code == 0, err
    (hit,) = b.search("zebra")                  # no sync interval to wait for
    assert hit["episode"] == "zebra" and hit["url"].startswith("/episodes/zebra")
    status, headers, body = b.get("/episodes/zebra/audio", {"Range": "bytes=0-99"})
    assert status == 206 and len(body) == 100 and headers["Content-Type"] == "audio/mpeg"
    assert b.get("/episodes/zebra")[0] == 200
    assert "Zebra" in b.get("/")[2].decode()


def test_concurrent_adds_on_two_nodes_lose_nothing_and_one_slug_wins_once(
        shared, tmp_path, audio):
    a, b = shared["a"], shared["b"]
    words = ["apple", "banana", "cherry", "damson", "elder", "fig", "grape", "hazel"]
    procs = [add_on(node, transcript(tmp_path, w, f"the {w} orchard"), "--audio", str(audio),
                    "--slug", w, wait=False)
             for w, node in zip(words, [a, b] * 4)]
    results = [p.communicate(timeout=180) for p in procs]
    assert [p.returncode for p in procs] == [0] * len(words), results
    for node in (a, b):
        assert {h["episode"] for h in node.search("orchard")} == set(words)
    index = SearchIndex(Library(shared["media"]), url=shared["url"])
    assert sorted(e["slug"] for e in index.catalogue()) == sorted(words)

    rivals = [add_on(node, transcript(tmp_path, f"same-{n}", f"rival{n} version"), "--audio",
                     str(audio), "--slug", "same", wait=False) for n, node in enumerate((a, b))]
    results = [p.communicate(timeout=180) for p in rivals]
    codes = sorted(p.returncode for p in rivals)
    assert codes == [0, 2], results
    loser = results[[p.returncode for p in rivals].index(2)][1].strip()
    assert loser == ("error: an episode called 'same' exists already; choose another --slug, "
                     "or 'listenalong remove same' first")
    assert [e["slug"] for e in index.catalogue()].count("same") == 1
    found = [len(a.search(f"rival{n}")) for n in range(2)]
    assert sorted(found) == [0, 1]
    assert len(b.search("version")) == 1


def test_the_same_clip_asked_of_both_nodes_at_once_is_encoded_once(shared, tmp_path, audio):
    a, b = shared["a"], shared["b"]
    out, err, code = add_on(a, transcript(tmp_path, "c", "a clip of this"), "--audio",
                            str(audio), "--slug", "clip")
    assert code == 0, err
    shared["calls"].write_text("")
    barrier, answers = threading.Barrier(4), []

    def ask(node):
        barrier.wait()
        answers.append(node.get("/episodes/clip/clip.mp3?t=2,12"))

    askers = [threading.Thread(target=ask, args=(node,)) for node in (a, b, a, b)]
    for thread in askers:
        thread.start()
    for thread in askers:
        thread.join(timeout=120)
    assert [status for status, _, _ in answers] == [200] * 4
    assert len({body for _, _, body in answers}) == 1
    encodes = [c for c in shared["calls"].read_text().splitlines() if "pipe:0" in c]
    assert len(encodes) == 1, encodes


def test_catalogue_rows_carry_what_the_folders_say(shared, tmp_path, audio):
    out, err, code = add_on(shared["a"], transcript(tmp_path, "k", "Ana: hello there"),
                            "--audio", str(audio), "--slug", "kept", "--title", "Kept")
    assert code == 0, err
    index = SearchIndex(Library(shared["media"]), url=shared["url"])
    (row,) = index.catalogue()
    episode = Library(shared["media"]).get("kept")
    assert (row["slug"], row["title"], row["duration"], row["cues"], row["added"]) == \
        ("kept", "Kept", episode.duration, episode.cues, episode.added)
    assert json.loads(json.dumps(row["speakers"])) == episode.speakers
