"""Moments in an episode: reading ``?t=`` values, and the quote found at a moment.

A ``t`` is a time or a range of two times joined by a comma::

    754   754.5   12:34   1:02:03   12:34.5   1h2m3s   2m   45s   1h   npt:754
    754,800   12:34,13:00   ,30 (from the start to 0:30)

Times never raise on the page: :func:`parse_moment` turns anything unusable into "start
from the beginning" plus a notice for the reader. Clips want strictness instead:
:func:`parse_range` raises :class:`ValueError` with a message fit to show.
"""
from __future__ import annotations

import bisect
import re
from dataclasses import dataclass
from urllib.parse import quote as quote_url

from .model import Cue

MAX_RAW = 64  # longer t values are not times; do not even try
# ASCII digits only: Python's \d (and int/float) would take "٣" too.
_SECONDS = re.compile(r"^(\d{1,9})(?:\.(\d{1,6}))?$", re.A)
_CLOCK = re.compile(r"^(\d{1,4})(?::(\d{1,2})){1,2}(?:\.(\d{1,6}))?$", re.A)
_UNITS = re.compile(r"^(?:(\d{1,4})h)?(?:(\d{1,6})m)?(?:(\d{1,9}(?:\.\d{1,6})?)s)?$",
                    re.I | re.A)


def parse_time(text: str) -> float:
    """Seconds from one time in any accepted spelling; ValueError when it is not one.

    Fields after the first of a clock must be below 60 (``1:75`` is refused, not guessed).
    Negative values, exponents, ``nan`` and ``inf`` are refused. Rounded to the millisecond.
    """
    raw = text.strip()
    if raw[:4].lower() == "npt:":  # Media Fragments' "normal play time" prefix
        raw = raw[4:].strip()
    if not raw or len(raw) > MAX_RAW:
        raise ValueError(f"not a time: {text!r}")
    match = _SECONDS.match(raw)
    if match:
        return round(float(raw), 3)
    if _CLOCK.match(raw):
        clock, _, fraction = raw.partition(".")
        fields = [int(f) for f in clock.split(":")]
        if any(f >= 60 for f in fields[1:]):
            raise ValueError(f"not a time: {text!r} (minutes and seconds go up to 59)")
        seconds = 0
        for field in fields:
            seconds = seconds * 60 + field
        return round(seconds + (float("0." + fraction) if fraction else 0.0), 3)
    match = _UNITS.match(raw)
    if match and any(match.groups()):
        hours, minutes, seconds = match.groups()
        total = int(hours or 0) * 3600 + int(minutes or 0) * 60 + float(seconds or 0)
        return round(total, 3)
    raise ValueError(f"not a time: {text!r}")


def format_time(seconds: float) -> str:
    """A ``t`` value for links: whole seconds as ``754``, otherwise ``754.5``."""
    return f"{seconds:.3f}".rstrip("0").rstrip(".")


def format_t(start: float, end: float | None = None) -> str:
    """``754`` or ``754,800``: the canonical spelling of a moment in our links."""
    return format_time(start) if end is None else f"{format_time(start)},{format_time(end)}"


def moment_href(start: float, end: float | None = None, cue_number: int | None = None,
                lang: str = "") -> str:
    """The query (and fragment) of a link to a moment of an episode page: ``?t=754`` or
    ``?t=754#cue-12``. With the anchor, the page lands on that cue even without
    JavaScript (static/js/time.js builds the same links in the browser); ``lang`` keeps
    the transcript in another language that the page shows (``?t=754&lang=de``)."""
    anchor = f"#cue-{cue_number}" if cue_number is not None else ""
    return f"?t={format_t(start, end)}{lang_query(lang, '&')}{anchor}"


def lang_query(lang: str, joint: str = "?") -> str:
    """``?lang=de`` (or ``&lang=de``) for a transcript in another language, "" for none."""
    return f"{joint}lang={quote_url(lang, safe='-')}" if lang else ""


@dataclass(frozen=True)
class Moment:
    """Where a link asks the page to start (and stop). ``notice`` is the raw ``t`` value
    when it was refused (the page says so and starts from the beginning)."""

    start: float | None = None
    end: float | None = None
    notice: str | None = None

    @property
    def is_range(self) -> bool:
        return self.start is not None and self.end is not None

    @property
    def t(self) -> str | None:
        return None if self.start is None else format_t(self.start, self.end)


def _split(raw: str) -> tuple[str, str | None]:
    head, comma, tail = raw.partition(",")
    return head, (tail if comma else None)


