"""Transcript readers, one module per family, and the detector that picks one.

Each reader takes decoded text and returns a :class:`Parsed`: draft cues (start, maybe
end, speaker, text, source line), episode notes, and warnings. Timing rules shared by
all formats live in :mod:`webapp.core.timing`.
"""
from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class Draft:
    start: float
    text: str
    speaker: str | None = None
    line: int | None = None
    end: float | None = None


@dataclass
class Parsed:
    drafts: list[Draft]
    notes: str = ""
    warnings: list = field(default_factory=list)
