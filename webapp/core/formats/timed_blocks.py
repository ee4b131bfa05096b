"""SRT and WebVTT: blocks of ``start --> end`` timings and cue text.

SRT with or without hours, with ``,`` or ``.`` before the milliseconds; WebVTT with its
header, NOTE/STYLE/REGION blocks, cue identifiers and settings. A ``<v Name>`` voice
span gives the cue's speaker. Only the markup the formats define is markup, and dropped:
``<i> <b> <u> <font …>`` (and SSA ``{\an8}``-style overrides) in SRT, and in WebVTT also
``<c.class> <v …> <lang …> <ruby> <rt>`` and ``<00:01:02.345>`` timestamps. Anything else
in angle brackets — ``<unk>``, ``<laughs>``, ``<3`` — is text, and kept; entities are then
unescaped.
"""
from __future__ import annotations

import html
import re

from ..errors import InputError, Warn
from . import Draft, Parsed, read_clock

TIMING = re.compile(r"^\s*(?P<start>\d{1,3}(?::\d{1,2}){1,2}(?:[.,]\d{1,3})?)\s*-->\s*"
                    r"(?P<end>\d{1,3}(?::\d{1,2}){1,2}(?:[.,]\d{1,3})?)(?P<settings>.*)$")
VOICE = re.compile(r"<v(?:\.[^\s>]+)*\s+([^>]+)>")
_SRT_TAG = re.compile(r"</?(?:i|b|u|font)(?:\s[^<>]*)?>|\{\\[^}]*\}", re.IGNORECASE)
_VTT_TAG = re.compile(r"</?(?:i|b|u|c|v|lang|ruby|rt)(?:[.\s][^<>]*)?>"
                      r"|<\d{1,3}(?::\d{2}){1,2}\.\d{3}>")
_SKIPPED_VTT_BLOCKS = ("NOTE", "STYLE", "REGION")


def read_srt(text: str) -> Parsed:
    return _read(text, vtt=False)


def read_vtt(text: str) -> Parsed:
    first = text.lstrip("\ufeff").split("\n", 1)[0]
    if not re.match(r"^WEBVTT(?:[ \t].*)?$", first):
        raise InputError("a WebVTT file must start with a line 'WEBVTT'; add it, or use "
                         "--from srt if this is SRT", line=1)
    return _read(text, vtt=True)


def _blocks(text: str):
    """Yield (first line number, lines) for each run of non-blank lines."""
    block: list[str] = []
    start = 0
    for number, line in enumerate(text.split("\n"), start=1):
        if line.strip():
            if not block:
                start = number
            block.append(line)
        elif block:
            yield start, block
            block = []
    if block:
        yield start, block


def _clean(lines: list[str], vtt: bool) -> tuple[str | None, str]:
    joined = "\n".join(lines)
    voice = VOICE.search(joined)
    speaker = html.unescape(voice.group(1)).strip() if voice else None
    plain = html.unescape((_VTT_TAG if vtt else _SRT_TAG).sub("", joined))
    return speaker or None, "\n".join(l.strip() for l in plain.split("\n") if l.strip())


def _read(text: str, vtt: bool) -> Parsed:
    drafts: list[Draft] = []
    warnings: list[Warn] = []
    for index, (number, lines) in enumerate(_blocks(text)):
        if vtt and (index == 0 or lines[0].split(" ", 1)[0].split("\t", 1)[0] in _SKIPPED_VTT_BLOCKS):
            continue
        timing_at = next((i for i, l in enumerate(lines[:2]) if "-->" in l), None)
        if timing_at is None:
            kind = "WebVTT" if vtt else "SRT"
            raise InputError(f"expected a timing line like '00:00:01.000 --> 00:00:04.000' in "
                             f"this {kind} block; fix the block or separate blocks with a "
                             f"blank line", line=number)
        timing_line = number + timing_at
        match = TIMING.match(lines[timing_at])
        if not match:
            raise InputError(f"cannot read the timing {lines[timing_at].strip()!r}; write it as "
                             f"'HH:MM:SS.mmm --> HH:MM:SS.mmm'", line=timing_line)
        start = read_clock(match.group("start"), timing_line, warnings)
        end = read_clock(match.group("end"), timing_line, warnings)
        speaker, body = _clean(lines[timing_at + 1:], vtt)
        if not body:
            warnings.append(Warn("a cue with no text; skipped it", timing_line))
            continue
        drafts.append(Draft(start=start, end=end, text=body, speaker=speaker, line=timing_line))
    return Parsed(drafts, "", warnings)
