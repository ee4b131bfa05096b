"""Aligning a whole episode, wherever its words really are: the timestamps are hints.

1. The whole audio is heard (:mod:`.recognition`): recognised in overlapping chunks on
   every core, with a language model of the transcript's own words.
2. What was heard is lined up with what was written (:mod:`.anchors`): runs of words
   that agree are anchors, and their words take the times they were heard at.
3. The words between two anchors (a name the recogniser missed, a stretch it heard
   differently) are force-aligned in the audio between those anchors (:mod:`.aligner`).
4. Audio between two neighbouring words that the transcript does not hold — three
   seconds or more, and not silence: an inserted ad, a music bed — is a *gap*; no word
   is ever placed in one.

It computes and returns an :class:`Alignment`; it writes nothing (the library stores it:
:meth:`webapp.core.episodes.Library.save_alignment`).

* ``Alignment.words`` — words.json's data: per cue, the onset (ms) and character span
  of every written word, ``[ms, from, to]``, or ``[ms, from, to, 1]`` for a word whose
  time is an estimate (the dictionary lacks it, or the audio did not hold it: a time
  between its timed neighbours), and the gaps:
  ``{"version": 1, "cues": [null | {"start": ms, "words": [...]}, …], "gaps": [[from ms,
  to ms], …]}``. ``null`` marks a cue none of whose words were found: it keeps the
  estimated timing.
* ``Alignment.cues`` — still paragraph cues, each now starting at its first word's onset.

When fewer than half the words were heard, :class:`AlignmentMismatch` says so: the
audio is probably not this transcript's.
"""
from __future__ import annotations

import multiprocessing
import os
import tempfile
from dataclasses import dataclass, field
from typing import Callable

from ..episodes import BrokenEpisode, Library
from ..episodes.files import WORDS_VERSION
from ..errors import InputError
from ..reading import read_transcript
from ..model import Cue
from . import recognition
from .aligner import RATE, CueWords, align_words, new_decoder, window_pcm
from .anchors import anchor
from .normalize import Token, tokens
from .pronounce import pronounce

Progress = Callable[[int, int], None]
MIN_GAP = 3.0          # seconds of audio the transcript does not hold that make a gap
LOUD = 0.01            # an RMS level above this is sound, not a pause
EDGE = 0.15            # seconds of audio around the words a stretch is aligned in
MIN_WORD = 0.08        # seconds a word takes at the very least: a shorter stretch lacks it
MAX_STRETCH = 90.0     # seconds: a longer stretch with no word heard keeps estimates
SAY_WORD = 0.6         # seconds a word takes at the most, at a slow pace
BATCH = 60.0           # seconds of audio decoded at once for the stretches in it


class AlignmentMismatch(ValueError):
    """Too few words were heard in the audio; the episode was left as it was."""


@dataclass
class Report:
    cues: int
    aligned: int = 0
    words: int = 0
    interpolated: int = 0
    heard: int = 0          # dictionary words heard where the transcript has them
    spoken: int = 0         # dictionary words in the transcript
    gaps: list[tuple[float, float]] = field(default_factory=list)
    moved: list[float] = field(default_factory=list)   # seconds each corrected start moved
    failed: list[tuple[int, str]] = field(default_factory=list)   # (cue number, why)

    @property
    def heard_share(self) -> float:
        return self.heard / self.spoken if self.spoken else 0.0

    def summary(self) -> str:
        kept = self.cues - self.aligned
        moved = (f"; {len(self.moved)} starts moved, by {max(self.moved):.2f} s at most"
                 if self.moved else "")
        gaps = (f"; {len(self.gaps)} stretch{'es' if len(self.gaps) > 1 else ''} not in the "
                f"transcript ({sum(b - a for a, b in self.gaps):.0f} s)" if self.gaps else "")
        return (f"aligned {self.aligned} of {self.cues} paragraphs, {self.words:,} words "
                f"({self.heard_share:.0%} heard in the audio)"
                f"{f'; {kept} kept estimated timing (see --report)' if kept else ''}{moved}{gaps}")


