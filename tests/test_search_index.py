"""The library's search index: ranking, stemming, accents, and its lifecycle (reindex,
add/remove keeping it current, rebuilt when missing, atomic rebuilds)."""
from __future__ import annotations

import os
import sqlite3
import subprocess
import sys

import pytest

from search_support import write_episode
from support import FIXTURES, REPO, make_audio
from webapp.core.episodes import Library
from webapp.core.search import (HIT_END, HIT_START, MAX_LIMIT, SearchIndex, index_path,
                                snippet_parts)
from webapp.core.search import pg_ranking, ranking, store
from webapp.core.search.indexer import Indexer

pytestmark = pytest.mark.usefixtures("engine")   # every test on SQLite and on PostgreSQL


def build(root, **episodes) -> SearchIndex:
    for slug, cues in episodes.items():
        write_episode(root, slug, f"Title of {slug}", cues)
    index = SearchIndex(Library(root))
    index.rebuild()
    return index


def texts(hits):
    return [h.snippet for h in hits]


# ---- ranking -----------------------------------------------------------------------------

def test_words_side_by_side_outrank_scattered_ones_and_all_words_are_needed(tmp_path):
    index = build(tmp_path, talk=[
        "The source of the trouble was that nobody could open the door.",
        "An open door policy helps.",
        "We love open source software.",
        "Source code.",
    ])
    hits = index.search("open source")
    assert [h.cue for h in hits] == [2, 0]      # the exact pair first, then the scattered one


def test_a_cue_with_every_word_outranks_one_with_a_single_word(tmp_path):
    index = build(tmp_path, talk=[
        "Privacy matters to everyone, and it always will, whatever people say.",
        "The new privacy policy is out.",
        "A policy of silence.",
    ])
    hits = index.search("privacy policy")
    assert [h.cue for h in hits] == [1]
    assert [h.cue for h in index.search("privacy")][0] == 1   # shorter cue: higher bm25
    assert len(index.search("privacy")) == 2


def test_bm25_prefers_more_mentions(tmp_path):
    index = build(tmp_path, talk=[
        "We talked about the weather, the garden, the news, and one robot.",
        "Robots, robots, robots: a robot for every home.",
    ])
    assert [h.cue for h in index.search("robot")] == [1, 0]


def test_a_minus_word_leaves_out_the_cues_holding_it(tmp_path):
    index = build(tmp_path, talk=["Crypto and bitcoin.", "Crypto and ether.", "Crypto crypto."])
    assert {h.cue for h in index.search("crypto -bitcoin")} == {1, 2}
    assert {h.cue for h in index.search("crypto and -bitcoin")} == {1}   # side by side first
    assert [h.cue for h in index.search("crypto and -ether")] == [0]
    assert index.search("-crypto") == []


def test_stemming_finds_other_forms(tmp_path):
    index = build(tmp_path, talk=["They were building a new studio.", "Builds fail.",
                                  "A builder came.", "Nothing here."])
    assert sorted(h.cue for h in index.search("build")) == [0, 1]
    assert sorted(h.cue for h in index.search("buildings")) == [0, 1]
    assert sorted(h.cue for h in index.search("build*")) == [0, 1, 2]


def test_accents_and_case_are_ignored_both_ways(tmp_path):
    index = build(tmp_path, talk=["We met at the café.", "NAÏVE questions.", "A cafe crawl."])
    assert sorted(h.cue for h in index.search("cafe")) == [0, 2]
    assert sorted(h.cue for h in index.search("CAFÉ")) == [0, 2]
    assert [h.cue for h in index.search("naive")] == [1]


def test_curly_and_straight_apostrophes_alike(tmp_path):
    index = build(tmp_path, talk=["I don’t know.", "I don't care.", "Do not."])
    assert sorted(h.cue for h in index.search("don't")) == [0, 1]
    assert sorted(h.cue for h in index.search("don’t")) == [0, 1]


def test_ties_go_by_start_time_then_slug(tmp_path):
    same = "Exactly the same words."
    index = build(tmp_path,
                  b=[(30.0, 35.0, None, same), (50.0, 55.0, None, "Other talk.")],
                  a=[(40.0, 45.0, None, same), (60.0, 65.0, None, same)],
                  c=[(30.0, 36.0, None, same)])
    hits = index.search("same words")
    assert len({h.score for h in hits}) == 1
    assert [(h.start, h.episode) for h in hits] == [(30.0, "b"), (30.0, "c"), (40.0, "a"),
                                                    (60.0, "a")]
    assert [(h.start, h.episode) for h in index.search("same words", limit=2)] == \
        [(30.0, "b"), (30.0, "c")]


