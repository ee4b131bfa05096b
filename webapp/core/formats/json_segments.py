"""JSON transcripts: Podcasting 2.0 (``segments[].startTime/endTime/body/speaker``) and
Whisper (``segments[].start/end/text``).

Podcasting 2.0 files are often word-level; consecutive segments are merged into one cue
until the speaker changes or a sentence ends.
"""
from __future__ import annotations

import json
import re

from ..errors import InputError, Warn
from ..timecode import MAX_SECONDS
from . import Draft, Parsed

_SENTENCE_END = re.compile(r"[.!?…][\"'”’)\]]*$")
_NO_SPACE_BEFORE = re.compile(r"^[,.;:!?…%)\]}’”]")
_MAX_WORDS_PER_CUE = 80


def read_json(text: str) -> Parsed:
    try:
        data = json.loads(text)
    except json.JSONDecodeError as error:
        raise InputError(f"not valid JSON ({error.msg}); fix the JSON syntax there",
                         line=error.lineno) from None
    except RecursionError:
        raise InputError("the JSON is nested too deeply to be a transcript; give segments "
                         "as a flat list") from None
    except ValueError as error:  # e.g. an integer of thousands of digits
        raise InputError(f"the JSON holds a value we cannot read ({error}); give times as "
                         f"plain numbers of seconds") from None
    segments = data.get("segments") if isinstance(data, dict) else data
    if not isinstance(segments, list) or not segments:
        raise InputError("JSON transcript has no 'segments' list; expected Podcasting 2.0 "
                         '{"version": ..., "segments": [...]} or Whisper output')
    first = segments[0] if isinstance(segments[0], dict) else {}
    warnings: list[Warn] = []
    if "startTime" in first:
        return Parsed(_podcasting(segments, warnings), warnings=warnings)
    if "start" in first:
        return Parsed(_whisper(segments, warnings), warnings=warnings)
    raise InputError("JSON segments need 'startTime'/'endTime'/'body' (Podcasting 2.0) or "
                     "'start'/'end'/'text' (Whisper); segment 1 has neither")


def _number(segment, key: str, index: int) -> float:
    value = segment.get(key) if isinstance(segment, dict) else None
    try:
        number = float(value)
    except (TypeError, ValueError, OverflowError):
        number = float("nan")
    if not 0 <= number <= MAX_SECONDS:
        shown = repr(value) if len(repr(value)) <= 40 else repr(value)[:39] + "…"
        raise InputError(f"segment {index} has no valid {key!r} (got {shown}); give "
                         f"seconds as a number from 0 to {MAX_SECONDS:.0f}")
    return round(number, 3)


def _text(segment, key: str, index: int = 0, warnings: list | None = None) -> str:
    """The segment's text, each line stripped and blank lines dropped: a blank line would
    end the WebVTT cue early, so a body with an empty line still gives one cue. A list of
    strings (some Whisper exports) is its words joined; any other kind is named in a
    warning."""
    value = segment.get(key, "") if isinstance(segment, dict) else ""
    if isinstance(value, list) and all(isinstance(part, str) for part in value):
        value = join_words([part.strip() for part in value if part.strip()])
    elif isinstance(value, (int, float)) and not isinstance(value, bool):
        value = str(value)
    if not isinstance(value, str):
        if warnings is not None and value is not None:
            warnings.append(Warn(f"segment {index}'s {key!r} is not text "
                                 f"({type(value).__name__}); left out"))
        return ""
    return "\n".join(line.strip() for line in value.splitlines() if line.strip())


def _speaker(segment) -> str | None:
    """A speaker name on one line (it becomes a ``<v Name>`` annotation)."""
    return " ".join(_text(segment, "speaker").split()) or None


def join_words(words: list[str]) -> str:
    """Join word-level tokens with spaces, but not before punctuation."""
    out = ""
    for word in words:
        if out and not _NO_SPACE_BEFORE.match(word):
            out += " "
        out += word
    return out


def _podcasting(segments: list, warnings: list) -> list[Draft]:
    drafts: list[Draft] = []
    words: list[str] = []
    current: Draft | None = None
    timed = [(_number(segment, "startTime", index), index, segment)
             for index, segment in enumerate(segments, start=1)]
    early = next((index for (start, index, _), (before, _, _) in zip(timed[1:], timed)
                  if start < before), None)
    if early is not None:
        warnings.append(Warn(f"segment {early} starts before the segment ahead of it; the "
                             f"segments were put in time order"))
        timed.sort(key=lambda entry: entry[0])
    for start, index, segment in timed:
        end = _number(segment, "endTime", index)
        body = _text(segment, "body", index, warnings)
        if not body:
            continue
        speaker = _speaker(segment)
        if current is not None and (speaker != current.speaker
                                    or _SENTENCE_END.search(words[-1])
                                    or len(words) >= _MAX_WORDS_PER_CUE):
            current.text = join_words(words)
            drafts.append(current)
            current = None
        if current is None:
            current = Draft(start=start, end=end, text="", speaker=speaker)
            words = []
        words.append(body)
        current.end = max(current.end or end, end)
    if current is not None:
        current.text = join_words(words)
        drafts.append(current)
    return drafts


def _whisper(segments: list, warnings: list) -> list[Draft]:
    drafts = []
    for index, segment in enumerate(segments, start=1):
        if not isinstance(segment, dict):
            raise InputError(f"segment {index} is not a JSON object; give each segment as "
                             '{"start": ..., "end": ..., "text": ...}')
        body = _text(segment, "text", index, warnings)
        if body:
            speaker = _speaker(segment)
            drafts.append(Draft(start=_number(segment, "start", index),
                                end=_number(segment, "end", index), text=body, speaker=speaker))
    return drafts
