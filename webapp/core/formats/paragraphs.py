"""Timestamped paragraphs: Rev-style and Otter-style exports.

Rev:   ``Speaker Name (MM:SS):`` or ``(H:MM:SS):`` alone on a line, then the paragraph;
       a bare ``(MM:SS):`` continues the previous speaker. Also ``Speaker (00:12): text``
       and ``[00:12] Speaker: text`` on one line. The speaker is everything before the
       timestamp, whatever it holds: ``Jane Doe (Host) (00:12):``, ``Dr. A. "Ace" Smith``.
Otter: ``Name  0:00`` (two or more spaces), then the text lines.

No text is dropped: lines before the first timestamp (a title, "Transcript", a
disclaimer) are not cues but open the episode notes, as does an "Episode Info"-style
heading after the last paragraph; a line that looks like a timestamp line but holds no
readable time (``(-00:05):``) is a warning naming it and stays in the text.
"""
from __future__ import annotations

import re
from typing import Callable, NamedTuple

from ..errors import Warn
from ..timecode import CLOCK
from . import Draft, Parsed, read_clock

_TS = rf"{CLOCK}(?:[.,]\d{{1,3}})?"
REV_PAREN = re.compile(rf"^(?:(?P<speaker>\S.{{0,119}}?)\s*)?\((?P<ts>{_TS})\)(?::\s*(?P<text>.*)|\s*)$")
# A line that ends like a timestamp line, "(…):" or starts like "[…]", with digits and a
# colon inside, but that is not one (its time cannot be read): warned about, kept as text.
TIMESTAMPISH = re.compile(r"(?:\((?P<paren>[^()]*\d[^()]*:[^()]*)\)\s*:?\s*$)|"
                          r"(?:^\[(?P<bracket>[^\[\]]*\d[^\[\]]*:[^\[\]]*)\])")
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
    reader = _Reader(head_of)
    for number, raw in enumerate(text.split("\n"), start=1):
        reader.line(raw.strip(), number)
    return reader.finish()


class _Reader:
    """Timestamp lines start paragraphs; the lines after them are their text; lines before
    the first timestamp are a header (not cues), and an "Episode Info" heading after it
    starts the notes."""

    def __init__(self, head_of: Callable[[str], Head | None]):
        self.head_of = head_of
        self.drafts: list[Draft] = []
        self.warnings: list[Warn] = []
        self.header: list[str] = []   # text before the first timestamp
        self.notes: list[str] | None = None
        self.paragraphs: list[list[str]] = []
        self.speaker: str | None = None

    def line(self, line: str, number: int) -> None:
        if self.notes is not None:
            self.notes.append(line)
            return
        head = self.head_of(line)
        if head is not None:
            self.timestamp(head, number)
            return
        self.check_timestampish(line, number)
        if self.drafts:
            self.text(line)
        else:
            self.header.append(line)

    def check_timestampish(self, line: str, number: int) -> None:
        odd = TIMESTAMPISH.search(line)
        if odd:
            shown = odd.group("paren") or odd.group("bracket")
            self.warnings.append(Warn(f"this looks like a timestamp line, but ({shown.strip()}) "
                                      f"is not a time; kept the line as text (write the time "
                                      f"as MM:SS or H:MM:SS)", number))

    def text(self, line: str) -> None:
        paragraphs = self.paragraphs
        if NOTES_HEADING.match(line):
            self.notes = [line] if line.lower().startswith("transcribed by") else []
        elif not line:
            if paragraphs and paragraphs[-1]:
                paragraphs.append([])
        else:
            if not paragraphs:
                paragraphs.append([])
            paragraphs[-1].append(line)

    def timestamp(self, head: Head, number: int) -> None:
        self.close()
        seconds = read_clock(head.ts, number, self.warnings, "timestamp", "timestamp")
        self.speaker = head.speaker or self.speaker
        self.drafts.append(Draft(start=seconds, text="", speaker=self.speaker, line=number))
        if head.text:
            self.paragraphs.append([head.text])

    def close(self) -> None:
        """End the paragraph being read: its lines become the last draft's text."""
        if not self.drafts:
            return
        body = "\n".join(" ".join(p) for p in self.paragraphs if p)
        if body:
            self.drafts[-1].text = body
        else:
            self.warnings.append(Warn("a timestamp with no text after it; skipped it "
                                      "(delete the line or add the text)", self.drafts[-1].line))
            self.drafts.pop()
        self.paragraphs.clear()

    def finish(self) -> Parsed:
        self.close()
        header = "\n".join(self.header).strip() if self.drafts else ""
        notes = "\n".join(self.notes).strip() if self.notes else ""
        text = "\n\n".join(part for part in (header, notes) if part)
        return Parsed(self.drafts, re.sub(r"\n{3,}", "\n\n", text), self.warnings)
