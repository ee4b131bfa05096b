"""Forced alignment of one cue's words to its stretch of audio, with PocketSphinx.

The ``pocketsphinx`` wheel ships the en-US acoustic model and CMUdict: nothing is ever
downloaded. Each cue is aligned in its own window (from 2 s before the cue to 1 s after
the next one starts), decoded by ffmpeg to 16 kHz mono PCM, never the whole file, with the
neighbouring cues' nearest words aligned too so their speech in the window is not pinned
on this cue's words. Wide beams are needed for windows this long (the defaults find no
path at all).
Audio that does not hold the words (silence, music, another text) gives no alignment,
and the cue keeps its estimated timing.
"""
from __future__ import annotations

import os
import re
from dataclasses import dataclass

from .normalize import Token, tokens

RATE = 16000
FRAME = 0.01                 # PocketSphinx frames are 10 ms
BEFORE, AFTER = 2.0, 1.0     # seconds of audio before a cue and after the next one starts
# (words before, words after) of the neighbouring cues aligned with a cue, tried in turn:
# the next cue's words may lie past the window's end, and then only the lead-in helps
CONTEXTS = ((4, 2), (4, 0), (2, 0), (0, 0))
PAD = bytes(int(0.3 * RATE) * 2)   # silence around the window: the last word needs it
BEAMS = dict(beam=1e-100, wbeam=1e-80, pbeam=1e-80)
FILLERS = {"<s>", "</s>", "<sil>", "[NOISE]", "<noise>"}
_VARIANT = re.compile(r"\(\d+\)$")


def new_decoder():
    """A decoder for forced alignment. No dither and per-utterance (batch) CMN: a window
    aligns the same whatever the worker aligned before it."""
    from pocketsphinx import Decoder

    return Decoder(lm=None, dither=False, cmn="batch", loglevel="FATAL", **BEAMS)


def window_pcm(ffmpeg: str, audio_path: str | os.PathLike, start: float, end: float) -> bytes:
    """16 kHz mono 16-bit PCM of ``start``–``end`` seconds (only that range is decoded);
    empty when it cannot be decoded (the cue then keeps its estimated timing)."""
    from ..clips import ClipUnavailable, pcm_range

    try:
        return pcm_range(audio_path, start, end - start, RATE, 1, converter=ffmpeg)
    except ClipUnavailable:
        return b""


@dataclass
class CueWords:
    """One cue's alignment: per spoken token, its onset in seconds (None: not aligned)."""

    tokens: list[Token]
    onsets: list[float | None]

    @property
    def aligned(self) -> bool:
        return any(onset is not None for onset in self.onsets)


def align_text(decoder, pcm: bytes, offset: float, text: str, before: str = "",
               after: str = "") -> CueWords:
    """Align ``text`` (a cue's) to ``pcm`` (which starts at ``offset`` seconds).

    ``before`` and ``after`` are the neighbouring cues' nearest words: a window reaches
    into their speech, and aligning them too keeps it from being pinned on this cue's
    first or last words. Only this cue's tokens are returned."""
    found = tokens(text)
    own = [t for t in found if decoder.lookup_word(t.word)]
    onsets: dict[int, float] = {}
    if own and pcm:
        lead = [t for t in tokens(before) if decoder.lookup_word(t.word)]
        tail = [t for t in tokens(after) if decoder.lookup_word(t.word)]
        for ahead, behind in CONTEXTS:   # the neighbours' words first, then fewer, then none
            known = lead[len(lead) - min(ahead, len(lead)):] + own + tail[:behind]
            times = _decode(decoder, pcm, [t.word for t in known])
            if any(time is not None for time in times):
                for token, time in zip(known, times):
                    if time is not None:
                        onsets[id(token)] = round(offset + time, 3)
                break
    return CueWords(found, [onsets.get(id(t)) for t in found])


def _decode(decoder, pcm: bytes, words: list[str]) -> list[float | None]:
    """Onsets (seconds into ``pcm``) of ``words`` as the decoder aligned them; all None
    when it found no alignment (the audio does not hold these words)."""
    try:
        decoder.set_align_text(" ".join(words))
        decoder.start_utt()
        decoder.process_raw(PAD + pcm + PAD, full_utt=True)
        decoder.end_utt()
        segments = list(decoder.seg() or [])
    except RuntimeError:
        return [None] * len(words)
    said = [(_VARIANT.sub("", s.word), s.start_frame * FRAME - len(PAD) / 2 / RATE)
            for s in segments if s.word not in FILLERS]
    out: list[float | None] = []
    at = 0
    for word in words:
        while at < len(said) and said[at][0] != word:
            at += 1
        out.append(max(0.0, said[at][1]) if at < len(said) else None)
        at += 1 if at < len(said) else 0
    return out