def test_only_the_newest_candidates_are_ranked_past_the_cap(tmp_path, monkeypatch):
    write_episode(tmp_path, "b-old", "Old", ["Robot robot robot.", "Robot."],
                  added="2023-01-01T00:00:00+00:00")
    write_episode(tmp_path, "a-new", "New", ["A robot.", "Robot!"],
                  added="2024-06-01T00:00:00+00:00")
    index = SearchIndex(Library(tmp_path))
    index.rebuild()
    assert index.search("robot")[0].episode == "b-old"        # best bm25, all ranked
    monkeypatch.setattr(ranking, "RANK_CANDIDATES", 2)
    assert {h.episode for h in index.search("robot")} == {"a-new"}


def test_an_index_in_many_shards_finds_what_one_shard_finds(tmp_path, monkeypatch):
    talks = {f"ep-{n}": [f"common words {n}", f"rare{n} and common", "other text",
                         "common common common"] for n in range(6)}
    every = [f"ep-{n}" for n in range(6)]
    expected = {"common": {(e, cue) for e in every for cue in (0, 1, 3)},
                "rare3": {("ep-3", 1)}, "other text": {(e, 2) for e in every},
                "words -ep": {(e, 0) for e in every}}
    monkeypatch.setattr(store, "SHARD", 3)              # 24 cues: eight shards
    monkeypatch.setattr(pg_ranking, "FIRST_IDS", 2)     # (PostgreSQL: the newest ids first)
    index = build(tmp_path, **talks)
    for query, cues in expected.items():
        assert {(h.episode, h.cue) for h in index.search(query, limit=100)} == cues
    assert {h.cue for h in index.search("common", episode="ep-4", limit=100)} == {0, 1, 3}
    write_episode(tmp_path, "late", "Late", ["common again", "rare3 late"])
    index.update("late")                                # a new shard, and its triggers
    assert {h.episode for h in index.search("rare3")} == {"ep-3", "late"}
    index.discard("ep-3")
    assert {h.episode for h in index.search("rare3")} == {"late"}
    monkeypatch.setattr(ranking, "RANK_CANDIDATES", 4)  # the newest four matches, over shards
    assert {(h.episode, h.cue) for h in index.search("common", limit=100)} == \
        {("late", 0), ("ep-5", 0), ("ep-5", 1), ("ep-5", 3)}


def test_postgresql_reads_as_many_partitions_as_the_matches_so_far_call_for(monkeypatch):
    monkeypatch.setattr(store, "SHARD", 1000)
    assert pg_ranking.window_size(100, 0, 2500, 40) == 40    # nothing yet: all the rest
    assert pg_ranking.window_size(100, 400, 1000, 40) == 1   # 0.4 a cue id: one is plenty
    assert pg_ranking.window_size(300, 200, 2000, 40) == 4   # 3.75 partitions' worth
    assert pg_ranking.window_size(500, 10, 2500, 40) == 40   # more than the largest window
    assert pg_ranking.window_size(100, 400, 1000, 0) == 0


def test_episode_filter_and_limit(tmp_path):
    index = build(tmp_path, one=["word"] * 150, two=["word here"] * 3)
    assert len(index.search("word")) == 20
    assert len(index.search("word", limit=1000)) == MAX_LIMIT
    assert len(index.search("word", limit=0)) == 1
    assert {h.episode for h in index.search("word", episode="two", limit=100)} == {"two"}
    assert len(index.search("word", episode="two", limit=100)) == 3
    assert index.search("word", episode="nope") == []


def test_hits_carry_what_a_result_needs(tmp_path):
    write_episode(tmp_path, "cafe", "At the café", [
        (0.0, 5.5, "Ines", "Hello there."),
        (5.5, 9.25, "Tomás", "The café <b>opens</b> at nine & closes at five."),
    ])
    index = SearchIndex(Library(tmp_path))
    index.rebuild()
    (hit,) = index.search("cafe")
    assert (hit.episode, hit.title, hit.cue, hit.start, hit.end, hit.speaker) == \
        ("cafe", "At the café", 1, 5.5, 9.25, "Tomás")
    assert hit.snippet == "The café <b>opens</b> at nine & closes at five."
    assert [hit.snippet[a:b] for a, b in hit.highlights] == ["café"]
    assert hit.parts[1] == ("café", True)


