"""Clock strings ↔ seconds: the one reader of the times transcripts, chapters, feeds and
HTML transcripts write (``?t=`` links have their own, stricter reader: moments.py)."""
from __future__ import annotations

import re

CLOCK = r"\d{1,3}(?::\d{1,2}){1,2}"
MAX_SECONDS = 3_600_000.0  # 1,000 hours: past every clock we read; a larger time is a typo
_FRACTION = re.compile(r"^(?P<clock>\d{1,3}(?::\d{1,2}){0,2})(?:[.,](?P<frac>\d{1,3}))?$")
_SECONDS = re.compile(r"^\d{1,9}(?:\.\d+)?$", re.A)
_ISO_DURATION = re.compile(r"^P?T?(?:(?P<h>\d+(?:\.\d+)?)H)?(?:(?P<m>\d+(?:\.\d+)?)M)?"
                           r"(?:(?P<s>\d+(?:\.\d+)?)S)?$", re.IGNORECASE | re.A)


def parse_clock(text: str) -> tuple[float, bool]:
    """Read ``MM:SS``, ``H:MM:SS`` or either with ``.mmm``/``,mmm``.

    Returns ``(seconds, overflowed)``; ``overflowed`` is True when a field past the
    first was 60 or more (``08:60`` is read as 9:00, as its author meant).
    Raises ValueError on anything else.
    """
    match = _FRACTION.match(text.strip())
    if not match:
        raise ValueError(f"not a time: {text!r}")
    fields = [int(f) for f in match.group("clock").split(":")]
    overflowed = any(f >= 60 for f in fields[1:])
    seconds = 0
    for f in fields:
        seconds = seconds * 60 + f
    frac = match.group("frac")
    millis = int(frac.ljust(3, "0")) if frac else 0
    return round(seconds + millis / 1000, 3), overflowed


def parse_duration(text: str) -> float:
    """A length or an offset as feeds and Podcasting 2.0 HTML write it: seconds (``3600``,
    ``9.25``), a clock (``1:02:03``, ``62:03.5``) or an ISO 8601 duration (``PT1H2M3S``).
    Raises ValueError on anything else (a negative number included)."""
    value = str(text).strip()
    if _SECONDS.match(value):
        return round(float(value), 3)
    try:
        return parse_clock(value)[0]
    except ValueError:
        pass
    match = _ISO_DURATION.match(value)
    if not value or not match or not any(match.groupdict().values()):
        raise ValueError(f"not a duration: {text!r}")
    parts = {k: float(v or 0) for k, v in match.groupdict().items()}
    return round(parts["h"] * 3600 + parts["m"] * 60 + parts["s"], 3)


def _split(seconds: float) -> tuple[int, int, int, int]:
    total_ms = int(round(seconds * 1000))
    hours, rest = divmod(total_ms, 3_600_000)
    minutes, rest = divmod(rest, 60_000)
    secs, millis = divmod(rest, 1000)
    return hours, minutes, secs, millis


def vtt_time(seconds: float) -> str:
    """``HH:MM:SS.mmm``, as WebVTT wants."""
    h, m, s, ms = _split(seconds)
    return f"{h:02d}:{m:02d}:{s:02d}.{ms:03d}"


def srt_time(seconds: float) -> str:
    """``HH:MM:SS,mmm``, as SRT wants."""
    return vtt_time(seconds).replace(".", ",")


def clock(seconds: float) -> str:
    """``HH:MM:SS`` (whole seconds, rounded down), for people."""
    h, m, s, _ = _split(int(seconds))
    return f"{h:02d}:{m:02d}:{s:02d}"


def short_clock(seconds: float) -> str:
    """``M:SS`` or ``H:MM:SS``: the timestamp shown beside a cue."""
    h, m, s, _ = _split(int(seconds))
    return f"{h}:{m:02d}:{s:02d}" if h else f"{m}:{s:02d}"
