"""Write files so that readers see all of it or none of it: into a temp file beside the
target, then renamed over it. The one place that does this; every writer uses it."""
from __future__ import annotations

import contextlib
import os
import tempfile
from pathlib import Path
from typing import Iterator

TEMP_PREFIX = ".tmp-"


@contextlib.contextmanager
def replacing(path: str | os.PathLike, suffix: str = "", durable: bool = False,
              prefix: str = TEMP_PREFIX) -> Iterator[Path]:
    """Yield a temp path in ``path``'s folder to write; when the block ends, the temp file
    is renamed to ``path`` (mode 0644). If the block raises, the temp file is removed and
    ``path`` is left as it was. ``durable`` fsyncs the file and the folder too."""
    target = Path(path)
    fd, name = tempfile.mkstemp(prefix=prefix, suffix=suffix, dir=target.parent)
    os.close(fd)
    tmp = Path(name)
    try:
        yield tmp
        if durable:
            _fsync(tmp, os.O_RDWR)
        os.chmod(tmp, 0o644)  # mkstemp makes 0600; readers may be another user
        os.replace(tmp, target)
        if durable:
            _fsync(target.parent, os.O_RDONLY)
    except BaseException:
        with contextlib.suppress(OSError):
            tmp.unlink()
        raise


def write_text(path: str | os.PathLike, text: str) -> None:
    """Write ``text`` as UTF-8 (LF line ends) to ``path``, atomically."""
    write_texts({path: text})


def write_texts(texts: dict) -> None:
    """Write several files ``{path: text}`` together: every one is written to its temp
    file first, and only when all are written are they renamed into place, so a full disk
    leaves all of them as they were, never some old and some new."""
    with contextlib.ExitStack() as stack:
        for path, text in texts.items():
            tmp = stack.enter_context(replacing(path))
            _write(tmp, text)


def _write(path: Path, text: str) -> None:
    with open(path, "w", encoding="utf-8", newline="\n") as handle:
        handle.write(text)


def _fsync(path: Path, flags: int) -> None:
    with contextlib.suppress(OSError):
        fd = os.open(path, flags)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)
