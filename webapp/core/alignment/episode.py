"""Aligning a whole episode: every cue in its own window, in parallel (one decoder per
worker process). It computes and returns an :class:`Alignment`; it writes nothing (the
library stores it: :meth:`webapp.core.episodes.Library.save_alignment`).

* ``Alignment.words`` — words.json's data: per cue, the onset (ms) and character span
  of every written word:
  ``{"version": 1, "cues": [null | {"start": ms, "words": [[ms, from, to], …]}, …]}``.
  ``null`` marks a cue that did not match its audio: it keeps the estimated timing.
  Words the dictionary lacks get a time interpolated between their neighbours, so no
  word is ever left out.
* ``Alignment.cues`` — still paragraph cues, each now starting at its first word's onset
  (the whole-second, "slightly off" timestamps of a Rev export corrected).

When fewer than half the cues match, :class:`AlignmentMismatch` says so: the audio is
probably not this transcript's.
"""
from __future__ import annotations

import multiprocessing
import os
from dataclasses import dataclass, field
from typing import Callable

from ..episodes import BrokenEpisode, Library
from ..episodes.files import WORDS_VERSION
from ..errors import InputError
from ..reading import read_transcript
from ..model import Cue
from .aligner import AFTER, BEFORE, CueWords, align_text, new_decoder, window_pcm

Progress = Callable[[int, int], None]


class AlignmentMismatch(ValueError):
    """Too few cues matched the audio; the episode was left as it was."""


@dataclass
class Report:
    cues: int
    aligned: int = 0
    words: int = 0
    interpolated: int = 0
    moved: list[float] = field(default_factory=list)   # seconds each corrected start moved
    failed: list[tuple[int, str]] = field(default_factory=list)   # (cue number, why)

    def summary(self) -> str:
        kept = self.cues - self.aligned
        moved = (f"; {len(self.moved)} starts moved, by {max(self.moved):.2f} s at most"
                 if self.moved else "")
        return (f"aligned {self.aligned} of {self.cues} paragraphs, {self.words:,} words"
                f"{f'; {kept} kept estimated timing (see --report)' if kept else ''}{moved}")


@dataclass
class Alignment:
    """An episode's alignment, for the library to store."""

    report: Report
    words: dict        # words.json's data
    cues: list[Cue]    # the cues, each starting at its first word


_decoder = None


def _init_worker() -> None:
    global _decoder
    _decoder = new_decoder()


def _align_window(job: tuple) -> tuple[int, CueWords]:
    index, ffmpeg, audio_path, start, end, text, before, after = job
    pcm = window_pcm(ffmpeg, audio_path, start, end)
    return index, align_text(_decoder, pcm, max(0.0, start), text, before, after)


def windows(cues: list[Cue], duration: float) -> list[tuple[float, float]]:
    """Each cue's stretch of audio: from :data:`BEFORE` seconds before it starts to
    :data:`AFTER` after the next cue starts (the last: after its own end), within the
    episode."""
    out = []
    for i, cue in enumerate(cues):
        until = cues[i + 1].start if i + 1 < len(cues) else max(cue.end, cue.start)
        out.append((max(0.0, cue.start - BEFORE), min(duration, until + AFTER)))
    return out


def written_words(result: CueWords) -> list[list[int]]:
    """``[[onset ms, from, to], …]`` per written word: the onset of its first token;
    words with no aligned token get a time between their aligned neighbours."""
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
            onset = _between(known, i)
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


def align_episode(library: Library, slug: str, workers: int | None = None,
                  progress: Progress | None = None) -> Alignment:
    """Align episode ``slug``: its words and corrected cue starts (nothing is written)."""
    from ..clips import ffmpeg_exe

    opened = library.open(slug, words=False)
    audio = library.file(slug, opened.episode.audio) if opened else None
    if opened is None or audio is None:
        raise BrokenEpisode(f"episode {slug!r} has no usable transcript and audio")
    episode = opened.episode
    cues = _estimated(library, episode, opened.transcript.cues)
    ffmpeg = ffmpeg_exe()
    texts = [cue.text for cue in cues]
    jobs = [(i, ffmpeg, str(audio), a, b, texts[i], texts[i - 1] if i else "",
             texts[i + 1] if i + 1 < len(texts) else "")
            for i, (a, b) in enumerate(windows(cues, episode.duration))]
    results: dict[int, CueWords] = {}
    with multiprocessing.get_context("fork").Pool(workers or os.cpu_count() or 1,
                                                  initializer=_init_worker) as pool:
        for done, (index, result) in enumerate(pool.imap_unordered(_align_window, jobs), 1):
            results[index] = result
            if progress:
                progress(done, len(jobs))
        for index, result in pool.imap_unordered(_align_window, _overlaps(jobs, results)):
            results[index] = result
    report, data, corrected = _collect(cues, results)
    if report.aligned * 2 < len(cues):
        raise AlignmentMismatch(f"only {report.aligned} of {len(cues)} paragraphs matched the "
                                f"audio — is this the right audio?")
    return Alignment(report, data, corrected)


def _overlaps(jobs: list[tuple], results: dict[int, CueWords]) -> list[tuple]:
    """Second pass: a cue whose first word comes before the previous cue's last word, or
    sits at the very start of its window, took some of the speech before it (its window
    began too late for the context words). Align it again from the previous cue's last
    word, with that word as the only context."""
    again = []
    for i in range(1, len(jobs)):
        before, mine = results.get(i - 1), results.get(i)
        if not (before and mine and before.aligned and mine.aligned):
            continue
        last = max(o for o in before.onsets if o is not None)
        first = next(o for o in mine.onsets if o is not None)
        pinned = first - jobs[i][3] < 0.15      # at its window's very start: it took more
        if first < last + 0.05 or (pinned and last < first):
            index, ffmpeg, audio, _, end, text, _, after = jobs[i]
            word = before.tokens[max(k for k, o in enumerate(before.onsets) if o is not None)]
            previous = jobs[i - 1][5][word.start:word.end]
            again.append((index, ffmpeg, audio, max(0.0, last - 0.1), end, text, previous, after))
    return again


def _estimated(library: Library, episode, cues: list[Cue]) -> list[Cue]:
    """The cues as the original transcript times them, when it still reads the same:
    aligning again then looks at the same windows and gives the same words (the VTT's
    starts are already corrected by the last run)."""
    original = library.file(episode.slug, episode.transcript)
    try:
        first = read_transcript(original, None, episode.duration).cues if original else []
    except InputError:
        first = []
    same = len(first) == len(cues) and all(a.text == b.text for a, b in zip(first, cues))
    return first if same else cues


def _collect(cues: list[Cue], results: dict[int, CueWords]):
    """The report, the words.json data and the cues with corrected starts."""
    report = Report(cues=len(cues))
    entries, starts = [], []
    for i, cue in enumerate(cues):
        result = results.get(i)
        if result is None or not result.aligned:
            entries.append(None)
            starts.append(cue.start)
            report.failed.append((i + 1, "the audio there does not hold these words"))
            continue
        words = written_words(result)
        report.aligned += 1
        report.words += len(words)
        report.interpolated += sum(o is None for o in result.onsets)
        start = words[0][0] / 1000
        entries.append({"start": words[0][0], "words": words})
        starts.append(start)
    corrected = _retimed(cues, starts, report)
    return report, {"version": WORDS_VERSION, "cues": entries}, corrected


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
