"""Cues → WebVTT (through webvtt-py), SRT, Podcasting 2.0 JSON and readable text."""
from __future__ import annotations

import io
import json
from typing import Callable, Iterable

import webvtt
from webvtt import Caption

from .model import Cue, Transcript
from .timecode import clock, srt_time, vtt_time

PODCASTING_VERSION = "1.0.0"


def escape_cue_text(text: str) -> str:
    """Escape what WebVTT cue text may not hold raw: ``&``, ``<`` and ``>``."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _vtt_payload(cue: Cue) -> str:
    body = escape_cue_text(cue.text)
    if cue.speaker:
        # a voice annotation ends at the first '>', so it is escaped like cue text
        return f"<v {escape_cue_text(cue.speaker)}>{body}"
    return body


def to_vtt(transcript: Transcript) -> str:
    captions = [
        Caption(start=vtt_time(cue.start), end=vtt_time(cue.end), text=_vtt_payload(cue),
                identifier=f"cue-{number}")
        for number, cue in enumerate(transcript.cues, start=1)
    ]
    out = io.StringIO()
    webvtt.WebVTT(captions=captions).write(out)
    return out.getvalue().rstrip("\n") + "\n"


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