def test_long_cues_get_a_snippet_around_the_match(tmp_path):
    words = " ".join(f"filler{n}" for n in range(200))
    index = build(tmp_path, talk=[f"{words} needle {words}"])
    (hit,) = index.search("needle")
    assert len(hit.snippet) < 400 and "needle" in hit.snippet
    assert hit.snippet.startswith("…") and hit.snippet.endswith("…")


def test_snippet_sentinels_in_the_transcript_cannot_fake_marks(tmp_path):
    index = build(tmp_path, talk=[f"odd {HIT_START}text{HIT_END} with a marker word"])
    (hit,) = index.search("marker")
    assert [hit.snippet[a:b] for a, b in hit.highlights] == ["marker"]
    assert HIT_START not in hit.snippet and HIT_END not in hit.snippet


def test_snippet_parts_drop_unbalanced_sentinels():
    assert snippet_parts(f"a{HIT_START}b{HIT_END}c") == [("a", False), ("b", True), ("c", False)]
    assert snippet_parts(f"a{HIT_END}b{HIT_START}c") == [("ab", False), ("c", True)]
    assert snippet_parts(f"{HIT_START}{HIT_START}x{HIT_END}{HIT_END}") == [("x", True)]


def test_nothing_searchable_is_no_results(tmp_path):
    index = build(tmp_path, talk=["Anything at all."])
    for typed in ['"', "*", "(", "", "NOT", "AND (", "col:x", "\x00"]:
        assert index.search(typed) == []


# ---- lifecycle ---------------------------------------------------------------------------

def test_rebuild_indexes_every_episode_folder_and_ignores_the_rest(tmp_path, engine):
    write_episode(tmp_path, "one", "One", ["alpha words"])
    write_episode(tmp_path, "two", "Two", ["beta words", "alpha again"])
    (tmp_path / "not-an-episode").mkdir()
    (tmp_path / ".adding-x").mkdir()
    broken = write_episode(tmp_path, "broken", "Broken", ["gamma"])
    (broken / "transcript.vtt").write_text("this is not a transcript", "utf-8")
    index = SearchIndex(Library(tmp_path))
    stats = index.rebuild()
    assert stats == {"episodes": 2, "cues": 3, "skipped": ["broken"]}
    assert {h.episode for h in index.search("alpha")} == {"one", "two"}
    if engine == "postgres":
        assert index.path is None and not (tmp_path / ".index").exists()
        return
    assert index.path == tmp_path / ".index" / "search.sqlite"
    db = sqlite3.connect(index.path)
    assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    db.close()


def test_a_failed_rebuild_leaves_the_old_index_whole(tmp_path, monkeypatch, engine):
    index = build(tmp_path, one=["first words"], two=["second words"])
    sqlite = engine == "sqlite"
    inode = index.path.stat().st_ino if sqlite else None
    write_episode(tmp_path, "three", "Three", ["third words"])
    calls = []

    def crash(self, slug):
        calls.append(slug)
        if len(calls) == 2:
            raise KeyboardInterrupt("power cut")
        return real(self, slug)

    real = Indexer.episode_rows
    monkeypatch.setattr(Indexer, "episode_rows", crash)
    with pytest.raises(KeyboardInterrupt):
        index.rebuild()
    monkeypatch.undo()
    assert not sqlite or index.path.stat().st_ino == inode
    assert index.is_valid()
    assert {h.episode for h in index.search("words")} == {"one", "two"}
    assert not sqlite or not [p for p in index.path.parent.iterdir()
                              if p.name.startswith(".building-")]
    index.rebuild()
    assert not sqlite or index.path.stat().st_ino != inode   # a new file, renamed into place
    assert {h.episode for h in index.search("words")} == {"one", "two", "three"}


