"""The index and the episode catalogue in PostgreSQL, for a library shared by several app
nodes (``LISTENALONG_DATABASE_URL=postgresql://…``). The PostgreSQL twin of :mod:`.store`.

* the schema is versioned (:data:`MIGRATIONS`) and made or brought up to date by
  :func:`upgrade` (``listenalong db upgrade``): idempotent, and one node at a time (an
  advisory lock);
* ``episodes`` is the catalogue — title, duration, speakers, dates, alignment state —
  plus each episode's signature (as in SQLite); ``cues`` holds one row per cue with a
  generated ``tsvector`` (the ``listenalong`` text search configuration: ``unaccent``,
  then English (Porter) stemming with no stop words, so every word typed can be found;
  ``listenalong_words``, without the stemming, for a cue in another language: .stemming)
  and a GIN index over it;
* writers take one advisory lock (:meth:`PgStore.writer_lock`); readers never wait;
* connections come from one pool per database URL (psycopg-pool), each checked before use,
  so a connection the server dropped is replaced instead of failing the next request.

Every psycopg error becomes :class:`~.store.SearchUnavailable` in :func:`.store.guarded`.
"""
from __future__ import annotations

import contextlib
import os
import re
import threading
import time
from typing import Iterator
from urllib.parse import urlsplit, urlunsplit

from . import store
from .stemming import stemmed_sql
from .store import SearchUnavailable, guard

CONFIG = "listenalong"          # the text search configuration (English: Porter stems)
WORDS_CONFIG = "listenalong_words"   # the same without stemming, for other languages
# a row's configuration, by the language of its transcript
ROW_CONFIG = (f"CASE WHEN {stemmed_sql()} THEN '{CONFIG}'::regconfig "
              f"ELSE '{WORDS_CONFIG}'::regconfig END")
WRITER_LOCK = 0x4C41_0001       # advisory lock keys ("LA" …)
UPGRADE_LOCK = 0x4C41_0002
POOL_TIMEOUT = 5.0              # seconds a request waits for a connection
POOL_SIZE = 8

MIGRATIONS: tuple[tuple[int, str], ...] = (
    (1, f"""
CREATE EXTENSION IF NOT EXISTS unaccent;
-- English stemming by the Porter stemmer, as SQLite's FTS5 does ("ore" and "or" alike)
CREATE TEXT SEARCH DICTIONARY {CONFIG}_stem (TEMPLATE = snowball, LANGUAGE = porter);
CREATE TEXT SEARCH CONFIGURATION {CONFIG} (COPY = english);
ALTER TEXT SEARCH CONFIGURATION {CONFIG}
    ALTER MAPPING FOR asciiword, hword_asciipart, word, hword_part
    WITH unaccent, {CONFIG}_stem;
-- a hyphenated word is its parts alone, side by side (as in SQLite): "x-ray" is x, ray
ALTER TEXT SEARCH CONFIGURATION {CONFIG}
    DROP MAPPING FOR asciihword, hword, numhword;
CREATE TABLE episodes (
    slug text PRIMARY KEY,
    title text NOT NULL,
    signature text NOT NULL,
    duration double precision NOT NULL,
    speakers text[] NOT NULL DEFAULT '{{}}',
    cues integer NOT NULL DEFAULT 0,
    added text NOT NULL DEFAULT '',
    published text NOT NULL DEFAULT '',
    aligned boolean NOT NULL DEFAULT false,
    indexed_at timestamptz NOT NULL DEFAULT now()
);
CREATE SEQUENCE cues_id_seq;
CREATE TABLE cues (
    id bigint NOT NULL,
    slug text NOT NULL REFERENCES episodes (slug) ON DELETE CASCADE,
    title text NOT NULL,
    idx integer NOT NULL,
    start double precision NOT NULL,
    "end" double precision NOT NULL,
    speaker text,
    text text NOT NULL,
    tsv tsvector GENERATED ALWAYS AS (to_tsvector('{CONFIG}', text)) STORED,
    PRIMARY KEY (id)
) PARTITION BY RANGE (id);
CREATE INDEX cues_tsv ON cues USING gin (tsv);
CREATE INDEX cues_by_slug ON cues (slug, idx);
"""),
    (2, f"""
-- the language of each cue's transcript, and whether it is one of the episode's others
ALTER TABLE cues ADD COLUMN lang text NOT NULL DEFAULT '';
ALTER TABLE cues ADD COLUMN alt boolean NOT NULL DEFAULT false;
-- English (and a language not known) stemmed as before; other languages word for word,
-- accents folded alike (search/stemming.py)
CREATE TEXT SEARCH CONFIGURATION {WORDS_CONFIG} (COPY = {CONFIG});
ALTER TEXT SEARCH CONFIGURATION {WORDS_CONFIG}
    ALTER MAPPING FOR asciiword, hword_asciipart, word, hword_part WITH unaccent, simple;
ALTER TABLE cues DROP COLUMN tsv;
ALTER TABLE cues ADD COLUMN tsv tsvector GENERATED ALWAYS AS (to_tsvector({ROW_CONFIG}, text)) STORED;
CREATE INDEX cues_tsv ON cues USING gin (tsv);
-- Chinese, Japanese and Korean text is indexed segmented (search/segmenting.py) from now
-- on: every episode is indexed again at the next catch-up
UPDATE episodes SET signature = '';
"""),
)
SCHEMA_VERSION = MIGRATIONS[-1][0]
# Cues live in partitions of store.SHARD ids (as SQLite's shards), each with its own GIN
# index: a search reads the newest partitions first and stops once it has its candidates,
# so a common word costs the same in a library of 2 million cues as in one of 50,000.
CATALOGUE = ("duration", "speakers", "cues", "added", "published", "aligned")

