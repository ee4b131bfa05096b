"""Chapters: the parts of an episode, from whichever source it has, and where they fall in
its transcript.

Sources, in the order :func:`find_chapters` tries them: a chapters file given by the user
or the feed (Podcasting 2.0 JSON, or WebVTT chapters), the MP3's ID3 ``CHAP``/``CTOC``
frames, and a timestamp list in the episode notes (``0:00 – Introduction``,
``(12:34) Topic``). They are kept in the episode folder as ``chapters.json``
(Podcasting 2.0). A chapter with ``toc: false`` is kept, but left out of the headings and
the menu, as the spec asks.
"""
from __future__ import annotations

import json
import os
import re
from bisect import bisect_right
from dataclasses import dataclass

from .decoding import decode
from .errors import InputError, Warn
from .timecode import CLOCK, MAX_SECONDS, clock, parse_clock

CHAPTERS_VERSION = "1.2.0"
MAX_CHAPTERS = 2000
MAX_TITLE = 300
_NOTE_LINE = re.compile(
    rf"^\s*(?:[-*•]\s*)?(?:\((?P<p>{CLOCK})\)|\[(?P<b>{CLOCK})\]|(?P<t>{CLOCK}))"
    r"\s*(?:[-–—:|.]\s*)?(?P<title>\S.*?)\s*$")


@dataclass
class Chapter:
    start: float
    title: str
    end: float | None = None
    url: str | None = None
    img: str | None = None
    toc: bool = True

    def to_json(self) -> dict:
        data: dict = {"startTime": self.start, "title": self.title}
        if self.end is not None:
            data["endTime"] = self.end
        for key in ("url", "img"):
            if getattr(self, key):
                data[key] = getattr(self, key)
        if not self.toc:
            data["toc"] = False
        return data


def to_chapters_json(chapters: list[Chapter]) -> str:
    return json.dumps({"version": CHAPTERS_VERSION,
                       "chapters": [c.to_json() for c in chapters]},
                      ensure_ascii=False, indent=1) + "\n"


def shown(chapters: list[Chapter]) -> list[Chapter]:
    """The chapters a table of contents lists: titled, and not ``toc: false``."""
    return [c for c in chapters if c.toc and c.title]


# ---- reading -----------------------------------------------------------------------------
def _seconds(value, what: str) -> float:
    if isinstance(value, bool):
        value = None
    try:
        number = float(value)
    except (TypeError, ValueError, OverflowError):
        number = float("nan")
    if not 0 <= number <= MAX_SECONDS:
        raise InputError(f"{what} has no valid time (got {str(value)[:30]!r}); give seconds "
                         f"as a number")
    return round(number, 3)


def _link(value) -> str | None:
    return value if isinstance(value, str) and re.match(r"^https?://\S+$", value) else None


def _from_json_entry(entry, number: int) -> Chapter:
    if not isinstance(entry, dict):
        raise InputError(f"chapter {number} is not an object; give "
                         f'{{"startTime": 0, "title": "..."}}')
    title = entry.get("title")
    end = entry.get("endTime")
    return Chapter(start=_seconds(entry.get("startTime"), f"chapter {number}"),
                   title=" ".join(title.split())[:MAX_TITLE] if isinstance(title, str) else "",
                   end=_seconds(end, f"chapter {number}'s endTime") if end is not None else None,
                   url=_link(entry.get("url")), img=_link(entry.get("img")),
                   toc=entry.get("toc") is not False)


def read_chapters_json(text: str) -> list[Chapter]:
    """Podcasting 2.0 chapters: ``{"version": …, "chapters": [{"startTime", "title"}…]}``."""
    try:
        data = json.loads(text)
    except (ValueError, RecursionError) as error:
        raise InputError(f"the chapters are not valid JSON ({str(error)[:60]})") from None
    entries = data.get("chapters") if isinstance(data, dict) else None
    if not isinstance(entries, list):
        raise InputError('the chapters JSON has no "chapters" list; expected Podcasting 2.0 '
                         '{"version": "1.2.0", "chapters": [...]}')
    capped(len(entries), "the chapters JSON")
    return [_from_json_entry(entry, n) for n, entry in enumerate(entries, start=1)]


def capped(count: int, where: str) -> None:
    """The one limit on chapters, whatever they come from: more than MAX_CHAPTERS is an
    :class:`InputError` naming ``where`` they came from."""
    if count > MAX_CHAPTERS:
        raise InputError(f"{where} holds {count:,} chapters, more than the {MAX_CHAPTERS:,} "
                         f"an episode may have; is this a chapters list?")


def read_chapters_vtt(text: str) -> list[Chapter]:
    """A WebVTT chapters file: each cue's text is a chapter's title."""
    from .formats.timed_blocks import read_vtt

    parsed = read_vtt(text)
    capped(len(parsed.cues), "the chapters VTT")
    return [Chapter(start=d.start, end=d.end, title=" ".join(d.text.split())[:MAX_TITLE])
            for d in parsed.cues]


