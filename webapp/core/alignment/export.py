"""Word timings out: Podcasting 2.0 JSON with one segment per word, and WebVTT whose cues
carry a timestamp tag (``<00:01:02.345>``) before each word after the first, as karaoke
captions do. Cues without word timings are written as they are."""
from __future__ import annotations

import json

from ..model import Cue, Transcript
from ..timecode import vtt_time
from ..writing import PODCASTING_VERSION, escape_cue_text, to_podcasting_json, to_vtt, voiced, \
    vtt_payload


def _entries(transcript: Transcript, words: dict | None) -> list:
    entries = (words or {}).get("cues") or []
    return entries if len(entries) == len(transcript.cues) else [None] * len(transcript.cues)


def word_spans(cue: Cue, entry: dict) -> list[tuple[float, float, str]]:
    """``(start, end, text)`` of each written word: it lasts until the next one starts."""
    items = entry["words"]
    out = []
    for k, (ms, start, end, *_) in enumerate(items):
        until = items[k + 1][0] / 1000 if k + 1 < len(items) else cue.end
        begin = max(cue.start, ms / 1000)
        out.append((begin, max(begin, min(until, cue.end)), cue.text[start:end]))
    return out


def to_podcasting_words(transcript: Transcript, words: dict | None) -> str:
    """Podcasting 2.0 JSON, a segment per word where the words are timed."""
    segments = []
    for cue, entry in zip(transcript.cues, _entries(transcript, words)):
        pieces = word_spans(cue, entry) if entry else [(cue.start, cue.end, cue.text)]
        for start, end, body in pieces:
            segment = {"startTime": round(start, 3), "endTime": round(end, 3), "body": body}
            segments.append({"speaker": cue.speaker, **segment} if cue.speaker else segment)
    if not any(_entries(transcript, words)):
        return to_podcasting_json(transcript)
    return json.dumps({"version": PODCASTING_VERSION, "segments": segments},
                      ensure_ascii=False, indent=1) + "\n"


def _karaoke(cue: Cue, entry: dict) -> str:
    """The cue's text with a timestamp tag before each word after the first (strictly
    inside the cue, increasing), everything else escaped as cue text."""
    text = cue.text
    parts, at, last = [], 0, cue.start
    for k, (ms, start, end, *_) in enumerate(entry["words"]):
        when = ms / 1000
        if k and last < when < cue.end:
            parts.append(escape_cue_text(text[at:start]))
            parts.append(f"<{vtt_time(when)}>")
            at, last = start, when
    parts.append(escape_cue_text(text[at:]))
    return voiced(cue, " ".join("".join(parts).split("\n")))


def to_vtt_words(transcript: Transcript, words: dict | None) -> str:
    """WebVTT with word timestamp tags in every timed cue."""
    entries = _entries(transcript, words)
    return to_vtt(transcript, (_karaoke(cue, entry) if entry else vtt_payload(cue)
                               for cue, entry in zip(transcript.cues, entries)))