_pools: dict[tuple[int, str], object] = {}   # (pid, url) → its pool
_pools_lock = threading.Lock()


def is_postgres(url: str | None) -> bool:
    return bool(url) and urlsplit(url).scheme in ("postgresql", "postgres")


def shown(url: str) -> str:
    """The URL without its password, for messages and logs."""
    parts = urlsplit(url)
    host = parts.hostname or ""
    netloc = (f"{parts.username}@" if parts.username else "") + host + \
        (f":{parts.port}" if parts.port else "")
    return urlunsplit((parts.scheme, netloc, parts.path, "", ""))


def pool(url: str):
    """The connection pool of ``url`` (one per process and URL), opened on first use. A
    process forked from one that had a pool (gunicorn ``--preload``) makes its own."""
    from psycopg_pool import ConnectionPool

    with _pools_lock:
        found = _pools.get((os.getpid(), url))
        if found is None:
            found = _pools[(os.getpid(), url)] = ConnectionPool(
                url, min_size=1, max_size=POOL_SIZE, timeout=POOL_TIMEOUT, open=False,
                check=ConnectionPool.check_connection, name="listenalong",
                # nothing prepared behind our back: a generic plan cannot see how common a
                # word is (pg_ranking prepares, on purpose, the statements that want one)
                kwargs={"connect_timeout": 3, "application_name": "listenalong",
                        "prepare_threshold": None})
            found.open(wait=False)
        return found


class Breaker:
    """A circuit breaker for one database: after a connection could not be had, searches
    fail at once for OPEN_SECONDS (no thread waits the pool's timeout, so pages keep their
    latency while the database is away); then one search tries again while the others
    still fail at once, and its success closes the breaker."""

    OPEN_SECONDS = 5.0

    def __init__(self):
        self._lock = threading.Lock()
        self.open_until = 0.0
        self.probing = False

    def allow(self) -> bool:
        with self._lock:
            if not self.open_until:
                return True
            if time.monotonic() < self.open_until or self.probing:
                return False
            self.probing = True      # this caller is the one that tries again
            return True

    def failed(self) -> None:
        with self._lock:
            self.open_until, self.probing = time.monotonic() + self.OPEN_SECONDS, False

    def succeeded(self) -> None:
        with self._lock:
            self.open_until, self.probing = 0.0, False

    @contextlib.contextmanager
    def guarding(self) -> Iterator[None]:
        """Around a connection's use: refused at once while open; an error meaning the
        database cannot be reached opens it, anything else (an answer) closes it."""
        if not self.allow():
            raise SearchUnavailable("search is unavailable: the database did not answer a "
                                    "moment ago; try again in a few seconds")
        try:
            yield
        except BaseException as error:
            if _unreachable(error):
                self.failed()
            else:
                self.succeeded()
            raise
        self.succeeded()


def _unreachable(error: BaseException) -> bool:
    """No connection could be had from the pool in its timeout (the database refuses or
    does not answer). A connection dropped mid-query (a restart, a killed backend) is not
    this: the pool replaces it and the next search should reconnect at once."""
    return type(error).__name__ == "PoolTimeout"


_breakers: dict[str, Breaker] = {}


def breaker(url: str) -> Breaker:
    with _pools_lock:
        return _breakers.setdefault(url, Breaker())


def close_pools(url: str | None = None) -> None:
    """Close the pool of ``url``, or every pool (tests, before a database goes away)."""
    with _pools_lock:
        for key in [(os.getpid(), url)] if url else list(_pools):
            found = _pools.pop(key, None)
            if found is not None and key[0] == os.getpid():
                found.close()