@dataclass
class Alignment:
    """An episode's alignment, for the library to store."""

    report: Report
    words: dict        # words.json's data
    cues: list[Cue]    # the cues, each starting at its first word


# ---- the worker processes --------------------------------------------------------------
_lm_path = ""
_extra: dict[str, str] = {}
_decoders: dict = {}


def _init_worker(lm_path: str, extra: dict[str, str]) -> None:
    global _lm_path, _extra
    _lm_path, _extra = lm_path, extra
    _decoders.clear()


def _decoder(kind: str):
    """This worker's recogniser ("hear") or aligner, knowing the episode's own words."""
    if kind not in _decoders:
        _decoders[kind] = recognition.new_recogniser(_lm_path, _extra) if kind == "hear" \
            else new_decoder(_extra)
    return _decoders[kind]


def _hear(job: tuple) -> tuple:
    """One chunk: the words heard in the part it keeps, and its loudness."""
    ffmpeg, audio_path, start, end, duration = job
    pcm = window_pcm(ffmpeg, audio_path, start, end)
    heard = recognition.recognise(_decoder("hear"), pcm, start) if pcm else []
    low, high = recognition.kept_span(start, end, duration)
    return "hear", [h for h in heard if low <= h.start < high], (start, low, high,
                                                                recognition.levels(pcm))


def _force(job: tuple) -> tuple:
    """Stretches between anchors, near each other: the audio they span decoded once, and
    each stretch's words force-aligned in its part of it."""
    ffmpeg, audio_path, stretches = job
    base = stretches[0][1]
    pcm = window_pcm(ffmpeg, audio_path, base, max(s[2] for s in stretches))
    out = []
    for first, start, end, words, lead, tail in stretches:
        part = pcm[2 * round((start - base) * RATE):2 * round((end - base) * RATE)]
        out.append((first, align_words(_decoder("align"), part, start, words, lead, tail)))
    return "force", out


def _run(job: tuple) -> tuple:
    return _hear(job[1:]) if job[0] == "hear" else _force(job[1:])


def written_words(result: CueWords) -> list[list[int]]:
    """``[[onset ms, from, to], …]`` per written word: the onset of its first token;
    words with no aligned token get a time between their aligned neighbours, marked as an
    estimate: ``[onset ms, from, to, 1]``."""
    spans: dict[tuple[int, int], float | None] = {}
    for token, onset in zip(result.tokens, result.onsets):
        key = (token.start, token.end)
        if spans.get(key) is None:
            spans[key] = onset
    items = sorted(spans.items())
    known = [(i, onset) for i, (_, onset) in enumerate(items) if onset is not None]
    out = []
    for i, ((start, end), onset) in enumerate(items):
        if onset is None:
            out.append([round(_between(known, i) * 1000), start, end, 1])
        else:
            out.append([round(onset * 1000), start, end])
    for k in range(1, len(out)):        # never backwards, whatever the decoder said
        out[k][0] = max(out[k][0], out[k - 1][0])
    return out


def _between(known: list[tuple[int, float]], i: int) -> float:
    before = [(j, t) for j, t in known if j < i]
    after = [(j, t) for j, t in known if j > i]
    if before and after:
        (j0, t0), (j1, t1) = before[-1], after[0]
        return t0 + (t1 - t0) * (i - j0) / (j1 - j0)
    return (before[-1] if before else after[0])[1]


# ---- the episode -----------------------------------------------------------------------
@dataclass
class _Plan:
    """Every spoken token of the episode, in order, and which the dictionary has."""

    cues: list[Cue]
    tokens: list[list[Token]]            # per cue
    spoken: list[tuple[int, int]]        # (cue, token index) of each token we can say
    words: list[str]                     # their words
    extra: dict[str, str]                # pronunciations of words the dictionary lacks


