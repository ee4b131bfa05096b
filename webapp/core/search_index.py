"""Full-text search across the library: an SQLite FTS5 index of every cue.

The index is derived data: ``<media>/.index/search.sqlite``, rebuildable at any time from
the episode folders (the source of truth). It holds one row per cue — episode slug and
title, cue index, start, end, speaker and text — in a plain table, and an external-content
FTS5 table over the text, tokenized with ``porter unicode61 remove_diacritics 2`` (so
"building" finds "build" and "cafe" finds "café").

* :meth:`SearchIndex.rebuild` writes a new database beside the old one and renames it into
  place, so a crash never leaves half an index.
* :meth:`SearchIndex.update` / :meth:`SearchIndex.discard` keep one episode current
  (``listenalong add`` / ``remove``); :meth:`SearchIndex.sync` catches up with folders that
  changed behind its back, comparing file modification times.
* :meth:`SearchIndex.search` takes what a person typed; it is parsed by
  :mod:`.search_query`, never passed to FTS5 raw.

Writers take an exclusive ``flock`` on ``.index/.lock``; readers use WAL mode and never wait
for them. No Flask here.
"""
from __future__ import annotations

import contextlib
import json
import logging
import os
import sqlite3
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterator

from .errors import InputError
from .library import EPISODE_FILE, SLUG, VTT_FILE, Library
from .reading import read_transcript
from .search_query import Query, parse_query

try:  # POSIX; elsewhere writers rely on SQLite's own locking alone
    import fcntl
except ImportError:  # pragma: no cover - Windows
    fcntl = None

log = logging.getLogger(__name__)

INDEX_FOLDER = ".index"
INDEX_FILE = "search.sqlite"
SCHEMA_VERSION = 1
TOKENIZE = "porter unicode61 remove_diacritics 2"
HIT_START, HIT_END = "\x02", "\x03"   # snippet() sentinels: never in indexed text
DEFAULT_LIMIT, MAX_LIMIT = 20, 100
SNIPPET_TOKENS = 36
RANK_CANDIDATES = 5_000   # at most this many matching cues are ranked by bm25 (newest)

SCHEMA = f"""
CREATE TABLE episodes (
    slug TEXT PRIMARY KEY,
    title TEXT NOT NULL,
    signature TEXT NOT NULL,      -- mtimes of transcript.vtt and episode.json
    first_id INTEGER NOT NULL,    -- the episode's cues are rows first_id..last_id
    last_id INTEGER NOT NULL
) WITHOUT ROWID;
CREATE TABLE cues (
    id INTEGER PRIMARY KEY,
    slug TEXT NOT NULL,
    title TEXT NOT NULL,
    idx INTEGER NOT NULL,         -- 0-based; the page's element is #cue-(idx+1)
    start REAL NOT NULL,
    "end" REAL NOT NULL,
    speaker TEXT,
    text TEXT NOT NULL
);
CREATE INDEX cues_by_slug ON cues (slug, idx);
CREATE VIRTUAL TABLE cues_fts USING fts5 (
    text, content='cues', content_rowid='id', tokenize='{TOKENIZE}'
);
"""
TRIGGERS = (
    """CREATE TRIGGER cues_ai AFTER INSERT ON cues BEGIN
        INSERT INTO cues_fts (rowid, text) VALUES (new.id, new.text);
    END""",
    """CREATE TRIGGER cues_ad AFTER DELETE ON cues BEGIN
        INSERT INTO cues_fts (cues_fts, rowid, text) VALUES ('delete', old.id, old.text);
    END""",
)

Progress = Callable[[int, int], None]


class SearchUnavailable(RuntimeError):
    """The index cannot be built or read (for example, a read-only media folder)."""


@dataclass
class Hit:
    episode: str
    title: str
    cue: int          # 0-based index of the cue in its episode
    start: float
    end: float
    speaker: str | None
    marked: str       # snippet with HIT_START/HIT_END around the matched words
    score: float

    @property
    def parts(self) -> list[tuple[str, bool]]:
        """The snippet as ``(text, matched)`` pieces, for templates to escape and mark."""
        return snippet_parts(self.marked)

    @property
    def snippet(self) -> str:
        return "".join(text for text, _ in self.parts)

    @property
    def highlights(self) -> list[list[int]]:
        """``[start, end)`` character offsets of the matched words in :attr:`snippet`."""
        spans, at = [], 0
        for text, matched in self.parts:
            if matched:
                spans.append([at, at + len(text)])
            at += len(text)
        return spans


