"""The index's database: where it lives, its schema, connections, the writers' lock, and
the statements that put an episode's cues in and take them out.

``<media>/.index/search.sqlite`` holds one row per cue — episode slug and title, cue
index, start, end, speaker, text (segmented: :mod:`.segmenting`) and the language of its
transcript — in a plain table, and external-content FTS5
tables over the text (two per :data:`SHARD` cue ids), tokenized with ``porter unicode61
remove_diacritics 2`` (so "building" finds "build" and "cafe" finds "café") for English
and cues of a language not known, and without ``porter`` for the others (.stemming). Writers take
an exclusive ``flock`` on ``.index/.lock``; readers use WAL mode and never wait for them.

Every ``sqlite3.Error`` and psycopg error (and an ``OSError`` reaching the index's files)
becomes :class:`SearchUnavailable` here, in :func:`guarded`: callers handle one exception.
"""
from __future__ import annotations

import contextlib
import functools
import os
import sqlite3
import threading
import urllib.parse
from pathlib import Path
from typing import Iterator

from .stemming import stemmed_sql

try:  # POSIX; elsewhere writers rely on SQLite's own locking alone
    import fcntl
except ImportError:  # pragma: no cover - Windows
    fcntl = None

INDEX_FOLDER = ".index"
INDEX_FILE = "search.sqlite"
SCHEMA_VERSION = 4   # 2: prefix indexes; 3: shards; 4: languages, segmented CJK, stemming
                     # by language (an index of another version is rebuilt)
TOKENIZE = "porter unicode61 remove_diacritics 2"
TOKENIZE_WORDS = "unicode61 remove_diacritics 2"   # the same, without stemming
PREFIXES = "2 3"     # FTS5 prefix indexes: 'th*' reads one index entry, not every 'th…' term

SCHEMA = f"""
CREATE TABLE episodes (
    slug TEXT PRIMARY KEY,
    title TEXT NOT NULL,
    signature TEXT NOT NULL,      -- the episode's version (webapp.core.episodes.version_of)
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
    text TEXT NOT NULL,           -- segmented (see .segmenting)
    lang TEXT NOT NULL DEFAULT '',  -- the language of the cue's transcript
    alt INTEGER NOT NULL DEFAULT 0  -- 1: in one of the episode's other transcripts
);
CREATE INDEX cues_by_slug ON cues (slug, idx);
"""
# The full-text index comes in shards of SHARD cue ids, one FTS5 table each
# (cues_fts_0 for ids 1…SHARD, and so on): a search reads the newest shards first and stops
# once it has its candidates, and bm25, which counts every row holding a word to weigh it,
# counts within a shard — so a common word costs the same in 2 million cues as in 50,000.
SHARD = 25_000
# Each shard is two tables: the cues that are stemmed (English, or a language not known:
# .stemming) in cues_fts_N, the others in cues_words_N, each cue in exactly one of them.
FAMILIES = (("cues_fts", TOKENIZE, stemmed_sql), ("cues_words", TOKENIZE_WORDS,
                                                 lambda row: f"NOT {stemmed_sql(row)}"))
SHARD_TABLE = """CREATE VIRTUAL TABLE IF NOT EXISTS {family}_{n} USING fts5 (
    text, content='cues', content_rowid='id', tokenize='{tokenize}', prefix='{prefixes}'
)"""
# Keep each shard in step with single-episode changes (a rebuild fills the shards in one
# go and adds these afterwards).
SHARD_TRIGGERS = (
    """CREATE TRIGGER IF NOT EXISTS {family}_ai_{n} AFTER INSERT ON cues
       WHEN new.id BETWEEN {low} AND {high} AND {new_is_in} BEGIN
        INSERT INTO {family}_{n} (rowid, text) VALUES (new.id, new.text);
    END""",
    """CREATE TRIGGER IF NOT EXISTS {family}_ad_{n} AFTER DELETE ON cues
       WHEN old.id BETWEEN {low} AND {high} AND {old_is_in} BEGIN
        INSERT INTO {family}_{n} ({family}_{n}, rowid, text) VALUES ('delete', old.id, old.text);
    END""",
)


def shard_of(cue_id: int) -> int:
    return (cue_id - 1) // SHARD


def shard_span(n: int) -> tuple[int, int]:
    """The first and last cue id of shard ``n``."""
    return n * SHARD + 1, (n + 1) * SHARD


