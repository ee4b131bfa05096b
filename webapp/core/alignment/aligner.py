"""Forced alignment of a stretch of words to its stretch of audio, with PocketSphinx.

The ``pocketsphinx`` wheel ships the en-US acoustic model and CMUdict: nothing is ever
downloaded. A stretch is the words between two that were heard (webapp.core.alignment
.episode); its window, decoded by ffmpeg to 16 kHz mono PCM (never the whole file), runs
from the heard word before it to the heard word after, and those two are aligned with it
so their speech is not pinned on the stretch's words. Wide beams are needed (the
defaults find no path at all in a window with silence around the words).
Audio that does not hold the words gives no alignment, and they keep an estimate.
"""
from __future__ import annotations

import os
import re
from dataclasses import dataclass

from .normalize import Token

RATE = 16000
FRAME = 0.01                 # PocketSphinx frames are 10 ms
# (words before, words after) aligned with a stretch, tried in turn: when the decoder finds
# no path with both, the one after may lie past the window's end
CONTEXTS = ((4, 2), (4, 0), (2, 0), (0, 0))
PAD = bytes(int(0.3 * RATE) * 2)   # silence around the window: the last word needs it
BEAMS = dict(beam=1e-100, wbeam=1e-80, pbeam=1e-80)
FILLERS = {"<s>", "</s>", "<sil>", "[NOISE]", "<noise>"}
_VARIANT = re.compile(r"\(\d+\)$")


def new_decoder(extra: dict[str, str] | None = None):
    """A decoder for forced alignment, knowing the ``extra`` words (word → phones)
    besides the dictionary's. No dither and per-utterance (batch) CMN: a window aligns
    the same whatever the worker aligned before it."""
    from pocketsphinx import Decoder

    decoder = Decoder(lm=None, dither=False, cmn="batch", loglevel="FATAL", **BEAMS)
    for word, phones in (extra or {}).items():
        decoder.add_word(word, phones, False)
    return decoder


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


def align_words(decoder, pcm: bytes, offset: float, words: list[str], lead: list[str] = (),
                tail: list[str] = ()) -> list[float | None]:
    """Onsets (seconds, ``pcm`` starting at ``offset``) of ``words`` (dictionary words),
    aligned with the words said just before (``lead``) and after (``tail``) when the
    window reaches into them; all None when the audio does not hold them."""
    if not words or not pcm:
        return [None] * len(words)
    for ahead, behind in CONTEXTS:   # the neighbours' words first, then fewer, then none
        before = list(lead[len(lead) - min(ahead, len(lead)):])
        times = _decode(decoder, pcm, before + list(words) + list(tail[:behind]))
        own = times[len(before):len(before) + len(words)]
        if any(time is not None for time in times):
            return [None if t is None else round(offset + t, 3) for t in own]
    return [None] * len(words)


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