def check(url: str) -> None:
    """Connect once; raises :class:`SearchUnavailable` with one line saying why not."""
    import psycopg

    try:
        with psycopg.connect(url, connect_timeout=3):
            pass
    except psycopg.Error as error:
        raise SearchUnavailable(f"cannot reach the database {shown(url)} "
                                f"({_first_line(error)}); start it, or correct "
                                f"LISTENALONG_DATABASE_URL") from None


def _first_line(error: Exception) -> str:
    """What went wrong, from psycopg's message: ``Connection refused``, ``database "x"
    does not exist``…"""
    lines = [line.strip() for line in str(error).splitlines() if line.strip()]
    text = lines[0] if lines else type(error).__name__
    return re.sub(r"^.*failed: ", "", text) or text


def schema_version(db) -> int:
    """The schema version the database holds (0: none yet)."""
    found = db.execute("SELECT to_regclass('listenalong_schema')").fetchone()[0]
    if found is None:
        return 0
    row = db.execute("SELECT max(version) FROM listenalong_schema").fetchone()
    return row[0] or 0


@guard
def upgrade(url: str) -> tuple[int, int]:
    """Create the schema or bring it up to date; ``(version before, version now)``.
    Running it again changes nothing. Nodes upgrading at once wait for each other."""
    import psycopg

    with psycopg.connect(url, autocommit=True, connect_timeout=3) as db:
        db.execute("SELECT pg_advisory_lock(%s)", (UPGRADE_LOCK,))
        try:
            before = schema_version(db)
            if before > SCHEMA_VERSION:
                raise SearchUnavailable(
                    f"the database holds schema {before}, newer than this Listenalong's "
                    f"({SCHEMA_VERSION}); upgrade Listenalong on this node")
            for version, script in MIGRATIONS:
                if version > before:
                    with db.transaction():
                        db.execute("CREATE TABLE IF NOT EXISTS listenalong_schema "
                                   "(version integer PRIMARY KEY, "
                                   "applied timestamptz NOT NULL DEFAULT now())")
                        db.execute(script)
                        db.execute("INSERT INTO listenalong_schema (version) VALUES (%s)",
                                   (version,))
            return before, max(before, SCHEMA_VERSION)
        finally:
            db.execute("SELECT pg_advisory_unlock(%s)", (UPGRADE_LOCK,))


def insert_episode(db, slug: str, title: str, signature: str, rows: list[tuple],
                   about: dict | None = None) -> None:
    """One episode's catalogue row and cue ``rows`` (slug, title, idx, start, end,
    speaker, text, lang, alt), in one COPY."""
    about = {name: (about or {}).get(name) for name in CATALOGUE}
    db.execute(
        "INSERT INTO episodes (slug, title, signature, duration, speakers, cues, added, "
        "published, aligned) VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s)",
        (slug, title, signature, about["duration"] or 0.0, about["speakers"] or [],
         about["cues"] if about["cues"] is not None else len(rows), about["added"] or "",
         about["published"] or "", bool(about["aligned"])))
    first = reserve_ids(db, len(rows))
    with db.cursor().copy('COPY cues (id, slug, title, idx, start, "end", speaker, text, '
                          "lang, alt) FROM STDIN") as copy:
        for number, row in enumerate(rows):
            copy.write_row((first + number, *row[:8], bool(row[8])))


PARTITION_NAMES = ("SELECT c.relname FROM pg_inherits AS i JOIN pg_class AS c "
                   "ON c.oid = i.inhrelid WHERE i.inhparent = 'cues'::regclass")


def reserve_ids(db, count: int) -> int:
    """The first of ``count`` new consecutive cue ids (writers hold the writers' lock), with
    the partitions that will hold them."""
    last = db.execute("SELECT last_value, is_called FROM cues_id_seq").fetchone()
    first = last[0] + 1 if last[1] else 1
    if count:
        db.execute("SELECT setval('cues_id_seq', %s)", (first + count - 1,))
        for part in range(store.shard_of(first), store.shard_of(first + count - 1) + 1):
            low, high = store.shard_span(part)
            db.execute(f"CREATE TABLE IF NOT EXISTS cues_{part} PARTITION OF cues "
                       f"FOR VALUES FROM ({low}) TO ({high + 1})")
    return first


def drop_empty_partitions(db) -> int:
    """Drop the partitions no cue is left in (after a rebuild); how many went."""
    names = [row[0] for row in db.execute(PARTITION_NAMES).fetchall()]
    dropped = 0
    for name in names:
        if db.execute(f"SELECT NOT EXISTS (SELECT 1 FROM {name})").fetchone()[0]:
            db.execute(f"DROP TABLE {name}")
            dropped += 1
    return dropped