@pytest.mark.sqlite_only
def test_a_reader_keeps_working_while_the_index_is_replaced(tmp_path):
    index = build(tmp_path, one=["stable words"])
    reader = sqlite3.connect(index.path)
    reader.execute("BEGIN")
    before = reader.execute("SELECT count(*) FROM cues").fetchone()[0]
    write_episode(tmp_path, "two", "Two", ["more words"])
    index.rebuild()
    assert reader.execute("SELECT count(*) FROM cues").fetchone()[0] == before
    reader.close()
    assert len(index.search("words")) == 2


def test_sync_catches_up_with_changed_added_and_removed_folders(tmp_path):
    index = build(tmp_path, one=["old text"], two=["other text"])
    folder = write_episode(tmp_path, "one", "One", ["brand new text"])
    os.utime(folder / "transcript.vtt", ns=(1, 10**18))     # a different mtime, surely
    write_episode(tmp_path, "three", "Three", ["third text"])
    import shutil
    shutil.rmtree(tmp_path / "two")
    assert index.sync() == {"rebuilt": False, "updated": 2, "removed": 1}
    assert [h.episode for h in index.search("brand new")] == ["one"]
    assert index.search("old") == []
    assert {h.episode for h in index.search("text")} == {"one", "three"}
    assert index.sync() == {"rebuilt": False, "updated": 0, "removed": 0}


def test_sync_compares_folders_read_before_its_lock_again_under_it(tmp_path, monkeypatch):
    from webapp.core.search import indexer

    index = build(tmp_path, one=["old text"], two=["other text"])
    before = indexer.signatures_on_disk(tmp_path)
    write_episode(tmp_path, "three", "Three", ["third text"])
    index.update("three")                  # added by another writer during the slow read
    monkeypatch.setattr(indexer, "signatures_on_disk", lambda root, pause=0.0: dict(before))
    assert index.sync() == {"rebuilt": False, "updated": 0, "removed": 0}
    assert {h.episode for h in index.search("text")} == {"one", "two", "three"}
    monkeypatch.undo()
    before = indexer.signatures_on_disk(tmp_path)
    before["four"] = "1:1"                 # read, then removed before the lock was taken
    monkeypatch.setattr(indexer, "signatures_on_disk", lambda root, pause=0.0: dict(before))
    assert index.sync() == {"rebuilt": False, "updated": 0, "removed": 0}
    assert {h.episode for h in index.search("text")} == {"one", "two", "three"}


def test_a_paced_comparison_pauses_between_steps(tmp_path, monkeypatch):
    from webapp.core.search import indexer

    for n in range(5):
        write_episode(tmp_path, f"ep-{n}", "Title", ["words"])
    pauses = []
    monkeypatch.setattr(indexer, "PACE", 2)
    monkeypatch.setattr(indexer.time, "sleep", pauses.append)
    assert len(indexer.signatures_on_disk(tmp_path, pause=0.5)) == 5
    assert pauses == [0.5, 0.5]
    assert len(indexer.signatures_on_disk(tmp_path)) == 5 and len(pauses) == 2


@pytest.mark.sqlite_only
def test_missing_or_corrupt_index_is_rebuilt_on_ensure(tmp_path):
    index = build(tmp_path, one=["some words"])
    index.path.unlink()
    assert index.search("words") == []            # search alone never builds
    index.ensure()
    assert len(index.search("words")) == 1
    index.path.write_bytes(b"this is not a database" * 100)
    assert not index.is_valid()
    index.ensure(force=True)
    assert index.is_valid() and len(index.search("words")) == 1


def test_ensure_without_a_library_folder_creates_nothing(tmp_path):
    index = SearchIndex(Library(tmp_path / "absent"))
    index.ensure()
    assert not (tmp_path / "absent").exists()
    assert index.search("anything") == []


def test_update_and_discard_one_episode(tmp_path, engine):
    index = build(tmp_path, one=["apple words"])
    write_episode(tmp_path, "two", "Two", ["banana words"])
    assert index.update("two") is True
    assert {h.episode for h in index.search("words")} == {"one", "two"}
    index.discard("one")
    assert {h.episode for h in index.search("words")} == {"two"}
    if engine == "postgres":
        return
    index.path.write_bytes(b"garbage" * 100)
    assert index.update("two") is True             # unreadable index: built whole
    assert {h.episode for h in index.search("words")} == {"one", "two"}
    index.path.unlink()
    assert index.update("two") is False            # no index: nothing made (built on use)
    index.discard("two")
    assert not index.path.exists()


# ---- the command line --------------------------------------------------------------------