def _plan(cues: list[Cue]) -> _Plan:
    lookup = new_decoder().lookup_word
    per_cue = [tokens(cue.text) for cue in cues]
    extra: dict[str, str] = {}
    for cue, found in zip(cues, per_cue):
        for t in found:
            if t.word not in extra and not lookup(t.word):
                written = cue.text[t.start:t.end].strip(".,;:!?\"“”()[]{}")
                said = pronounce(written if written.lower() == t.word else t.word, lookup)
                if said:
                    extra[t.word] = said
    spoken = [(c, k) for c, found in enumerate(per_cue) for k, t in enumerate(found)
              if t.word in extra or lookup(t.word)]
    return _Plan(cues, per_cue, spoken, [per_cue[c][k].word for c, k in spoken], extra)


def align_episode(library: Library, slug: str, workers: int | None = None,
                  progress: Progress | None = None) -> Alignment:
    """Align episode ``slug``: its words, gaps and corrected cue starts (nothing is
    written)."""
    from ..clips import ffmpeg_exe

    opened = library.open(slug, words=False)
    audio = library.file(slug, opened.episode.audio) if opened else None
    if opened is None or audio is None:
        raise BrokenEpisode(f"episode {slug!r} has no usable transcript and audio")
    duration = opened.episode.duration
    plan = _plan(_estimated(library, opened.episode, opened.transcript.cues))
    ffmpeg, audio = ffmpeg_exe(), str(audio)
    with tempfile.NamedTemporaryFile("w", suffix=".arpa") as lm, \
            multiprocessing.get_context("fork").Pool(
                workers or os.cpu_count() or 1, initializer=_init_worker,
                initargs=(lm.name, plan.extra)) as pool:
        lm.write(recognition.language_model(
            [[t.word for t in found] for found in plan.tokens]))
        lm.flush()
        heard, loudness = _heard(pool, ffmpeg, audio, duration, progress)
        onsets, matched = _timed(pool, plan, heard, ffmpeg, audio, duration)
    return _collect(plan, onsets, matched, heard, loudness, duration)


def _heard(pool, ffmpeg: str, audio: str, duration: float, progress: Progress | None):
    """Every word heard in the episode, in order, and its loudness per LEVEL_STEP."""
    jobs = [("hear", ffmpeg, audio, a, b, duration) for a, b in recognition.chunks(duration)]
    heard, loudness = [], {}
    for done, (_, words, (start, low, high, levels)) in enumerate(pool.imap(_run, jobs), 1):
        heard += words
        for k, level in enumerate(levels):
            at = start + k * recognition.LEVEL_STEP
            if low <= at < high:
                loudness[round(at / recognition.LEVEL_STEP)] = level
        if progress:
            progress(done, len(jobs))
    return heard, loudness


def _timed(pool, plan: _Plan, heard: list, ffmpeg: str, audio: str, duration: float):
    """Each dictionary token's onset (None: not found) and which were heard (anchored)."""
    matched = anchor(plan.words, [h.word for h in heard])
    if sum(j is not None for j in matched) * 2 < len(matched):
        return [None] * len(matched), matched      # mostly not heard: refused (_collect)
    onsets: list[float | None] = [None if j is None else heard[j].start for j in matched]
    jobs = []
    for first, last in _stretches(matched):
        for start, end, a, b, lead, tail in _windows(plan, matched, heard, first, last,
                                                     duration):
            jobs.append((a, start, end, plan.words[a:b], plan.words[lead:a], plan.words[b:tail]))
    for _, results in pool.imap_unordered(_run, [("force", ffmpeg, audio, batch)
                                                 for batch in _batches(jobs)]):
        for first, times in results:
            for k, time in enumerate(times):
                onsets[first + k] = time
    return _never_backwards(onsets), matched