def make_shards(db: sqlite3.Connection, last_id: int, triggers: bool = True,
                first_id: int = 1) -> int:
    """Make the shards (and, with ``triggers``, their triggers) for ids ``first_id`` to
    ``last_id`` (those below exist already); returns how many shards there are."""
    count = shard_of(last_id) + 1 if last_id > 0 else 0
    for n in range(shard_of(max(first_id, 1)), count):
        low, high = shard_span(n)
        for family, tokenize, holds in FAMILIES:
            db.execute(SHARD_TABLE.format(family=family, n=n, tokenize=tokenize,
                                          prefixes=PREFIXES))
            if triggers:
                for trigger in SHARD_TRIGGERS:
                    db.execute(trigger.format(family=family, n=n, low=low, high=high,
                                              new_is_in=holds("new"), old_is_in=holds("old")))
    return count


def fill_shard(db: sqlite3.Connection, n: int) -> None:
    """Index shard ``n``'s cues in one go (a rebuild), each in its family's table."""
    low, high = shard_span(n)
    for family, _, holds in FAMILIES:
        db.execute(f"INSERT INTO {family}_{n} (rowid, text) SELECT id, text FROM cues "
                   f"WHERE id BETWEEN {low} AND {high} AND {holds('cues')}")
        db.execute(f"INSERT INTO {family}_{n} ({family}_{n}) VALUES ('optimize')")


def shard_count(db: sqlite3.Connection) -> int:
    found = db.execute("SELECT max(id) FROM cues").fetchone()[0]
    return shard_of(found) + 1 if found else 0


IDLE_READERS = 8   # read connections kept open for the next searches, per index
INSERT_CUE = ('INSERT INTO cues (id, slug, title, idx, start, "end", speaker, text, lang, alt) '
              "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")
INSERT_EPISODE = ("INSERT INTO episodes (slug, title, signature, first_id, last_id) "
                  "VALUES (?, ?, ?, ?, ?)")


class SearchUnavailable(RuntimeError):
    """The index cannot be built or read (a read-only or damaged media folder, a locked
    or corrupt database). The message says what happened, for a log or one line."""


@contextlib.contextmanager
def guarded() -> Iterator[None]:
    """Turn database and file errors raised in the block into :class:`SearchUnavailable`."""
    try:
        yield
    except sqlite3.Error as error:
        raise SearchUnavailable(f"search index error: {error}") from None
    except OSError as error:
        raise SearchUnavailable(f"search index error: {error.strerror or error} "
                                f"({error.filename or 'the index folder'})") from None
    except Exception as error:   # psycopg's and psycopg-pool's, imported only when used
        if not type(error).__module__.startswith("psycopg"):
            raise
        lines = [line.strip() for line in str(error).splitlines() if line.strip()]
        raise SearchUnavailable(f"database error: {lines[0] if lines else type(error).__name__}"
                                ) from None


def guard(method):
    """Decorator: run ``method`` under :func:`guarded`."""
    @functools.wraps(method)
    def run(*args, **kwargs):
        with guarded():
            return method(*args, **kwargs)
    return run


def index_path(root: str | os.PathLike) -> Path:
    return Path(root) / INDEX_FOLDER / INDEX_FILE


def connect(path: str | os.PathLike, read_only: bool = False) -> sqlite3.Connection:
    """A connection; ``read_only`` opens the file as immutable (no locks, no -wal or -shm
    files made), for a library on a read-only disk that nobody can be writing."""
    target = f"file:{urllib.parse.quote(os.fspath(path))}?immutable=1" if read_only else path
    connection = sqlite3.connect(target, timeout=10, isolation_level=None,
                                 check_same_thread=False, uri=read_only)
    connection.execute("PRAGMA busy_timeout = 10000")
    return connection


def insert_episode(db: sqlite3.Connection, slug: str, title: str, signature: str,
                   rows: list[tuple], first: int | None = None) -> int:
    """Put one episode's cue ``rows`` in as ids ``first``… (default: after the last id).
    Returns the id after the episode's last cue."""
    if first is None:
        first = db.execute("SELECT coalesce(max(id), 0) + 1 FROM cues").fetchone()[0]
        make_shards(db, first + len(rows) - 1, first_id=first)
    db.executemany(INSERT_CUE, [(first + n, *row) for n, row in enumerate(rows)])
    db.execute(INSERT_EPISODE, (slug, title, signature, first, first + len(rows) - 1))
    return first + len(rows)


