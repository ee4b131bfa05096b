"""Keeping the index in step with the episode folders (the source of truth).

* :meth:`Indexer.rebuild` writes a whole new database beside the old one and renames it
  into place (:func:`webapp.core.atomic.replacing`), so a crash never leaves half an index.
* :meth:`Indexer.update` / :meth:`Indexer.discard` keep one episode current (the
  library's ``on_change`` calls them on add and remove).
* :meth:`Indexer.sync` catches up with folders changed behind its back, comparing each
  folder's signature (the episode's version: :func:`webapp.core.episodes.version_of`);
  :meth:`Indexer.ensure` does that at most every ``sync_interval`` seconds.
"""
from __future__ import annotations

import contextlib
import logging
import os
import threading
import time
from pathlib import Path
from typing import Callable

from ..atomic import replacing
from ..episodes import SLUG, BrokenEpisode, Library, version_of
from ..errors import InputError
from . import store
from .hits import clean_text

log = logging.getLogger(__name__)

Progress = Callable[[int, int], None]
BUILDING_PREFIX = ".building-"
PACE = 200              # folders compared between two pauses of a background comparison
CATCH_UP_PAUSE = 0.02   # seconds: 10,000 folders take about 1 s, in steps of ~3 ms


def signature(folder: str) -> str | None:
    """The version of the episode in ``folder``, as the index keeps it."""
    return version_of(folder)


def signatures_on_disk(root: Path, pause: float = 0.0) -> dict[str, str]:
    """``{slug: signature}`` of every episode folder (plain ``os`` calls: this runs every
    few seconds on a live library). With ``pause``, it sleeps that long after every
    :data:`PACE` folders, so that a comparison in the background never holds the
    interpreter long enough to slow a search down."""
    try:
        entries = list(os.scandir(root))
    except OSError:
        return {}
    found = {}
    for number, entry in enumerate(entries, 1):
        if pause and number % PACE == 0:
            time.sleep(pause)
        if SLUG.match(entry.name):
            mark = signature(os.path.join(root, entry.name))
            if mark:
                found[entry.name] = mark
    return found


