"""Coordinating clip encodes across threads and worker processes, with files beside the
cache (so it works for any number of workers on one machine, or on a shared folder):

* :func:`in_flight` — one encode per clip: an ``O_EXCL`` lock file beside the cache entry.
  Whoever finds it taken waits for that encode instead of starting another.
* :func:`encoder_slot` — at most N encodes at once on this machine: N slot files in the
  machine's temp folder (CPU is per machine, whatever library or cache), each held with
  ``flock`` while an encode runs. Past them a request waits a moment, then gets
  :class:`ClipBusy` (the web answers 503 with Retry-After), so a flood of distinct ranges
  cannot take every core from the readers.
"""
from __future__ import annotations

import contextlib
import os
import tempfile
import time
from pathlib import Path
from typing import Iterator

try:
    import fcntl
except ImportError:  # pragma: no cover - Windows: slots are not enforced there
    fcntl = None

POLL = 0.05


class ClipBusy(RuntimeError):
    """Every encoder is busy: ask again in ``retry_after`` seconds."""

    def __init__(self, retry_after: int = 5):
        super().__init__("every clip encoder is busy; try again in a few seconds")
        self.retry_after = retry_after


@contextlib.contextmanager
def in_flight(target: Path, wait: float, stale_after: float) -> Iterator[bool]:
    """Hold ``<target>.lock`` while the block makes ``target``. Yields True once we hold
    it (the caller looks for the clip again first: whoever held it before may have made
    it), False when another process held it for all of ``wait`` seconds. A lock older than
    ``stale_after`` seconds was left by a killed worker and is taken over."""
    lock = target.with_name(target.name + ".lock")
    deadline = time.monotonic() + wait
    while True:
        try:
            fd = os.open(lock, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o644)
            break
        except FileExistsError:
            if _older_than(lock, stale_after):
                with contextlib.suppress(OSError):
                    lock.unlink()
                continue
            if time.monotonic() >= deadline:
                yield False
                return
            time.sleep(POLL)
    os.close(fd)
    try:
        yield True
    finally:
        with contextlib.suppress(OSError):
            lock.unlink()


def slot_folder() -> Path:
    folder = Path(tempfile.gettempdir()) / f"listenalong-encoders-{os.getuid() if hasattr(os, 'getuid') else 0}"
    folder.mkdir(mode=0o700, exist_ok=True)
    return folder


@contextlib.contextmanager
def encoder_slot(slots: int, wait: float) -> Iterator[None]:
    """Hold one of ``slots`` encoder slots for the block; :class:`ClipBusy` when none
    frees up within ``wait`` seconds."""
    if fcntl is None:
        yield
        return
    folder = slot_folder()
    handles = [open(folder / f"encoder-{n}.slot", "a+b") for n in range(slots)]
    try:
        held = _take_one(handles, time.monotonic() + wait)
        try:
            yield
        finally:
            fcntl.flock(held, fcntl.LOCK_UN)
    finally:
        for handle in handles:
            handle.close()


def _take_one(handles, deadline: float):
    while True:
        for handle in handles:
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
                return handle
            except BlockingIOError:
                continue
        if time.monotonic() >= deadline:
            raise ClipBusy()
        time.sleep(POLL)


def _older_than(path: Path, seconds: float) -> bool:
    try:
        return time.time() - path.stat().st_mtime > seconds
    except OSError:
        return False
