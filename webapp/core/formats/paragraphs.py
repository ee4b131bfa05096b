"""Timestamped paragraphs: Rev-style and Otter-style exports.

Rev:   ``Speaker Name (MM:SS):`` or ``(H:MM:SS):`` alone on a line, then the paragraph;
       a bare ``(MM:SS):`` continues the previous speaker. Also ``Speaker (00:12): text``
       and ``[00:12] Speaker: text`` on one line.
Otter: ``Name  0:00`` (two or more spaces), then the text lines.

Lines before the first timestamp (a title, "Transcript", a disclaimer) are not cues; an
"Episode Info"-style heading after the last paragraph starts the episode notes.
"""
from __future__ import annotations

import re
from typing import Callable, NamedTuple

from ..errors import Warn
from ..timecode import CLOCK, clock, parse_clock
from . import Draft, Parsed

_TS = rf"{CLOCK}(?:[.,]\d{{1,3}})?"
_SPEAKER = r"[^\s()\[\]:][^()\[\]:]{0,79}?"
REV_PAREN = re.compile(rf"^(?:(?P<speaker>{_SPEAKER})\s+)?\((?P<ts>{_TS})\)(?::\s*(?P<text>.*)|\s*)$")
REV_BRACKET = re.compile(rf"^\[(?P<ts>{_TS})\]\s*(?:(?P<speaker>[^\s:\[\]][^:\[\]]{{0,49}}?):\s+)?(?P<text>.*)$")
OTTER = re.compile(rf"^(?P<speaker>\S.{{0,79}}?)[ \t]{{2,}}(?P<ts>{_TS})\s*$")
NOTES_HEADING = re.compile(
    r"^(episode info|episode information|episode notes|show notes|episode description|"
    r"about this episode|transcribed by .*)$", re.IGNORECASE)
_MAX_SPEAKER_WORDS = 6


class Head(NamedTuple):
    ts: str
    speaker: str | None
    text: str


def rev_head(line: str) -> Head | None:
    match = REV_PAREN.match(line) or REV_BRACKET.match(line)
    if not match:
        return None
    speaker = (match.group("speaker") or "").strip() or None
    if speaker and len(speaker.split()) > _MAX_SPEAKER_WORDS:
        return None
    return Head(match.group("ts"), speaker, (match.group("text") or "").strip())


def otter_head(line: str) -> Head | None:
    match = OTTER.match(line)
    if not match:
        return None
    speaker = match.group("speaker").strip()
    if len(speaker.split()) > _MAX_SPEAKER_WORDS:
        return None
    return Head(match.group("ts"), speaker, "")


def read_rev(text: str) -> Parsed:
    return _read(text, rev_head)


def read_otter(text: str) -> Parsed:
    return _read(text, otter_head)


def _read(text: str, head_of: Callable[[str], Head | None]) -> Parsed:
    drafts: list[Draft] = []
    warnings: list[Warn] = []
    notes: list[str] | None = None
    paragraphs: list[list[str]] = []
    speaker: str | None = None

    def close() -> None:
        if not drafts:
            return
        body = "\n".join(" ".join(p) for p in paragraphs if p)
        if body:
            drafts[-1].text = body
        else:
            warnings.append(Warn("a timestamp with no text after it; skipped it "
                                 "(delete the line or add the text)", drafts[-1].line))
            drafts.pop()
        paragraphs.clear()

    for number, raw in enumerate(text.split("\n"), start=1):
        line = raw.strip()
        if notes is not None:
            notes.append(line)
            continue
        head = head_of(line)
        if head is None:
            if not drafts:
                continue  # header lines before the first timestamp
            if NOTES_HEADING.match(line):
                notes = [line] if line.lower().startswith("transcribed by") else []
                continue
            if not line:
                if paragraphs and paragraphs[-1]:
                    paragraphs.append([])
                continue
            if not paragraphs:
                paragraphs.append([])
            paragraphs[-1].append(line)
            continue
        close()
        seconds, overflowed = parse_clock(head.ts)
        if overflowed:
            warnings.append(Warn(f"timestamp {head.ts} has a field of 60 or more; read it as "
                                 f"{clock(seconds)} (check the timestamp)", number))
        speaker = head.speaker or speaker
        drafts.append(Draft(start=seconds, text="", speaker=speaker, line=number))
        if head.text:
            paragraphs.append([head.text])
    close()
    note_text = "\n".join(notes).strip() if notes else ""
    return Parsed(drafts, re.sub(r"\n{3,}", "\n\n", note_text), warnings)