def listenalong(*args, cwd=REPO):
    return subprocess.run([sys.executable, "-m", "webapp", *args], capture_output=True,
                          text=True, cwd=cwd, timeout=120)


def test_reindex_command_builds_the_index_with_a_summary(tmp_path, engine):
    for n in range(3):
        write_episode(tmp_path, f"ep-{n}", f"Episode {n}", [f"words of episode {n}"])
    proc = listenalong("reindex", "--media", str(tmp_path))
    assert proc.returncode == 0, proc.stderr
    assert "\r" not in proc.stderr                   # no progress bar when not a terminal
    assert proc.stderr.strip().startswith("indexed 3 episodes, 3 cues in ")
    assert index_path(tmp_path).is_file() == (engine == "sqlite")
    assert len(SearchIndex(Library(tmp_path)).search("words")) == 3


def test_reindex_progress_bar_on_a_terminal(tmp_path):
    import pty

    for n in range(3):
        write_episode(tmp_path, f"ep-{n}", f"Episode {n}", ["words"])
    main, secondary = pty.openpty()
    proc = subprocess.run([sys.executable, "-m", "webapp", "reindex", "--media", str(tmp_path)],
                          stderr=secondary, stdout=subprocess.DEVNULL, cwd=REPO, timeout=120)
    os.close(secondary)
    shown = b""
    while True:
        try:
            chunk = os.read(main, 4096)
        except OSError:
            break
        if not chunk:
            break
        shown += chunk
    os.close(main)
    assert proc.returncode == 0
    assert b"\r[" + b"#" * 30 + b"] 3/3 episodes" in shown
    assert b"indexed 3 episodes" in shown


def test_reindex_of_a_missing_folder_is_a_one_line_error(tmp_path):
    proc = listenalong("reindex", "--media", str(tmp_path / "nope"))
    assert proc.returncode == 2
    assert proc.stderr.startswith("error: ") and proc.stderr.count("\n") == 1


@pytest.fixture(scope="module")
def audio(tmp_path_factory):
    return make_audio(tmp_path_factory.mktemp("audio") / "short.mp3", 100)


def test_add_and_remove_keep_the_index_current(tmp_path, audio, engine):
    media = tmp_path / "media"
    proc = listenalong("add", str(FIXTURES / "search_cafe.vtt"), "--audio", str(audio),
                       "--title", "Corner café", "--slug", "cafe", "--no-align", "--media", str(media))
    assert proc.returncode == 0, proc.stderr
    assert not (media / ".index").exists()         # no index yet: add makes none
    index = SearchIndex(Library(media))
    if engine == "postgres":                       # its database is there: add fills it
        assert {h.cue for h in index.search("cafe")} == {0, 1, 4, 5}
    assert listenalong("reindex", "--media", str(media)).returncode == 0
    assert index.is_valid()
    assert {h.cue for h in index.search("cafe")} == {0, 1, 4, 5}
    inode = index.path.stat().st_ino if engine == "sqlite" else None

    write_episode(media, "other", "Other", ["unrelated", "a café too"])
    proc = listenalong("add", str(FIXTURES / "search_cafe.vtt"), "--audio", str(audio),
                       "--slug", "second", "--no-align", "--media", str(media))
    assert proc.returncode == 0, proc.stderr
    assert inode is None or index.path.stat().st_ino == inode   # updated in place
    assert {h.episode for h in index.search("cafe", limit=100)} == {"cafe", "second"}

    proc = listenalong("remove", "cafe", "--media", str(media))
    assert proc.returncode == 0, proc.stderr
    assert {h.episode for h in index.search("cafe", limit=100)} == {"second"}


def test_the_index_modules_import_no_flask():
    code = ("import json, sys, webapp.core.search, webapp.core.search.query; "
            "print(json.dumps(sorted(m for m in sys.modules if m.split('.')[0] == 'flask')))")
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          timeout=60, cwd=REPO)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == "[]"


# ---- damage and races (issue 10) ----------------------------------------------------------

def corrupt_pages(path, keep_pages: int = 2, page: int = 4096) -> None:
    """Overwrite the index file after its first pages (header and schema stay intact)."""
    size = path.stat().st_size
    assert size > (keep_pages + 2) * page
    with open(path, "r+b") as handle:
        handle.seek(keep_pages * page)
        handle.write(b"\xa5" * (size - keep_pages * page))