def _batches(jobs: list[tuple]) -> list[list[tuple]]:
    """Stretches in runs that span at most :data:`BATCH` seconds of audio (one decode)."""
    out: list[list[tuple]] = []
    for job in sorted(jobs, key=lambda j: j[1]):
        if out and job[2] - out[-1][0][1] <= BATCH:
            out[-1].append(job)
        else:
            out.append([job])
    return out


def _windows(plan: _Plan, matched, heard, first: int, last: int, duration: float):
    """Where to align the unheard words ``first``..``last``: ``(start, end, from, to,
    lead, tail)`` windows (``lead``..``from`` and ``to``..``tail``: the heard words aligned
    with them). From the heard word before to the heard word after, aligned with them; when
    that is far more audio than the words need (an insert lies there too) and a paragraph
    begins among them (or just after them), the words before it are looked for after the
    heard word before, and the rest before the heard word after."""
    after = heard[matched[first - 1]] if first > 0 else None
    before = heard[matched[last]] if last < len(matched) else None
    room = (before.start if before else duration) - (after.end if after else 0.0)
    needed = SAY_WORD * (last - first)
    if room < MIN_WORD * (last - first) / 2 or room > MAX_STRETCH:
        return []                         # the audio lacks these words, or is lost here
    # two heard words on each side where there are: a window ending inside a word's
    # speech finds no path, so it ends after the word that follows the one after
    lead = first - 2 if first >= 2 and matched[first - 2] is not None else max(0, first - 1)
    tail = last + 2 if last + 1 < len(matched) and matched[last + 1] is not None else \
        min(last + 1, len(matched))
    start = heard[matched[lead]].start - EDGE if first > 0 else 0.0
    end = heard[matched[tail - 1]].end + EDGE if last < len(matched) else duration
    split = next((i for i in range(max(1, first), min(last + 1, len(plan.spoken)))
                  if plan.spoken[i][0] != plan.spoken[i - 1][0]), None)
    if room < needed + MIN_GAP or split is None:
        return [(max(0.0, start), min(duration, end), first, last, lead, tail)]
    head, rest = SAY_WORD * (split - first) + 1.0, SAY_WORD * (last - split) + 1.0
    parts = [(max(0.0, start), min(duration, start + 2 * EDGE + head), first, split, lead, split),
             (max(0.0, end - 2 * EDGE - rest), min(duration, end), split, last, split, tail)]
    return [part for part in parts if part[3] > part[2]]


def _stretches(matched: list[int | None]) -> list[tuple[int, int]]:
    """``[first, last)`` of each run of tokens that were not heard."""
    out, first = [], None
    for i, j in enumerate(matched + [0]):
        if j is None and first is None:
            first = i
        elif j is not None and first is not None:
            out.append((first, i))
            first = None
    return out


def _never_backwards(onsets: list[float | None]) -> list[float | None]:
    """An onset before the one of the word before it is dropped (it gets an estimate)."""
    last = -1.0
    for i, onset in enumerate(onsets):
        if onset is not None:
            if onset < last:
                onsets[i] = None
            else:
                last = onset
    return onsets


def _gaps(plan: _Plan, onsets, matched, heard, loudness: dict, duration: float):
    """Stretches of :data:`MIN_GAP` seconds or more between two neighbouring words
    (or before the first, after the last) that are not silence."""
    edges = [0.0]
    for i, onset in enumerate(onsets):
        if onset is not None:
            end = heard[matched[i]].end if matched[i] is not None else onset + MIN_WORD
            edges += [onset, end]
    edges.append(duration)
    out = []
    for a, b in zip(edges[::2], edges[1::2]):
        if b - a >= MIN_GAP:
            loud = [k for k in range(round(a / recognition.LEVEL_STEP),
                                     round(b / recognition.LEVEL_STEP))
                    if loudness.get(k, 0.0) > LOUD]
            if len(loud) * recognition.LEVEL_STEP >= MIN_GAP:
                out.append((round(max(a, loud[0] * recognition.LEVEL_STEP), 3),
                            round(min(b, (loud[-1] + 1) * recognition.LEVEL_STEP), 3)))
    return out