def snippet_parts(marked: str) -> list[tuple[str, bool]]:
    """Split a sentinel-marked snippet into pieces; unbalanced sentinels are dropped."""
    parts: list[tuple[str, bool]] = []
    inside = False
    buf: list[str] = []

    def flush():
        if buf:
            text = "".join(buf)
            if parts and parts[-1][1] == inside:
                parts[-1] = (parts[-1][0] + text, inside)
            else:
                parts.append((text, inside))
            buf.clear()

    for ch in marked:
        if ch == HIT_START and not inside:
            flush()
            inside = True
        elif ch == HIT_END and inside:
            flush()
            inside = False
        elif ch not in (HIT_START, HIT_END):
            buf.append(ch)
    flush()
    return parts


def clean_text(text: str) -> str:
    """Cue text as indexed: without the snippet sentinels."""
    if HIT_START in text or HIT_END in text:
        text = text.replace(HIT_START, " ").replace(HIT_END, " ")
    return text


def index_path(root: str | os.PathLike) -> Path:
    return Path(root) / INDEX_FOLDER / INDEX_FILE


class SearchIndex:
    """The search index of one library folder."""

    def __init__(self, library: Library, sync_interval: float = 10.0):
        self.library = library
        self.path = index_path(library.root)
        self.sync_interval = sync_interval
        self._ready_lock = threading.Lock()
        self._checked_at = float("-inf")
        self._root_mtime: int | None = None

    # ---- connections and locks -------------------------------------------------------
    def _connect(self, path: Path | None = None) -> sqlite3.Connection:
        connection = sqlite3.connect(path or self.path, timeout=10, isolation_level=None,
                                     check_same_thread=False)
        connection.execute("PRAGMA busy_timeout = 10000")
        return connection

    @contextlib.contextmanager
    def _reading(self) -> Iterator[sqlite3.Connection]:
        connection = self._connect()
        try:
            yield connection
        finally:
            connection.close()

    @contextlib.contextmanager
    def _transaction(self) -> Iterator[sqlite3.Connection]:
        """A write transaction: committed when the block ends, rolled back if it raises."""
        connection = self._connect()
        try:
            connection.execute("BEGIN IMMEDIATE")
            yield connection
            connection.execute("COMMIT")
        except BaseException:
            if connection.in_transaction:
                connection.execute("ROLLBACK")
            raise
        finally:
            connection.close()

    @contextlib.contextmanager
    def _writer_lock(self, wait: bool = True) -> Iterator[bool]:
        """One writer at a time across processes (CLI, app workers). Yields False, without
        the lock, when ``wait`` is False and another writer holds it."""
        folder = self.path.parent
        try:
            folder.mkdir(parents=True, exist_ok=True)
            handle = open(folder / ".lock", "a+b")
        except OSError as error:
            raise SearchUnavailable(f"cannot write the search index in {folder}: "
                                    f"{error.strerror}") from None
        with handle:
            if fcntl is not None:
                try:
                    fcntl.flock(handle, fcntl.LOCK_EX | (0 if wait else fcntl.LOCK_NB))
                except BlockingIOError:
                    yield False
                    return
            try:
                yield True
            finally:
                if fcntl is not None:
                    fcntl.flock(handle, fcntl.LOCK_UN)

    def is_valid(self) -> bool:
        """True when the index file exists and is of the current schema."""
        if not self.path.is_file():
            return False
        try:
            with self._reading() as db:
                version = db.execute("PRAGMA user_version").fetchone()[0]
                db.execute("SELECT 1 FROM episodes LIMIT 1").fetchall()
            return version == SCHEMA_VERSION
        except sqlite3.DatabaseError:
            return False

    # ---- reading the library -----------------------------------------------------------
    def _signatures(self) -> dict[str, str]:
        """``{slug: signature}`` of every episode folder (plain ``os`` calls: this runs
        every few seconds on a live library)."""
        root = os.fspath(self.library.root)
        found = {}
        try:
            entries = list(os.scandir(root))
        except OSError:
            return found
        for entry in entries:
            if SLUG.match(entry.name):
                signature = _signature(os.path.join(root, entry.name))
                if signature:
                    found[entry.name] = signature
        return found

    def _slugs_on_disk(self) -> list[str]:
        return sorted(self._signatures())

    def _signature(self, slug: str) -> str | None:
        folder = self.library.folder(slug)
        return None if folder is None else _signature(os.fspath(folder))

    def _episode_rows(self, slug: str) -> tuple[str, str, list[tuple]] | None:
        """(title, signature, cue rows) read from the episode folder, or None if unreadable."""
        signature = self._signature(slug)
        episode = self.library.get(slug)
        folder = self.library.folder(slug)
        if signature is None or episode is None or folder is None:
            return None
        try:
            transcript = read_transcript(folder / VTT_FILE, "vtt")
        except (InputError, OSError, ValueError) as error:
            log.warning("search index: skipping %s: %s", slug, error)
            return None
        rows = [(slug, episode.title, number, cue.start, cue.end, cue.speaker,
                 clean_text(cue.text)) for number, cue in enumerate(transcript.cues)]
        return episode.title, signature, rows

    @staticmethod
    def _insert(db: sqlite3.Connection, slug: str, title: str, signature: str,
                rows: list[tuple]) -> None:
        first = db.execute("SELECT coalesce(max(id), 0) + 1 FROM cues").fetchone()[0]
        db.executemany('INSERT INTO cues (id, slug, title, idx, start, "end", speaker, text) '
                       "VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                       [(first + n, *row) for n, row in enumerate(rows)])
        db.execute("INSERT INTO episodes (slug, title, signature, first_id, last_id) "
                   "VALUES (?, ?, ?, ?, ?)", (slug, title, signature, first, first + len(rows) - 1))

    @staticmethod
    def _delete(db: sqlite3.Connection, slug: str) -> None:
        db.execute("DELETE FROM cues WHERE slug = ?", (slug,))
        db.execute("DELETE FROM episodes WHERE slug = ?", (slug,))

    # ---- writing -------------------------------------------------------------------------
    def rebuild(self, progress: Progress | None = None) -> dict:
        """Build the whole index afresh from the episode folders, atomically.

        Returns ``{"episodes": n, "cues": n, "skipped": [slug, ...]}``.
        """
        with self._writer_lock():
            return self._rebuild(progress)

    def _rebuild(self, progress: Progress | None) -> dict:
        folder = self.path.parent
        for stale in folder.glob(".building-*"):   # left by a crashed build; we hold the lock
            with contextlib.suppress(OSError):
                stale.unlink()
        fd, tmp_name = tempfile.mkstemp(prefix=".building-", suffix=".sqlite", dir=folder)
        os.close(fd)
        tmp = Path(tmp_name)
        # oldest first, so the newest episodes get the highest row ids (see RANK_CANDIDATES)
        slugs = [e.slug for e in sorted(self.library.episodes(), key=lambda e: (e.added, e.slug))]
        stats = {"episodes": 0, "cues": 0, "skipped": []}
        try:
            db = self._connect(tmp)
            try:
                db.execute("PRAGMA journal_mode = OFF")
                db.execute("PRAGMA synchronous = OFF")
                db.executescript(SCHEMA)
                db.execute("BEGIN")
                next_id = 1
                for done, slug in enumerate(slugs, start=1):
                    found = self._episode_rows(slug)
                    if found is None:
                        stats["skipped"].append(slug)
                    else:
                        title, signature, rows = found
                        db.executemany(
                            'INSERT INTO cues (id, slug, title, idx, start, "end", speaker, '
                            "text) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                            [(next_id + n, *row) for n, row in enumerate(rows)])
                        db.execute("INSERT INTO episodes VALUES (?, ?, ?, ?, ?)",
                                   (slug, title, signature, next_id, next_id + len(rows) - 1))
                        next_id += len(rows)
                        stats["episodes"] += 1
                        stats["cues"] += len(rows)
                    if progress:
                        progress(done, len(slugs))
                db.execute("INSERT INTO cues_fts (cues_fts) VALUES ('rebuild')")
                db.execute("INSERT INTO cues_fts (cues_fts) VALUES ('optimize')")
                for trigger in TRIGGERS:
                    db.execute(trigger)
                db.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
                db.execute("COMMIT")
                db.execute("PRAGMA journal_mode = WAL")   # persistent: readers never wait
            finally:
                db.close()
            with open(tmp, "rb+") as handle:
                os.fsync(handle.fileno())
            os.chmod(tmp, 0o644)
            self._retire_current()
            os.replace(tmp, self.path)
            _fsync_folder(folder)
        except BaseException:
            with contextlib.suppress(OSError):
                tmp.unlink()
            raise
        self._checked_at = time.monotonic()
        return stats

    def _retire_current(self) -> None:
        """Fold the old index's write-ahead log into it before it is replaced, so that no
        log of the old file is left to be read against the new one."""
        if not self.path.exists():
            return
        try:
            db = self._connect()
            try:
                db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            finally:
                db.close()
        except sqlite3.DatabaseError:   # corrupt or not a database: its log is worthless
            for suffix in ("-wal", "-shm"):
                with contextlib.suppress(OSError):
                    os.unlink(f"{self.path}{suffix}")

    def update(self, slug: str) -> bool:
        """(Re)index one episode from its folder. With no index yet, nothing is made (the
        app builds the whole index when it first needs it); an unreadable one is rebuilt.
        Returns True when the episode is now in the index."""
        if not self.path.exists():
            return False
        with self._writer_lock():
            if not self.is_valid():
                self._rebuild(None)
                return self._has(slug)
            found = self._episode_rows(slug)
            with self._transaction() as db:
                self._delete(db, slug)
                if found is not None:
                    self._insert(db, slug, *found)
            return found is not None

    def discard(self, slug: str) -> None:
        """Drop one episode from the index (nothing to do when there is no index)."""
        if not self.path.exists():
            return
        with self._writer_lock():
            if not self.is_valid():
                return
            with self._transaction() as db:
                self._delete(db, slug)

    def sync(self, wait: bool = True) -> dict:
        """Bring the index up to date with the folders: index new or changed episodes, drop
        gone ones. Rebuilds when the index is missing or of another schema.

        With ``wait=False`` a valid index is left as it is while another writer is busy
        (returns ``{"busy": True}``); a missing one is still waited for."""
        with self._writer_lock(wait=wait or not self.is_valid()) as locked:
            if not locked:
                return {"busy": True}
            if not self.is_valid():
                stats = self._rebuild(None)
                return {"rebuilt": True, "updated": stats["episodes"], "removed": 0}
            with self._reading() as db:
                indexed = dict(db.execute("SELECT slug, signature FROM episodes"))
            on_disk = self._signatures()
            changed = [s for s, sig in on_disk.items() if sig and indexed.get(s) != sig]
            gone = [s for s in indexed if s not in on_disk]
            if changed or gone:
                with self._transaction() as db:
                    for slug in gone + changed:
                        self._delete(db, slug)
                    for slug in changed:
                        found = self._episode_rows(slug)
                        if found is not None:
                            self._insert(db, slug, *found)
            return {"rebuilt": False, "updated": len(changed), "removed": len(gone)}

    def ensure(self, force: bool = False) -> None:
        """Make sure the index exists and is current: cheap when nothing changed.

        The folders are compared at most every ``sync_interval`` seconds, and at once when
        the library folder itself changed (an episode added or removed)."""
        with self._ready_lock:
            now = time.monotonic()
            try:
                root_mtime = self.library.root.stat().st_mtime_ns
            except OSError:
                root_mtime = None
            due = force or root_mtime != self._root_mtime or \
                now - self._checked_at >= self.sync_interval or not self.path.is_file()
            if not due:
                return
            if root_mtime is None:      # no library folder: nothing to index, nothing to make
                self._root_mtime = None
                self._checked_at = now
                return
            if self.sync(wait=force).get("busy"):
                return                  # another writer is at it: serve what is there
            self._root_mtime = root_mtime
            self._checked_at = time.monotonic()

    def _has(self, slug: str) -> bool:
        with self._reading() as db:
            return db.execute("SELECT 1 FROM episodes WHERE slug = ?", (slug,)).fetchone() \
                is not None

    # ---- searching -----------------------------------------------------------------------
    def search(self, query: str | Query, episode: str | None = None,
               limit: int = DEFAULT_LIMIT) -> list[Hit]:
        """Cues holding every term of ``query``, best first; ``episode`` limits it to one slug.

        Ranking: cues holding all the words side by side (as a phrase) come first, then the
        rest; within each, bm25, ties by start time (then slug). When a word is so common
        that more than :data:`RANK_CANDIDATES` cues match, only the most recently indexed
        that many are ranked, which keeps a search fast however big the library grows.
        """
        parsed = query if isinstance(query, Query) else parse_query(query)
        match = parsed.fts()
        if match is None or not self.path.is_file():
            return []
        limit = max(1, min(int(limit), MAX_LIMIT))
        adjacent = parsed.adjacent_fts()
        tiers = [adjacent, f"({match}) NOT {adjacent}"] if adjacent else [match]
        with self._reading() as db:
            db.execute("BEGIN")   # one snapshot for every statement below
            span = None
            if episode is not None:
                span = db.execute("SELECT first_id, last_id FROM episodes WHERE slug = ?",
                                  (episode,)).fetchone()
                if span is None:
                    return []
            ranked: list[tuple[int, float]] = []
            for tier in tiers:
                if len(ranked) >= limit:
                    break
                ranked += _ranked(db, tier, span, limit - len(ranked))
            ids = json.dumps([cue_id for cue_id, _ in ranked])
            rows = {row[0]: row[1:] for row in db.execute(
                'SELECT id, slug, title, idx, start, "end", speaker FROM cues '
                "WHERE id IN (SELECT value FROM json_each(:ids))", {"ids": ids})}
            marked = dict(db.execute(
                "SELECT rowid, snippet(cues_fts, 0, :a, :b, '…', :n) FROM cues_fts "
                "WHERE cues_fts MATCH :match AND rowid IN (SELECT value FROM json_each(:ids))",
                {"a": HIT_START, "b": HIT_END, "n": SNIPPET_TOKENS, "match": match,
                 "ids": ids}))
            hits = [Hit(*rows[cue_id], marked.get(cue_id) or "", score)
                    for cue_id, score in ranked if cue_id in rows]
            db.execute("COMMIT")
        return hits


def _ranked(db: sqlite3.Connection, match: str, span: tuple | None,
            limit: int) -> list[tuple[int, float]]:
    """``(cue id, bm25)`` of the best ``limit`` cues for one FTS5 expression, ordered by
    bm25 then start time then slug (see :meth:`SearchIndex.search`).

    One pass computes bm25 for every candidate and keeps, through ``rank()``, the rows
    whose score is among the best ``limit`` — ties at the cut-off included, however many —
    and only those rows' start times are read to put the ties in order.
    """
    where, args = ["cues_fts MATCH :match"], {"match": match, "limit": limit}
    if span is not None:
        where.append("rowid BETWEEN :first AND :last")
        args.update(first=span[0], last=span[1])
    floor = db.execute(f"SELECT rowid FROM cues_fts WHERE {' AND '.join(where)} "
                       f"ORDER BY rowid DESC LIMIT 1 OFFSET :cap",
                       {**args, "cap": RANK_CANDIDATES}).fetchone()
    if floor is not None:
        where.append("rowid > :floor")
        args["floor"] = floor[0]
    return db.execute(
        "SELECT m.id, m.score FROM ("
        "  SELECT id, score FROM (SELECT id, score, rank() OVER (ORDER BY score) AS place"
        "    FROM (SELECT rowid AS id, bm25(cues_fts) AS score FROM cues_fts "
        f"          WHERE {' AND '.join(where)})) "
        "  WHERE place <= :limit) AS m "
        "JOIN cues AS c ON c.id = m.id ORDER BY m.score, c.start, c.slug LIMIT :limit",
        args).fetchall()


def _signature(folder: str) -> str | None:
    """When an episode's files last changed: ``"<vtt mtime>:<episode.json mtime>"``."""
    try:
        return f"{os.stat(os.path.join(folder, VTT_FILE)).st_mtime_ns}:" \
               f"{os.stat(os.path.join(folder, EPISODE_FILE)).st_mtime_ns}"
    except OSError:
        return None


def _fsync_folder(folder: Path) -> None:
    with contextlib.suppress(OSError, AttributeError):
        fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)