class Indexer:
    def __init__(self, library: Library, index: store.Store, sync_interval: float = 10.0):
        self.library = library
        self.store = index
        self.sync_interval = sync_interval
        self._ready_lock = threading.Lock()
        self._catching_up = threading.Lock()
        self._checked_at = float("-inf")
        self._root_mtime: int | None = None

    def episode_rows(self, slug: str) -> tuple[str, str, list[tuple]] | None:
        """(title, signature, cue rows) read from the episode folder, or None if unreadable:
        the cues of its main transcript, then of each of its other languages (a row's
        ``alt`` is 1), each row with the language of its transcript."""
        try:
            opened = self.library.open(slug, words=False)
        except (BrokenEpisode, InputError, OSError, ValueError) as error:
            log.warning("search index: skipping %s: %s", slug, error)
            return None
        if opened is None:
            return None
        title = opened.episode.title
        transcripts = [(opened.transcript, opened.episode.language, 0)]
        for entry in opened.episode.other_transcripts:
            try:
                other = self.library.open_language(slug, entry["language"])
            except (BrokenEpisode, InputError, OSError, ValueError) as error:
                log.warning("search index: skipping %s's %s transcript: %s",
                            slug, entry["language"], error)
                continue
            if other is not None:
                transcripts.append((other.transcript, entry["language"], 1))
        rows = [(slug, title, number, cue.start, cue.end, cue.speaker, clean_text(cue.text),
                 language, alt)
                for transcript, language, alt in transcripts
                for number, cue in enumerate(transcript.cues)]
        return title, opened.version, rows

    # ---- the whole index -----------------------------------------------------------------
    def rebuild(self, progress: Progress | None = None) -> dict:
        """Build the whole index afresh from the episode folders, atomically.

        Returns ``{"episodes": n, "cues": n, "skipped": [slug, ...]}``.
        """
        with self.store.writer_lock():
            return self._rebuild(progress)

    def _rebuild(self, progress: Progress | None) -> dict:
        folder = self.store.path.parent
        for stale in folder.glob(BUILDING_PREFIX + "*"):  # left by a crash; we hold the lock
            with contextlib.suppress(OSError):
                stale.unlink()
        with replacing(self.store.path, prefix=BUILDING_PREFIX, suffix=".sqlite",
                       durable=True) as tmp:
            db = store.connect(tmp)
            try:
                stats = self._fill(db, progress)
            finally:
                db.close()
            self.store.retire()
        self._checked_at = time.monotonic()
        return stats

    def _fill(self, db, progress: Progress | None) -> dict:
        """Write every episode into the empty database ``db``; FTS is built at the end."""
        db.execute("PRAGMA journal_mode = OFF")
        db.execute("PRAGMA synchronous = OFF")
        db.executescript(store.SCHEMA)
        db.execute("BEGIN")
        stats = {"episodes": 0, "cues": 0, "skipped": []}
        next_id = 1
        for slug, found in self.every_episode(stats, progress):
            next_id = store.insert_episode(db, slug, *found, first=next_id)
        for n in range(store.make_shards(db, next_id - 1, triggers=False)):
            store.fill_shard(db, n)
        store.make_shards(db, next_id - 1)    # their triggers, from now on
        db.execute(f"PRAGMA user_version = {store.SCHEMA_VERSION}")
        db.execute("COMMIT")
        db.execute("PRAGMA journal_mode = WAL")   # persistent: readers never wait
        return stats

    def every_episode(self, stats: dict, progress: Progress | None):
        """``(slug, rows)`` of every readable episode, oldest first (so the newest get the
        highest row ids: see RANK_CANDIDATES), counting into ``stats``."""
        slugs = [e.slug for e in sorted(self.library.episodes(), key=lambda e: (e.added, e.slug))]
        for done, slug in enumerate(slugs, start=1):
            found = self.episode_rows(slug)
            if found is None:
                stats["skipped"].append(slug)
            else:
                yield slug, found
                stats["episodes"] += 1
                stats["cues"] += len(found[2])
            if progress:
                progress(done, len(slugs))

    # ---- one episode ---------------------------------------------------------------------
    def update(self, slug: str) -> bool:
        """(Re)index one episode from its folder. With no index yet, nothing is made (the
        app builds the whole index when it first needs it); an unreadable one is rebuilt.
        Returns True when the episode is now in the index."""
        if not self.store.exists():
            return False
        with self.store.writer_lock():
            if not self.store.is_valid():
                self._rebuild(None)
                return self.store.has(slug)
            found = self.episode_rows(slug)
            with self.store.transaction() as db:
                self.store.delete_episode(db, slug)
                if found is not None:
                    self.store.insert_episode(db, slug, *found)
            return found is not None

    def discard(self, slug: str) -> None:
        """Drop one episode from the index (nothing to do when there is no index)."""
        if not self.store.exists():
            return
        with self.store.writer_lock():
            if not self.store.is_valid():
                return
            with self.store.transaction() as db:
                self.store.delete_episode(db, slug)

    # ---- catching up ---------------------------------------------------------------------
    def sync(self, wait: bool = True, pause: float = 0.0) -> dict:
        """Bring the index up to date with the folders: index new or changed episodes, drop
        gone ones. Rebuilds when the index is missing or of another schema.

        With ``wait=False`` a valid index is left as it is while another writer is busy
        (returns ``{"busy": True}``); a missing one is still waited for. ``pause``: see
        :func:`signatures_on_disk`."""
        on_disk = signatures_on_disk(self.library.root, pause)   # slow: before the lock
        with self.store.writer_lock(wait=wait or not self.store.is_valid()) as locked:
            if not locked:
                return {"busy": True}
            if not self.store.is_valid():
                stats = self._rebuild(None)
                return {"rebuilt": True, "updated": stats["episodes"], "removed": 0}
            changed, gone = self._differences(self.store.signatures(), on_disk)
            if changed or gone:
                self._replace(gone, changed)
            return {"rebuilt": False, "updated": len(changed), "removed": len(gone)}

    def _differences(self, indexed: dict[str, str],
                     on_disk: dict[str, str]) -> tuple[list[str], list[str]]:
        """(changed, gone): the folders were read before the lock was taken, so each one
        that differs is looked at again now (an episode added or removed in between by
        another writer is neither dropped nor indexed twice)."""
        suspects = [s for s, mark in on_disk.items() if indexed.get(s) != mark]
        suspects += [s for s in indexed if s not in on_disk]
        changed, gone = [], []
        for slug in suspects:
            now = signature(os.path.join(self.library.root, slug))
            if now is None:
                if slug in indexed:
                    gone.append(slug)
            elif now != indexed.get(slug):
                changed.append(slug)
        return changed, gone

    def _replace(self, gone: list[str], changed: list[str]) -> None:
        with self.store.transaction() as db:
            for slug in gone + changed:
                self.store.delete_episode(db, slug)
            for slug in changed:
                found = self.episode_rows(slug)
                if found is not None:
                    self.store.insert_episode(db, slug, *found)

    def _catch_up_later(self) -> None:
        """Compare the folders with the index in a thread of its own (one at a time), so
        that no search waits for the comparison of thousands of folders."""
        def catch_up():
            try:
                self.sync(wait=False, pause=CATCH_UP_PAUSE)
            except store.SearchUnavailable as error:
                log.warning("search index not brought up to date: %s", error)
            finally:
                self._catching_up.release()

        if self._catching_up.acquire(blocking=False):
            threading.Thread(target=catch_up, name="search-catch-up", daemon=True).start()

    def ensure(self, force: bool = False) -> None:
        """Make sure the index exists and is current: cheap when nothing changed.

        At once when the library folder itself changed (an episode added or removed) or
        there is no index; every ``sync_interval`` seconds, the folders are compared in the
        background while searches go on."""
        with self._ready_lock:
            now = time.monotonic()
            try:
                root_mtime = self.library.root.stat().st_mtime_ns
            except OSError:
                root_mtime = None
            due = force or root_mtime != self._root_mtime or \
                now - self._checked_at >= self.sync_interval or not self.store.exists()
            if not due:
                return
            if root_mtime is None:      # no library folder: nothing to index, nothing to make
                self._root_mtime = None
                self._checked_at = now
                return
            if not force and root_mtime == self._root_mtime and self.store.exists():
                self._checked_at = now  # only the interval is up: catch up behind the readers
                self._catch_up_later()
                return
            try:
                busy = self.sync(wait=force).get("busy")
            except store.SearchUnavailable as error:
                if not self.store.is_valid():
                    raise
                # cannot write (a read-only library): serve the index as it is
                log.warning("search index not brought up to date: %s", error)
                busy = False
            if busy:
                return                  # another writer is at it: serve what is there
            self._root_mtime = root_mtime
            self._checked_at = time.monotonic()