def _estimated(library: Library, episode, cues: list[Cue]) -> list[Cue]:
    """The cues as the original transcript times them, when it still reads the same:
    aligning again then looks at the same windows and gives the same words (the VTT's
    starts are already corrected by the last run)."""
    original = library.file(episode.slug, episode.transcript)
    try:
        first = read_transcript(original, None, episode.duration,
                                untimed=original.suffix.lower() == ".txt").cues if original else []
    except InputError:
        first = []
    same = len(first) == len(cues) and all(a.text == b.text for a, b in zip(first, cues))
    return first if same else cues


def _collect(plan: _Plan, onsets, matched, heard, loudness, duration: float) -> Alignment:
    """The report, the words.json data and the cues with corrected starts."""
    report = Report(cues=len(plan.cues), spoken=len(plan.words),
                    heard=sum(j is not None for j in matched))
    report.gaps = _gaps(plan, onsets, matched, heard, loudness, duration)
    per_cue: list[list[float | None]] = [[None] * len(found) for found in plan.tokens]
    for (c, k), onset in zip(plan.spoken, onsets):
        per_cue[c][k] = onset
    heard_in = [0] * len(plan.cues)
    for (c, _), j in zip(plan.spoken, matched):
        heard_in[c] += j is not None
    entries, starts = [], []
    for i, cue in enumerate(plan.cues):
        result = CueWords(plan.tokens[i], per_cue[i])
        if not result.aligned:
            entries.append(None)
            starts.append(cue.start)
            report.failed.append((i + 1, "the audio does not hold these words"))
            continue
        words = _outside(written_words(result), report.gaps)
        report.aligned += 1
        report.words += len(words)
        report.interpolated += sum(o is None for o in result.onsets)
        entries.append({"start": words[0][0], "words": words})
        starts.append(words[0][0] / 1000)
    matched_cues = sum(1 for i, n in enumerate(heard_in) if n * 2 >= max(1, sum(
        1 for c, _ in plan.spoken if c == i)))
    if report.heard_share < 0.5:
        raise AlignmentMismatch(
            f"only {report.heard_share:.0%} of the transcript's words were heard in the audio "
            f"({matched_cues} of {len(plan.cues)} paragraphs) — is this the right audio?")
    corrected = _retimed(plan.cues, starts, report)
    data = {"version": WORDS_VERSION, "cues": entries,
            "gaps": [[round(a * 1000), round(b * 1000)] for a, b in report.gaps]}
    return Alignment(report, data, corrected)


def _outside(words: list[list[int]], gaps: list[tuple[float, float]]) -> list[list[int]]:
    """No word starts inside a gap: an estimated one there is moved to the gap's start."""
    for word in words:
        for a, b in gaps:
            if a * 1000 <= word[0] < b * 1000:
                word[0] = max(0, round(a * 1000) - 1)
    for k in range(1, len(words)):
        words[k][0] = max(words[k][0], words[k - 1][0])
    return words


def _retimed(cues: list[Cue], starts: list[float], report: Report) -> list[Cue]:
    """Cues starting at their first word (kept in order); each ends where the next starts."""
    out: list[Cue] = []
    for i, (cue, start) in enumerate(zip(cues, starts)):
        start = max(start, out[-1].start + 0.001) if out else start
        if abs(start - cue.start) >= 0.001:
            report.moved.append(abs(start - cue.start))
        out.append(Cue(round(start, 3), cue.end, cue.text, cue.speaker))
    for i in range(len(out) - 1):
        out[i].end = max(out[i].start + 0.001, out[i + 1].start)
    out[-1].end = max(out[-1].end, out[-1].start + 0.001)
    return out
