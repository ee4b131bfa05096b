"""Search results: one :class:`Hit` per matching cue, its snippet cut into marked pieces."""
from __future__ import annotations

import functools
import re
from dataclasses import dataclass

from .segmenting import SEP, segment

HIT_START, HIT_END = "\x02", "\x03"   # snippet() sentinels: never in indexed text


@dataclass
class Hit:
    episode: str
    title: str
    cue: int          # 0-based index of the cue in its episode
    start: float
    end: float
    speaker: str | None
    marked: str       # snippet with HIT_START/HIT_END around the matched words
    score: float
    play_at: float | None = None   # where playing it starts: the matched word, once timed
    language: str = ""    # the language of the transcript the cue is in ("" unknown)
    alternate: bool = False   # in one of the episode's other transcripts (not its main one)

    @property
    def first_match(self) -> str:
        """The first matched piece of the snippet ("" when none is marked)."""
        return next((text for text, matched in self.parts if matched), "")

    @functools.cached_property
    def parts(self) -> list[tuple[str, bool]]:
        """The snippet as ``(text, matched)`` pieces, for templates to escape and mark."""
        return snippet_parts(self.marked)

    @property
    def snippet(self) -> str:
        return "".join(text for text, _ in self.parts)

    @property
    def highlights(self) -> list[list[int]]:
        """``[start, end)`` character offsets of the matched words in :attr:`snippet`."""
        spans, at = [], 0
        for text, matched in self.parts:
            if matched:
                spans.append([at, at + len(text)])
            at += len(text)
        return spans


_SENTINELS = re.compile(f"([{HIT_START}{HIT_END}])")


def snippet_parts(marked: str) -> list[tuple[str, bool]]:
    """Split a sentinel-marked snippet into pieces; unbalanced sentinels are dropped."""
    parts: list[tuple[str, bool]] = []
    inside = False
    for piece in _SENTINELS.split(marked):
        if piece in (HIT_START, HIT_END):   # a stray one changes nothing
            inside = piece == HIT_START
            continue
        if not piece:
            continue
        if parts and parts[-1][1] == inside:
            parts[-1] = (parts[-1][0] + piece, inside)
        else:
            parts.append((piece, inside))
    return parts


def clean_text(text: str) -> str:
    """Cue text as indexed: without the snippet sentinels or the word separator of
    :mod:`.segmenting`, then segmented."""
    if HIT_START in text or HIT_END in text or SEP in text:
        text = text.replace(HIT_START, " ").replace(HIT_END, " ").replace(SEP, " ")
    return segment(text)
