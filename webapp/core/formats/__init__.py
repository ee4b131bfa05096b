"""Transcript readers, one module per family, and the detector that picks one.

Each reader takes decoded text and returns a :data:`Parsed` transcript: draft cues (start,
maybe end, speaker, text, source line), episode notes, and warnings. Timing rules shared by
all formats live in :mod:`webapp.core.timing`.
"""
from __future__ import annotations

from dataclasses import dataclass

from ..errors import Warn
from ..model import Cue, Transcript
from ..timecode import clock, parse_clock


@dataclass(kw_only=True)
class Draft(Cue):
    """A cue as a reader found it: its end may be unknown until the timing rules
    (:mod:`webapp.core.timing`) settle it, and it remembers the line it came from."""

    end: float | None = None
    line: int | None = None


# What a reader returns: a transcript whose cues are still drafts.
Parsed = Transcript


def read_clock(value: str, line: int, warnings: list, what: str = "time",
               check: str = "timing") -> float:
    """A transcript's time (:func:`webapp.core.timecode.parse_clock`); a field of 60 or
    more (``08:60``) is read as its author meant, with a warning naming the line."""
    seconds, overflowed = parse_clock(value)
    if overflowed:
        warnings.append(Warn(f"{what} {value} has a field of 60 or more; read it as "
                             f"{clock(seconds)} (check the {check})", line))
    return seconds
