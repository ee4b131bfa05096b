"""Full-text search across the library: SQLite FTS5 beside the episodes (the default),
or PostgreSQL for a library shared by several app nodes. No Flask here.

The index is derived data, rebuildable at any time from the episode folders:

* :mod:`.query`   — what a person typed → a safe FTS5 expression (never passed raw);
* :mod:`.store`   — the database file, its schema, connections, the writers' lock, the
  one insert statement, and the error boundary (:class:`SearchUnavailable`);
* :mod:`.indexer` — rebuilds, one-episode updates, catching up with changed folders;
* :mod:`.ranking` — matching and ordering cues (phrase tier, bm25, a candidate cap);
* :mod:`.hits`    — a result and its marked snippet;
* :mod:`.pg_store`, :mod:`.pg_indexer`, :mod:`.pg_ranking` — the same three jobs in
  PostgreSQL (with the episode catalogue, and a versioned schema: ``db upgrade``).

:class:`SearchIndex` puts them together for callers. Every method raises only
:class:`SearchUnavailable` for a database or file problem; callers turn it into one
line (the CLI) or a 503 page (the web).
"""
from __future__ import annotations

import functools
import logging
import sqlite3
from typing import Callable

from .. import settings
from ..episodes import BrokenEpisode, Library
from . import pg_store, ranking, store
from .hits import HIT_END, HIT_START, Hit, snippet_parts
from .indexer import Indexer, Progress
from .query import MAX_QUERY_CHARS, Query, QueryTooLong, clean, parse_query
from .ranking import DEFAULT_LIMIT, MAX_LIMIT, RANK_CANDIDATES
from .store import TOKENIZE, SearchUnavailable, guard, index_path

__all__ = [
    "SearchIndex", "SearchUnavailable", "Hit", "Query", "QueryTooLong", "parse_query",
    "clean", "index_path", "snippet_parts", "HIT_START", "HIT_END",
    "DEFAULT_LIMIT", "MAX_LIMIT", "MAX_QUERY_CHARS", "RANK_CANDIDATES", "TOKENIZE",
]


log = logging.getLogger(__name__)


def repairing(method):
    """Run ``method``; when the database turns out damaged, rebuild it once and retry."""
    @functools.wraps(method)
    def run(self, *args, **kwargs):
        try:
            return method(self, *args, **kwargs)
        except sqlite3.DatabaseError as error:
            if not self.store.damaged():
                raise
            log.warning("search index %s is damaged (%s); rebuilding it", self.path, error)
            self.indexer.rebuild()
            return method(self, *args, **kwargs)
    return run


class SearchIndex:
    """The search index of one library folder: in SQLite beside the episodes, or in the
    PostgreSQL database ``url`` names (default: the DATABASE_URL setting) with the
    episode catalogue. A damaged SQLite index (its quick_check fails) is rebuilt by itself
    the first time a search or a check meets it."""

    def __init__(self, library: Library, sync_interval: float = 10.0, url: str | None = None,
                 warn: Callable[[str], None] = log.warning):
        self.library = library
        self.warn = warn
        self.url = settings.load()["DATABASE_URL"] if url is None else url
        if pg_store.is_postgres(self.url):
            from . import pg_ranking
            from .pg_indexer import PgIndexer

            self.path = None
            self.store = pg_store.PgStore(self.url)
            self.indexer = PgIndexer(library, self.store, sync_interval)
            self._ranking = pg_ranking
        else:
            self.path = index_path(library.root)
            self.store = store.Store(self.path)
            self.indexer = Indexer(library, self.store, sync_interval)
            self._ranking = ranking

    @property
    def engine(self) -> str:
        return "postgresql" if self.path is None else "sqlite"

    @guard
    def catalogue(self) -> list[dict] | None:
        """The episode catalogue (PostgreSQL), newest first; None with SQLite, whose
        catalogue is the episode folders themselves."""
        return self.store.catalogue() if self.path is None else None

    @guard
    def is_valid(self) -> bool:
        return self.store.is_valid()

    @guard
    def rebuild(self, progress: Progress | None = None) -> dict:
        return self.indexer.rebuild(progress)

    @guard
    def update(self, slug: str) -> bool:
        return self.indexer.update(slug)

    @guard
    def discard(self, slug: str) -> None:
        self.indexer.discard(slug)

    @guard
    def sync(self, wait: bool = True) -> dict:
        return self.indexer.sync(wait)

    @guard
    @repairing
    def ensure(self, force: bool = False) -> None:
        self.indexer.ensure(force)

    @guard
    @repairing
    def search(self, query: str | Query, episode: str | None = None,
               limit: int = DEFAULT_LIMIT, offset: int = 0) -> list[Hit]:
        """See :func:`webapp.core.search.ranking.search`; each hit comes with the time
        it plays from (:attr:`Hit.play_at`)."""
        hits = self._ranking.search(self.store, query, episode, limit, offset)
        for hit in hits:
            hit.play_at = self.play_time(hit)
        return hits

    def play_time(self, hit: Hit) -> float:
        """Where a result starts playing: the matched word, when the episode's words are
        timed; else its cue's start."""
        matched = hit.first_match
        if not matched or self.library.words_file(hit.episode) is None:
            return hit.start        # (the common case: no words.json to read)
        try:
            opened = self.library.open(hit.episode)
        except BrokenEpisode:
            return hit.start
        found = opened.words.time_of(hit.cue, matched) if opened else None
        return hit.start if found is None else found

    def changed(self, slug: str, present: bool) -> None:
        """Follow the library (its ``on_change``): index an episode after every write
        (``present``), drop it after a remove. A failure goes to ``warn``: the folders are
        the truth, and ``listenalong reindex`` rebuilds."""
        try:
            if present:
                self.update(slug)
            else:
                self.discard(slug)
        except SearchUnavailable as error:
            self.warn(f"search index not updated ({error}); run 'listenalong reindex'")
