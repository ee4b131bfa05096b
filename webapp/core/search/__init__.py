"""Full-text search across the library (SQLite FTS5). No Flask here.

The index is derived data, rebuildable at any time from the episode folders:

* :mod:`.query`   — what a person typed → a safe FTS5 expression (never passed raw);
* :mod:`.store`   — the database file, its schema, connections, the writers' lock, the
  one insert statement, and the error boundary (:class:`SearchUnavailable`);
* :mod:`.indexer` — rebuilds, one-episode updates, catching up with changed folders;
* :mod:`.ranking` — matching and ordering cues (phrase tier, bm25, a candidate cap);
* :mod:`.hits`    — a result and its marked snippet.

:class:`SearchIndex` puts them together for callers. Every method raises only
:class:`SearchUnavailable` for a database or file problem; callers turn it into one
line (the CLI) or a 503 page (the web).
"""
from __future__ import annotations

import functools
import logging
import sqlite3
from typing import Callable

from ..library import Library
from . import ranking, store
from .hits import HIT_END, HIT_START, Hit, snippet_parts
from .indexer import Indexer, Progress
from .query import MAX_QUERY_CHARS, Query, QueryTooLong, clean, parse_query
from .ranking import DEFAULT_LIMIT, MAX_LIMIT
from .store import TOKENIZE, SearchUnavailable, guard, index_path

__all__ = [
    "SearchIndex", "SearchUnavailable", "Hit", "Query", "QueryTooLong", "parse_query",
    "clean", "index_path", "snippet_parts", "index_updater", "HIT_START", "HIT_END",
    "DEFAULT_LIMIT", "MAX_LIMIT", "MAX_QUERY_CHARS", "TOKENIZE",
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
    """The search index of one library folder. A damaged index (SQLite's quick_check
    fails) is rebuilt by itself the first time a search or a check meets it."""

    def __init__(self, library: Library, sync_interval: float = 10.0):
        self.library = library
        self.path = index_path(library.root)
        self.store = store.Store(self.path)
        self.indexer = Indexer(library, self.store, sync_interval)

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
               limit: int = DEFAULT_LIMIT) -> list[Hit]:
        """See :func:`webapp.core.search.ranking.search`."""
        return ranking.search(self.store, query, episode, limit)


def index_updater(root, warn: Callable[[str], None]) -> Callable[[str, bool], None]:
    """An ``on_change`` for :class:`~webapp.core.library.Library`: updates the search index
    of the library at ``root`` after every add (``present``) and remove. A failure there
    goes to ``warn``: the folders are the truth, and ``listenalong reindex`` rebuilds."""
    index = SearchIndex(Library(root))

    def changed(slug: str, present: bool) -> None:
        try:
            if present:
                index.update(slug)
            else:
                index.discard(slug)
        except SearchUnavailable as error:
            warn(f"search index not updated ({error}); run 'listenalong reindex'")

    return changed
