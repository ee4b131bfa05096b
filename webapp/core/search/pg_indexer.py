"""Keeping the PostgreSQL index and catalogue in step with the episode folders: the
:class:`~.indexer.Indexer`, with a rebuild that replaces every row in one transaction
(readers see the old rows until it commits) and catalogue fields beside each episode."""
from __future__ import annotations

import time

from .indexer import Indexer, Progress
from .pg_store import PgStore, drop_empty_partitions


class PgIndexer(Indexer):
    store: PgStore

    def episode_rows(self, slug: str) -> tuple | None:
        """(title, signature, cue rows, catalogue fields), or None if unreadable."""
        found = super().episode_rows(slug)
        episode = self.library.get(slug)
        if found is None or episode is None:
            return None
        about = {"duration": episode.duration, "speakers": episode.speakers,
                 "cues": len(found[2]), "added": episode.added, "published": episode.published,
                 "aligned": self.library.words_file(slug) is not None}
        return (*found, about)

    def _rebuild(self, progress: Progress | None) -> dict:
        self.store.require_schema()
        stats = {"episodes": 0, "cues": 0, "skipped": []}
        with self.store.transaction() as db:
            db.execute("DELETE FROM episodes")     # their cues cascade
            for slug, found in self.every_episode(stats, progress):
                self.store.insert_episode(db, slug, *found)
        with self.store.transaction() as db:       # then, briefly, the emptied partitions
            drop_empty_partitions(db)
        with self.store.autocommit() as db:    # the planner's word counts, and nothing
            db.execute("VACUUM (ANALYZE) episodes, cues")   # left for autovacuum to do
        self._checked_at = time.monotonic()
        return stats