def delete_episode(db: sqlite3.Connection, slug: str) -> None:
    db.execute("DELETE FROM cues WHERE slug = ?", (slug,))
    db.execute("DELETE FROM episodes WHERE slug = ?", (slug,))


class Store:
    """The index file of one library: connections, transactions and the writers' lock."""

    insert_episode = staticmethod(insert_episode)
    delete_episode = staticmethod(delete_episode)

    def __init__(self, path: Path):
        self.path = path
        self._idle: list[tuple[tuple, sqlite3.Connection]] = []   # (file key, connection)
        self._idle_lock = threading.Lock()
        self._pid = os.getpid()

    def exists(self) -> bool:
        return self.path.is_file()

    @contextlib.contextmanager
    def reading(self) -> Iterator[sqlite3.Connection]:
        """A connection for reading: in WAL mode, or immutable when the index's folder
        cannot be written (a read-only library still answers every search).

        Connections are kept for the next reader (up to :data:`IDLE_READERS`): opening one
        costs more than most searches, as SQLite reads the schema of every shard again. One
        is reused only while the index is the same file (a rebuild renames a new one into
        place) and with its page cache emptied, so that it reads what is on disk now."""
        connection, key = self._checkout()
        try:
            yield connection
        except BaseException:
            connection.close()
            raise
        self._checkin(key, connection)

    def _file_key(self) -> tuple | None:
        """What identifies the index file and the way it is opened; None when it is not
        there (such a connection is not kept)."""
        try:
            found = os.stat(self.path)
        except OSError:
            return None
        return found.st_dev, found.st_ino, os.access(self.path.parent, os.W_OK)

    def _checkout(self) -> tuple[sqlite3.Connection, tuple | None]:
        key, kept, stale = self._file_key(), None, []
        with self._idle_lock:
            if self._pid != os.getpid():      # a forked worker: its parent's are not its own
                self._idle, self._pid = [], os.getpid()
            while self._idle and kept is None:
                held, connection = self._idle.pop()
                if held == key:
                    kept = connection
                else:
                    stale.append(connection)
        for connection in stale:   # of a replaced file: SQLite knows it moved, and leaves
            connection.close()     # the log of the new one alone
        if kept is not None:
            kept.execute("PRAGMA shrink_memory")
            return kept, key
        return connect(self.path, read_only=key is not None and not key[2]), key

    def _checkin(self, key: tuple | None, connection: sqlite3.Connection) -> None:
        if connection.in_transaction:
            connection.rollback()
        with self._idle_lock:
            if key is not None and len(self._idle) < IDLE_READERS and self._pid == os.getpid():
                self._idle.append((key, connection))
                return
        connection.close()

    def close_readers(self) -> None:
        """Close the connections kept for readers."""
        with self._idle_lock:
            idle, self._idle = self._idle, []
        for _, connection in idle:
            connection.close()

    @contextlib.contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """A write transaction: committed when the block ends, rolled back if it raises."""
        connection = connect(self.path)
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
    def writer_lock(self, wait: bool = True) -> Iterator[bool]:
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
            with self.reading() as db:
                version = db.execute("PRAGMA user_version").fetchone()[0]
                db.execute("SELECT 1 FROM episodes LIMIT 1").fetchall()
            return version == SCHEMA_VERSION
        except sqlite3.DatabaseError:
            return False

    def damaged(self) -> bool:
        """True when the file exists but SQLite's ``quick_check`` finds it damaged (pages
        overwritten or cut off under an intact header)."""
        if not self.path.is_file():
            return False
        try:
            with self.reading() as db:
                return db.execute("PRAGMA quick_check").fetchall() != [("ok",)]
        except sqlite3.DatabaseError:
            return True

    def has(self, slug: str) -> bool:
        with self.reading() as db:
            return db.execute("SELECT 1 FROM episodes WHERE slug = ?", (slug,)).fetchone() \
                is not None

    def signatures(self) -> dict[str, str]:
        """``{slug: signature}`` of every indexed episode."""
        with self.reading() as db:
            return dict(db.execute("SELECT slug, signature FROM episodes"))

    def retire(self) -> None:
        """Fold the index's write-ahead log into it before the file is replaced, so that no
        log of the old file is left to be read against the new one."""
        if not self.path.exists():
            return
        try:
            with self.reading() as db:
                db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            self.close_readers()
        except sqlite3.DatabaseError:   # corrupt or not a database: its log is worthless
            for suffix in ("-wal", "-shm"):
                with contextlib.suppress(OSError):
                    os.unlink(f"{self.path}{suffix}")