def delete_episode(db, slug: str) -> None:
    db.execute("DELETE FROM episodes WHERE slug = %s", (slug,))   # its cues cascade


class PgStore:
    """The index and catalogue in one PostgreSQL database: connections, transactions, the
    writers' lock. The same surface as :class:`.store.Store`."""

    insert_episode = staticmethod(insert_episode)
    delete_episode = staticmethod(delete_episode)

    def __init__(self, url: str):
        self.url = url
        self.path = None
        self._held = threading.local()   # the connection holding the writers' lock
        self._schema_ok = False

    @contextlib.contextmanager
    def _connection(self) -> Iterator:
        held = getattr(self._held, "connection", None)
        if held is not None:
            yield held
            return
        with breaker(self.url).guarding(), pool(self.url).connection() as db:
            yield db

    @contextlib.contextmanager
    def reading(self) -> Iterator:
        """A connection in one read-only snapshot (REPEATABLE READ)."""
        with self._connection() as db:
            with db.transaction():
                db.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY")
                yield db

    @contextlib.contextmanager
    def transaction(self) -> Iterator:
        """A write transaction: committed when the block ends, rolled back if it raises."""
        with self._connection() as db:
            with db.transaction():
                yield db

    @contextlib.contextmanager
    def autocommit(self) -> Iterator:
        """A connection outside any transaction (VACUUM, ANALYZE)."""
        with self._connection() as db:
            was, db.autocommit = db.autocommit, True
            try:
                yield db
            finally:
                if not db.closed:
                    db.autocommit = was

    @contextlib.contextmanager
    def writer_lock(self, wait: bool = True) -> Iterator[bool]:
        """One writer at a time across every node (an advisory lock on the connection the
        writes then use). Yields False when ``wait`` is False and another writer holds it."""
        if getattr(self._held, "connection", None) is not None:
            yield True          # already ours (re-entered)
            return
        with breaker(self.url).guarding(), pool(self.url).connection() as db:
            db.autocommit = True
            try:
                sql = "SELECT pg_advisory_lock(%s), true" if wait else \
                    "SELECT pg_try_advisory_lock(%s)"
                got = db.execute(sql, (WRITER_LOCK,)).fetchone()[-1]
                if not got:
                    yield False
                    return
                self._held.connection = db
                try:
                    yield True
                finally:
                    self._held.connection = None
                    if not db.closed:
                        db.execute("SELECT pg_advisory_unlock(%s)", (WRITER_LOCK,))
            finally:
                if not db.closed:
                    db.autocommit = False

    def exists(self) -> bool:
        """True once the schema is there; without it, :class:`SearchUnavailable` saying
        to run ``db upgrade`` (PostgreSQL's schema is never made behind one's back)."""
        self.require_schema()
        return True

    def is_valid(self) -> bool:
        """True when the database holds this version's schema."""
        with self._connection() as db:
            with db.transaction():
                return schema_version(db) == SCHEMA_VERSION

    def require_schema(self) -> None:
        """:class:`SearchUnavailable` saying to run ``db upgrade`` unless the database holds
        this version's schema (once it does, it is not asked again)."""
        if self._schema_ok:
            return
        with self._connection() as db:
            with db.transaction():
                version = schema_version(db)
        self._schema_ok = version == SCHEMA_VERSION
        if not self._schema_ok:
            raise SearchUnavailable(
                f"the database {shown(self.url)} holds schema {version}, not "
                f"{SCHEMA_VERSION}; run 'listenalong db upgrade'")

    def damaged(self) -> bool:
        return False        # PostgreSQL keeps its own pages whole

    def has(self, slug: str) -> bool:
        with self.reading() as db:
            return db.execute("SELECT 1 FROM episodes WHERE slug = %s",
                              (slug,)).fetchone() is not None

    def signatures(self) -> dict[str, str]:
        with self.reading() as db:
            return dict(db.execute("SELECT slug, signature FROM episodes").fetchall())

    def catalogue(self) -> list[dict]:
        """Every episode in the catalogue, newest first: slug, title and :data:`CATALOGUE`."""
        with self.reading() as db:
            cursor = db.execute(
                "SELECT slug, title, duration, speakers, cues, added, published, aligned "
                "FROM episodes ORDER BY coalesce(nullif(published, ''), added) DESC, title DESC")
            names = [column.name for column in cursor.description]
            return [dict(zip(names, row)) for row in cursor.fetchall()]

    def retire(self) -> None:
        pass