def read_chapters_text(text: str) -> list[Chapter]:
    """Chapters file contents of either kind, told apart by their first characters."""
    head = text.lstrip("\ufeff \t\r\n")
    if head.startswith("WEBVTT"):
        return read_chapters_vtt(text)
    if head.startswith("{"):
        return read_chapters_json(text)
    raise InputError("not a chapters file; give Podcasting 2.0 chapters JSON or WebVTT "
                     "chapters")


def read_chapters_file(path: str | os.PathLike) -> list[Chapter]:
    from .reading import read_bytes

    name = os.fspath(path)
    try:
        return read_chapters_text(decode(read_bytes(name, 5 * 2**20)))
    except InputError as error:
        raise error.located(name)


_INLINE = re.compile(rf"\s+(?=\((?:{CLOCK})\)\s*[-–—:]?\s*\S)")


def chapters_from_notes(notes: str) -> list[Chapter]:
    """A timestamp list in the episode notes, one chapter a line: ``0:00 – Intro``,
    ``(12:34) Topic``, ``[1:02:03] Topic``, or run together on one line as many feeds
    write them (``OUTLINE: (00:00) – Intro (05:04) – Topic``). Two at least, in time
    order; else none."""
    found: list[Chapter] = []
    lines = [part for line in notes.splitlines() for part in _INLINE.split(line)]
    for line in lines:
        match = _NOTE_LINE.match(line)
        if not match:
            continue
        value = match.group("p") or match.group("b") or match.group("t")
        start = parse_clock(value)[0]
        if found and start <= found[-1].start:
            return []   # not a list of chapters: times out of order
        found.append(Chapter(start=start, title=match.group("title")[:MAX_TITLE]))
    capped(len(found), "the episode notes")
    return found if len(found) >= 2 else []


def chapters_from_id3(path: str | os.PathLike) -> list[Chapter]:
    """The MP3's ID3 chapters (``CHAP`` frames, in the top ``CTOC``'s order when there is
    one); none for other files or when the tags cannot be read."""
    from mutagen import MutagenError
    from mutagen.id3 import ID3

    try:
        tags = ID3(os.fspath(path))
    except (MutagenError, OSError, ValueError):
        return []
    frames = {f.element_id: f for f in tags.getall("CHAP")}
    order = [c for c in tags.getall("CTOC") if c.flags & 2]  # CTOCFlags.TOP_LEVEL
    ids = [i for i in order[0].child_element_ids if i in frames] if order else list(frames)
    capped(len(ids), "the audio's ID3 tags")
    chapters = []
    for element_id in ids:
        frame = frames[element_id]
        title = frame.sub_frames.get("TIT2")
        chapters.append(Chapter(start=round(frame.start_time / 1000, 3),
                                end=round(frame.end_time / 1000, 3) if frame.end_time else None,
                                title=" ".join(str(title.text[0]).split())[:MAX_TITLE]
                                if title and title.text else ""))
    return sorted(chapters, key=lambda c: c.start)


def settle(chapters: list[Chapter], duration: float | None) -> tuple[list[Chapter], list[Warn]]:
    """Chapters in time order, without those past the audio's end (each a warning)."""
    capped(len(chapters), "the chapters")
    kept, warnings = [], []
    for chapter in sorted(chapters, key=lambda c: c.start):
        if duration is not None and chapter.start >= duration:
            warnings.append(Warn(f"chapter {chapter.title!r} starts at {clock(chapter.start)}, "
                                 f"after the audio's end ({clock(duration)}); left out"))
            continue
        kept.append(chapter)
    return kept, warnings


def find_chapters(chapters_file: str | None, audio_path: str | None,
                  notes: str) -> list[Chapter]:
    """An episode's chapters from the first source that has some: the file, the audio's
    ID3 frames, the notes."""
    if chapters_file:
        return read_chapters_file(chapters_file)
    if audio_path and audio_path.lower().endswith(".mp3"):
        found = chapters_from_id3(audio_path)
        if found:
            return found
    return chapters_from_notes(notes)


# ---- placing in the transcript -------------------------------------------------------------
def headings_at(chapters: list[Chapter], starts: list[float], ends: list[float]) -> dict[int, list[Chapter]]:
    """Which cue each listed chapter's heading goes before: the cue it starts in, or the
    next one when it starts in that cue's second half. ``{cue index: [chapters]}``."""
    placed: dict[int, list[Chapter]] = {}
    if not starts:
        return placed
    for chapter in shown(chapters):
        index = max(0, bisect_right(starts, chapter.start + 0.0005) - 1)
        middle = (starts[index] + ends[index]) / 2
        if chapter.start > middle and index + 1 < len(starts):
            index += 1
        placed.setdefault(index, []).append(chapter)
    return placed


def chapter_at(chapters: list[Chapter], seconds: float) -> Chapter | None:
    """The listed chapter playing at ``seconds``."""
    current = None
    for chapter in shown(chapters):
        if chapter.start <= seconds + 0.0005:
            current = chapter
        else:
            break
    return current
