"""Cues → WebVTT, SRT, Podcasting 2.0 JSON and readable text.

The WebVTT is written directly (building webvtt-py ``Caption`` objects cost more than the
whole parse); the tests check that webvtt-py reads it back and the W3C validator passes it.
"""
from __future__ import annotations

import json
import re
from typing import Callable, Iterable

from .model import Cue, Transcript
from .timecode import clock, srt_time, vtt_time

PODCASTING_VERSION = "1.0.0"


def escape_cue_text(text: str) -> str:
    """Escape what WebVTT cue text may not hold raw: ``&``, ``<`` and ``>``."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


_LINE_BREAK = re.compile(r"\r\n?|\n")


def voiced(cue: Cue, body: str) -> str:
    """A cue's payload ``body`` (already cue text) behind its speaker's voice tag."""
    if cue.speaker:
        # a voice annotation ends at the first '>', so it is escaped like cue text
        return f"<v {escape_cue_text(' '.join(cue.speaker.split()))}>{body}"
    return body


def vtt_payload(cue: Cue) -> str:
    """The cue's text as WebVTT cue text, with its voice."""
    # WebVTT lines end at CR, LF or CRLF, and a blank line would end the cue early
    return voiced(cue, "\n".join(line for line in _LINE_BREAK.split(escape_cue_text(cue.text))
                                 if line.strip()))


def to_vtt(transcript: Transcript, payloads: Iterable[str] | None = None) -> str:
    """``WEBVTT``, then per cue: a blank line, ``cue-N``, the timings, the text (or its
    ``payloads``, already cue text: word timestamp tags, webapp.core.alignment.export).
    The one writer of WebVTT cues."""
    if payloads is None:
        payloads = map(vtt_payload, transcript.cues)
    parts = ["WEBVTT\n"]
    for number, (cue, payload) in enumerate(zip(transcript.cues, payloads), start=1):
        parts.append(f"\ncue-{number}\n{vtt_time(cue.start)} --> {vtt_time(cue.end)}\n"
                     f"{payload}\n")
    return "".join(parts)


def to_srt(transcript: Transcript) -> str:
    blocks = []
    for number, cue in enumerate(transcript.cues, start=1):
        text = f"{cue.speaker}: {cue.text}" if cue.speaker else cue.text
        blocks.append(f"{number}\n{srt_time(cue.start)} --> {srt_time(cue.end)}\n{text}\n")
    return "\n".join(blocks)


def to_podcasting_json(transcript: Transcript) -> str:
    segments = []
    for cue in transcript.cues:
        segment = {"startTime": cue.start, "endTime": cue.end, "body": cue.text}
        if cue.speaker:
            segment = {"speaker": cue.speaker, **segment}
        segments.append(segment)
    return json.dumps({"version": PODCASTING_VERSION, "segments": segments},
                      ensure_ascii=False, indent=1) + "\n"


def to_text(transcript: Transcript) -> str:
    paragraphs = []
    for cue in transcript.cues:
        who = f"{cue.speaker}: " if cue.speaker else ""
        paragraphs.append(f"[{clock(cue.start)}] {who}{cue.text}")
    return "\n\n".join(paragraphs) + "\n"


FORMATS: dict[str, tuple[Callable[[Transcript], str], str]] = {
    "vtt": (to_vtt, "text/vtt; charset=utf-8"),
    "srt": (to_srt, "application/x-subrip; charset=utf-8"),
    "json": (to_podcasting_json, "application/json"),
    "txt": (to_text, "text/plain; charset=utf-8"),
}


def render(transcript: Transcript, fmt: str = "vtt") -> str:
    """The transcript as text in output format ``fmt`` (a key of :data:`FORMATS`)."""
    return FORMATS[fmt][0](transcript)