@pytest.mark.sqlite_only
def test_an_index_with_damaged_pages_is_rebuilt_by_the_next_search(tmp_path, caplog):
    index = build(tmp_path, **{f"ep-{n}": [f"gardens and tomatoes number {i}" for i in range(150)]
                               for n in range(4)})
    assert len(index.search("tomatoes", limit=100)) == 100
    corrupt_pages(index.path)
    assert index.store.damaged()
    fresh = SearchIndex(Library(tmp_path))
    with caplog.at_level("WARNING"):
        assert len(fresh.search("tomatoes", limit=100)) == 100
    assert "damaged" in caplog.text and not fresh.store.damaged()


@pytest.mark.sqlite_only
def test_readers_reuse_their_connections_and_still_see_a_new_or_damaged_file(tmp_path,
                                                                            monkeypatch,
                                                                            caplog):
    opened = []
    real = store.connect
    monkeypatch.setattr(store, "connect", lambda *a, **k: opened.append(a) or real(*a, **k))
    index = build(tmp_path, one=["gardens and tomatoes"])
    other = SearchIndex(Library(tmp_path))         # another worker on the same library
    assert len(other.search("tomatoes")) == 1
    before = len(opened)
    for _ in range(5):
        assert len(other.search("tomatoes")) == 1
    assert len(opened) == before                   # the connection was kept, not reopened
    write_episode(tmp_path, "two", "Two", ["more tomatoes"])
    index.rebuild()                                # a new file renamed over the one it reads
    write_episode(tmp_path, "three", "Three", ["late tomatoes"])
    index.update("three")                          # written to the new file's log...
    assert {h.episode for h in other.search("tomatoes")} == {"one", "two", "three"}
    # ...which closing the reader of the old file left alone
    assert {h.episode for h in SearchIndex(Library(tmp_path)).search("tomatoes")} == \
        {"one", "two", "three"}
    assert index.store.damaged() is False
    write_episode(tmp_path, "big", "Big", [f"gardens number {i}" for i in range(600)])
    index.rebuild()
    assert len(other.search("gardens", limit=100)) == 100
    corrupt_pages(index.path)                      # damaged in place, under its open reader
    with caplog.at_level("WARNING"):
        assert len(other.search("gardens", limit=100)) == 100
    assert "damaged" in caplog.text and not other.store.damaged()


@pytest.mark.sqlite_only
def test_the_web_search_repairs_a_damaged_index_instead_of_503(tmp_path):
    from webapp import create_app

    index = build(tmp_path, **{f"ep-{n}": [f"gardens and tomatoes number {i}" for i in range(150)]
                               for n in range(4)})
    corrupt_pages(index.path)
    client = create_app({"TESTING": True, "MEDIA_DIR": str(tmp_path)}).test_client()
    response = client.get("/api/search?q=tomatoes")
    assert response.status_code == 200 and len(response.get_json()["results"]) == 20


def test_searches_during_rebuilds_always_find_what_is_there(tmp_path):
    import threading

    index = build(tmp_path, **{f"ep-{n}": [f"words about gardens {i}" for i in range(100)]
                               for n in range(3)})
    empty, done, stop = [], [], threading.Event()

    def reader():
        mine = SearchIndex(Library(tmp_path))
        while not stop.is_set():
            hits = mine.search("gardens")
            done.append(1)
            if not hits:
                empty.append(1)

    threads = [threading.Thread(target=reader) for _ in range(3)]
    for thread in threads:
        thread.start()
    for _ in range(20):
        index.rebuild()
    stop.set()
    for thread in threads:
        thread.join()
    assert len(done) > 20 and empty == []


@pytest.mark.sqlite_only
def test_prefix_searches_use_fts5_prefix_indexes(tmp_path):
    """'th*' reads one prefix-index entry instead of merging every term that starts 'th'
    (the index used to take half a second for it on 10,000 cues)."""
    index = build(tmp_path, talk=["the theory of things", "then there", "other words"])
    with sqlite3.connect(index.path) as db:
        sql = db.execute("SELECT sql FROM sqlite_master WHERE name = 'cues_fts_0'").fetchone()[0]
    assert "prefix='2 3'" in sql
    assert sorted(h.cue for h in index.search("th*")) == [0, 1]