def parse_moment(raw: str | None, duration: float) -> Moment:
    """The moment a page's ``?t=`` asks for; never raises.

    * missing or empty: no moment, no notice;
    * a start that is unreadable, negative or at/after the end of the episode: no moment,
      and ``notice`` carries the raw value (shortened) for the reader;
    * a range whose end is unreadable or not after its start: just the start;
    * a range whose end is past the episode's end: the end is clamped to the duration.
    """
    if raw is None or not raw.strip():
        return Moment()
    shown = raw.strip() if len(raw.strip()) <= 40 else raw.strip()[:39] + "…"
    head, tail = _split(raw)
    try:
        start = parse_time(head) if head.strip() or tail is None else 0.0
    except ValueError:
        return Moment(notice=shown)
    if not 0 <= start < duration:
        return Moment(notice=shown)
    end = None
    if tail is not None:
        try:
            end = min(parse_time(tail), round(duration, 3))
        except ValueError:
            end = None
        if end is not None and end <= start:
            end = None
    return Moment(start=start, end=end)


@dataclass(frozen=True)
class Landing:
    """Where a page opened with ``?t=`` lands: the moment, the index of the cue at its
    start (``target``), and the cues of a range (``in_range``, empty for a moment)."""

    moment: Moment
    target: int | None = None
    in_range: range = range(0)


def landing(cues: list[Cue], raw: str | None, duration: float) -> Landing:
    """The :class:`Landing` of ``?t=raw`` on an episode of ``duration`` with ``cues``."""
    moment = parse_moment(raw, duration)
    if moment.start is None or not cues:
        return Landing(moment)
    in_range = cues_in_range(cues, moment.start, moment.end) if moment.is_range else range(0)
    return Landing(moment, cue_at(cues, moment.start), in_range)


def parse_range(raw: str | None, duration: float, longest: float) -> tuple[float, float]:
    """``(start, end)`` of a ``t=START,END`` range for a clip, checked strictly.

    Raises ValueError with a message for the reader when the range is missing, unreadable,
    empty or backwards, longer than ``longest`` seconds, or reaches past ``duration``.
    """
    if raw is None or not raw.strip():
        raise ValueError("Give the clip's range as t=START,END (for example t=12:34,13:00).")
    head, tail = _split(raw)
    if tail is None:
        raise ValueError("A clip needs an end too: t=START,END (for example t=12:34,13:00).")
    try:
        start = parse_time(head) if head.strip() else 0.0
        end = parse_time(tail)
    except ValueError:
        raise ValueError("That range isn't made of times we can read; write them like "
                         "754, 12:34, 1:02:03 or 1h2m3s.") from None
    if end <= start:
        raise ValueError("The clip's end must come after its start.")
    if end - start > longest + 1e-9:
        raise ValueError(f"Clips can be at most {format_time(longest)} seconds long.")
    if end > duration + 1e-9:
        raise ValueError("That range goes past the end of the episode.")
    return start, end


# ---- quotes ---------------------------------------------------------------------------

def cue_at(cues: list[Cue], seconds: float) -> int:
    """Index of the cue playing at ``seconds`` (the last that starts at or before it; the
    first cue for a time before any cue)."""
    return max(0, bisect.bisect_right([c.start for c in cues], seconds) - 1)


def cues_in_range(cues: list[Cue], start: float, end: float) -> range:
    """Indices of the cues heard between ``start`` and ``end``: those overlapping it, and
    always the cue playing at ``start``."""
    first = cue_at(cues, start)
    last = first
    while last + 1 < len(cues) and cues[last + 1].start < end:
        last += 1
    return range(first, last + 1)


_SENTENCE_END = re.compile(r"[.!?…][\"'”’)\]]*(?=\s|$)")


def trim_quote(text: str, limit: int = 200) -> str:
    """``text`` on one line, cut to at most ``limit`` characters: at the end of its last
    whole sentence that fits, else at a word with an ellipsis."""
    flat = " ".join(text.split())
    if len(flat) <= limit:
        return flat
    ends = [m.end() for m in _SENTENCE_END.finditer(flat, 0, limit + 1) if m.end() <= limit]
    if ends and ends[-1] >= limit // 10:  # a whole sentence, unless it is only "Yes."
        return flat[:ends[-1]]
    cut = flat[:limit - 1]
    space = cut.rfind(" ")
    if space >= limit // 2:
        cut = cut[:space]
    return cut.rstrip(" ,;:-–—") + "…"


def speaker_of(cues: list[Cue], index: int) -> str | None:
    """The speaker of cue ``index``: its own, else the last one named before it."""
    for i in range(index, -1, -1):
        if cues[i].speaker:
            return cues[i].speaker
    return None


def quote(cues: list[Cue], first: int, last: int, limit: int = 200) -> tuple[str | None, str]:
    """``(speaker, text)`` of cues ``first``..``last``, the text trimmed to ``limit``."""
    text = " ".join(cues[i].text for i in range(first, last + 1))
    return speaker_of(cues, first), trim_quote(text, limit)
