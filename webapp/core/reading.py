"""File → :class:`Transcript`: decode, detect the format, read, apply timing rules."""
from __future__ import annotations

import os
import re
import stat

from .decoding import decode
from .errors import InputError
from .formats import Parsed
from .formats.html_transcript import looks_like_html, read_html
from .formats.json_segments import read_json
from .formats.paragraphs import OTTER, read_otter, read_rev, rev_head
from .formats.plain_text import read_plain
from .formats.timed_blocks import TIMING, read_srt, read_vtt
from .model import Transcript
from .timing import to_cues

READERS = {
    "rev": read_rev,
    "otter": read_otter,
    "srt": read_srt,
    "vtt": read_vtt,
    "json": read_json,
    "html": read_html,
}
FORMAT_NAMES = tuple(READERS)
MAX_BYTES = 50 * 1024 * 1024


def detect(text: str) -> str:
    """Name the transcript format of ``text``, or raise :class:`InputError`."""
    head = text.lstrip("\ufeff \t\n")
    if re.match(r"WEBVTT(?:[ \t\n]|$)", head):
        return "vtt"
    if head.startswith("{") or (head.startswith("[") and not re.match(r"\[\s*\d+:", head)):
        return "json"
    if looks_like_html(head):
        return "html"
    lines = text.split("\n")
    if any(TIMING.match(line) for line in lines):
        return "srt"
    if any(rev_head(line.strip()) for line in lines):
        return "rev"
    if any(OTTER.match(line.strip()) for line in lines):
        return "otter"
    raise InputError("no timestamps found; expected 'Speaker (MM:SS):' lines (Rev), "
                     "'Name  0:00' (Otter), SRT, WebVTT, JSON or HTML; pick one with --from, "
                     "or add it with its audio (listenalong add FILE --audio AUDIO) to time "
                     "it from the audio")


def parse_text(text: str, fmt: str | None = None, duration: float | None = None,
               untimed: bool = False) -> Transcript:
    """Read decoded transcript text into a :class:`Transcript`. With ``untimed`` (the
    audio is there to time it, so ``duration`` is known), text with no timestamps is read
    as plain paragraphs whose starts are estimates."""
    if untimed and duration and fmt is None:
        try:
            detect(text)
        except InputError:
            fmt = "text"
    if fmt == "text" and duration:
        parsed = read_plain(text, duration)
        if not parsed.cues:
            raise InputError("the transcript holds no text")
        return Transcript(cues=to_cues(parsed.cues, duration), notes="",
                          warnings=parsed.warnings)
    name = fmt or detect(text)
    if name not in READERS:
        raise InputError(f"unknown format {name!r}; use one of: {', '.join(FORMAT_NAMES)}")
    parsed: Parsed = READERS[name](text)
    if not parsed.cues and name in ("rev", "otter"):
        raise InputError(f"no timestamped paragraphs found for --from {name}; check the "
                         f"format, or let it be detected")
    cues = to_cues(parsed.cues, duration)
    return Transcript(cues=cues, notes=parsed.notes, warnings=parsed.warnings)


def read_bytes(path: str | os.PathLike, limit: int = MAX_BYTES) -> bytes:
    """The bytes of a regular file of at most ``limit`` bytes, or :class:`InputError`.

    Devices (``/dev/zero``), pipes and sockets are refused before anything is read: opened
    without blocking, checked with ``fstat``, and read no further than the limit."""
    name = os.fspath(path)
    try:
        fd = os.open(name, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    except FileNotFoundError:
        raise InputError("no such file; check the path", path=name) from None
    except IsADirectoryError:
        raise InputError("this is a folder; give the transcript file inside it", path=name) from None
    except PermissionError:
        raise InputError("permission denied; make the file readable", path=name) from None
    except OSError as error:
        raise InputError(f"cannot open this file ({error.strerror})", path=name) from None
    try:
        info = os.fstat(fd)
        if stat.S_ISDIR(info.st_mode):
            raise InputError("this is a folder; give the file inside it", path=name)
        if not stat.S_ISREG(info.st_mode):
            raise InputError("this is not a regular file (a device, pipe or socket); give "
                             "the file itself", path=name)
    except BaseException:
        os.close(fd)     # a folder opens on Linux: closed here, not leaked
        raise
    with os.fdopen(fd, "rb") as handle:
        data = handle.read(limit + 1)
    if len(data) > limit:
        raise InputError(f"the file is over {limit // 2**20} MB; is this a transcript?", path=name)
    return data


def read_transcript(path: str | os.PathLike, fmt: str | None = None,
                    duration: float | None = None, untimed: bool = False) -> Transcript:
    """Read a transcript file (``untimed``: see :func:`parse_text`). Errors and warnings
    name ``path``."""
    name = os.fspath(path)
    data = read_bytes(name)
    try:
        transcript = parse_text(decode(data), fmt, duration, untimed)
    except InputError as error:
        raise error.located(name)
    for warning in transcript.warnings:
        warning.path = name
    return transcript
