"""Hearing the episode: the whole audio recognised with a language model built from the
transcript itself, in overlapping chunks on every core.

This is the first step of aligning very long audio (Moreno et al. 1998, "A recursive
algorithm for the forced alignment of very long audio segments"; gentle does the same
with Kaldi): a recogniser that only knows the transcript's words, in the transcript's
order, hears them where they really are, whatever the timestamps say, and hears
something else (or nothing) in an ad or a music bed. Nothing is downloaded: the model is
a trigram model of the transcript's own words (pocketsphinx's ``ArpaBoLM``), and the
wheel's en-US acoustic model and dictionary.

Each chunk also reports how loud it is (an RMS level every 100 ms), so that a stretch the
transcript does not hold can be told from a pause.
"""
from __future__ import annotations

import io
import math
import re
from dataclasses import dataclass

from .aligner import FILLERS, FRAME, RATE

CHUNK = 60.0        # seconds of audio recognised at once
OVERLAP = 4.0       # seconds shared by two chunks: a word cut at an edge is whole in one
BALANCE = 4         # chunks come in multiples of this (two or four workers, evenly loaded)
LEVEL_STEP = 0.1    # seconds per loudness reading
# Recognition passes: the first (tree) pass alone is about 1.5x faster than with the flat
# and best-path passes, and its word times agree with forced alignment (bench_sync.py);
# a phone lookahead of 10 frames makes it 1.3x faster again, with the same words heard.
RECOGNISER = dict(fwdflat=False, bestpath=False, ds=2, dither=False, loglevel="FATAL")
_VARIANT = re.compile(r"\(\d+\)$")


@dataclass(frozen=True)
class Heard:
    word: str
    start: float   # seconds in the episode
    end: float


def language_model(lines: list[list[str]]) -> str:
    """An ARPA trigram model of ``lines`` (each a paragraph's dictionary words)."""
    from pocketsphinx.lm import ArpaBoLM

    text = "\n".join(" ".join(words) for words in lines if words)
    model = ArpaBoLM(text=text, case="lower", add_start=True)
    model.compute()
    out = io.StringIO()
    model.write(out)
    return out.getvalue()


def new_recogniser(lm_path: str, extra: dict[str, str] | None = None):
    """A recogniser of the model at ``lm_path``, knowing the ``extra`` words (word →
    phones) besides the dictionary's: they are added before the model is read."""
    from pocketsphinx import Decoder

    decoder = Decoder(lm=None, **RECOGNISER)
    for word, phones in (extra or {}).items():
        decoder.add_word(word, phones, False)
    decoder.add_lm_file("transcript", lm_path)
    decoder.activate_search("transcript")
    return decoder


def chunks(duration: float) -> list[tuple[float, float]]:
    """``(start, end)`` of each chunk, overlapping by :data:`OVERLAP`: at most
    :data:`CHUNK` seconds long, and (past one) a multiple of :data:`BALANCE` of them, so
    that two or four workers stay busy to the end. The same chunks whatever the number of
    workers: aligning again gives the same words."""
    count = math.ceil(duration / CHUNK)
    if count > 1:
        count = BALANCE * math.ceil(count / BALANCE)
    step = duration / max(1, count)
    return [(max(0.0, n * step - OVERLAP / 2), min(duration, (n + 1) * step + OVERLAP / 2))
            for n in range(max(1, count))]


def kept_span(start: float, end: float, duration: float) -> tuple[float, float]:
    """The part of a chunk whose words it keeps: up to the middle of each overlap."""
    return (start + OVERLAP / 2 if start > 0 else 0.0,
            end - OVERLAP / 2 if end < duration else duration + 1)


def recognise(decoder, pcm: bytes, offset: float) -> list[Heard]:
    """The words heard in ``pcm`` (which starts at ``offset`` seconds)."""
    decoder.start_utt()
    decoder.process_raw(pcm, full_utt=True)
    decoder.end_utt()
    return [Heard(_VARIANT.sub("", s.word), round(offset + s.start_frame * FRAME, 3),
                  round(offset + (s.end_frame + 1) * FRAME, 3))
            for s in decoder.seg() or [] if s.word not in FILLERS and not s.word.startswith("[")]


def levels(pcm: bytes) -> list[float]:
    """The RMS level (0..1) of every :data:`LEVEL_STEP` seconds of 16-bit ``pcm``."""
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        import audioop    # C (audioop-lts on Python 3.13+, which pydub needs anyway)
    step = int(LEVEL_STEP * RATE) * 2
    return [audioop.rms(pcm[at:at + step], 2) / 32768 for at in range(0, len(pcm) - 1, step)]
