#!/usr/bin/env python3
"""Benchmark word alignment on synthetic speech with known word onsets.

The reference transcript's first paragraphs (words only: flite and our normaliser say
numbers differently) are spoken by Debian's flite into one episode of at least 10
minutes, with the true onset of every word from ``flite -psdur`` (tests/speech_support.py).
The episode is added with Rev-style whole-second timestamps and aligned by the app. In
one run:

  accuracy  — word onset error, median and 90th percentile, and the share of words the
              decoder aligned (not interpolated); targets < 40 ms, < 120 ms, >= 97%;
  baseline  — the same errors for the paragraph-only estimate (a word's onset by its
              character offset in its paragraph), what the page had before;
  speed     — audio seconds per second of alignment on this machine (target >= 25x) and
              the peak RSS of the aligning process and its workers (target < 400 MB);
  page      — the episode page's DOMContentLoaded with words.json against the same page
              without (target within 1.05x), medians of 15 cold loads in Chromium; and
              for 40 words sampled across the episode, whether the page highlights the
              word being said (the player set just past its onset).

With --minutes 130 it speaks every usable paragraph of the reference transcript (about
two hours): the app's own promise of "a 2-hour episode in under 5 minutes".

    .venv/bin/python bench/bench_align.py [--minutes 10] [--workers N]
"""
from __future__ import annotations

import argparse
import json
import re
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))
sys.path.insert(0, str(ROOT / "bench"))

from speech_support import seed_paragraphs as paragraphs, speech_episode  # noqa: E402
from webapp.core import read_transcript  # noqa: E402


ALIGN = """
import json, resource, sys, time
sys.path.insert(0, {root!r})
from webapp.core.episodes import Library
from webapp.core.alignment.episode import align_episode
began = time.perf_counter()
library = Library({media!r})
alignment = align_episode(library, "talk", workers={workers})
library.save_alignment("talk", alignment.words, alignment.cues)
report = alignment.report
spent = time.perf_counter() - began
peak = max(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss,
           resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss) / 1024
print(json.dumps({{"seconds": spent, "peak_mb": peak, "aligned": report.aligned,
                  "cues": report.cues, "interpolated": report.interpolated,
                  "words": report.words}}))
"""


def errors(cues, words, truth):
    """Onset errors of the aligned words, and of the paragraph-only estimate made from
    ``cues`` (the transcript as exported)."""
    aligned, estimated = [], []
    for cue, entry, onsets in zip(cues, words, truth):
        text = cue.text
        spans = [(m.start(), m.end()) for m in re.finditer(r"\S+", text)]
        for (start, _), onset in zip(spans, onsets):
            estimated.append(abs(cue.start + (cue.end - cue.start) * start / len(text) - onset))
        if entry:
            aligned += [abs(ms / 1000 - onset) for (ms, *_), onset in zip(entry["words"], onsets)]
    return aligned, estimated


HIGHLIGHTED = """async ([at]) => {
    const a = document.getElementById('player'); a.pause(); a.currentTime = at;
    await new Promise((done) => a.addEventListener('seeked', done, { once: true }));
    await new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(done)));
    const w = document.querySelector('.word--now'); return w ? w.textContent : null; }"""


def highlight_check(browser, url: str, samples: list[tuple[float, str]]) -> int:
    """How many sampled words the page highlights while they are said."""
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    page.goto(url)
    page.wait_for_function("() => document.querySelector('.episode-page').dataset.words === 'ready'"
                           " && document.getElementById('player').readyState >= 1", timeout=60_000)
    right = sum(page.evaluate(HIGHLIGHTED, [at + 0.04]) == word for at, word in samples)
    page.close()
    return right


def page_ratio(media: Path, loads: int, samples: list) -> tuple[float, float, int]:
    """Median DCL of the episode page with words.json and without it (moved away), and
    how many sampled words the page highlights right."""
    import logging

    from playwright.sync_api import sync_playwright

    from bench_page_load import measure
    from support import LiveServer, launch_chromium
    from webapp import create_app

    logging.getLogger("werkzeug").setLevel(logging.ERROR)
    words, aside = media / "talk" / "words.json", media / "words.json.aside"
    with LiveServer(create_app({"TESTING": True, "MEDIA_DIR": str(media)})) as server, \
            sync_playwright() as playwright:
        browser = launch_chromium(playwright)
        right = highlight_check(browser, f"{server.url}/episodes/talk", samples)
        runs = {"with": [], "without": []}
        for _ in range(loads):
            for name in ("with", "without"):
                if name == "with" and aside.exists():
                    aside.rename(words)
                elif name == "without" and words.exists():
                    words.rename(aside)
                runs[name].append(measure(browser, f"{server.url}/episodes/talk")["dcl"])
        browser.close()
    return statistics.median(runs["with"]), statistics.median(runs["without"]), right


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--minutes", type=float, default=10)
    parser.add_argument("--workers", type=int, default=None)
    parser.add_argument("--loads", type=int, default=15)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-align-") as tmp:
        folder = Path(tmp)
        began = time.perf_counter()
        audio, transcript, truth = speech_episode(folder / "speech", paragraphs(args.minutes))
        from webapp.core.episodes import Library

        library = Library(folder / "media")
        episode, _ = library.add(str(transcript), str(audio), slug="talk")
        print(f"{len(truth)} paragraphs, {sum(map(len, truth)):,} words, "
              f"{episode.duration / 60:.1f} min of flite speech (made in {time.perf_counter() - began:.0f} s)")
        code = ALIGN.format(root=str(ROOT), media=str(folder / "media"), workers=args.workers)
        done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
        if done.returncode:
            sys.exit(done.stderr)
        run = json.loads(done.stdout)
        data = json.loads((folder / "media" / "talk" / "words.json").read_text())
        # the baseline estimates from the transcript's own (whole-second) timestamps
        original = read_transcript(transcript, None, episode.duration).cues
        aligned, estimated = errors(original, data["cues"], truth)
        texts = [c.text for c in library.transcript("talk").cues]
        timed = [(ms / 1000, texts[i][a:b]) for i, e in enumerate(data["cues"]) if e
                 for ms, a, b, *_ in e["words"]]
        samples = timed[:: max(1, len(timed) // 40)]
        report(run, aligned, estimated, episode.duration,
               page_ratio(folder / "media", args.loads, samples), len(samples))
    return 0


def report(run: dict, aligned: list[float], estimated: list[float], duration: float,
           page: tuple[float, float, int], sampled: int) -> None:
    share = 1 - run["interpolated"] / max(1, run["words"])
    speed = duration / run["seconds"]
    med, p90 = statistics.median(aligned) * 1000, percentile(aligned, 0.9) * 1000
    print(f"accuracy: median {med:.0f} ms, p90 {p90:.0f} ms, {share:.1%} of words aligned, "
          f"{run['aligned']} of {run['cues']} paragraphs  (targets < 40 ms, < 120 ms, >= 97%)")
    print(f"baseline (paragraph-only estimate): median {statistics.median(estimated) * 1000:.0f} ms, "
          f"p90 {percentile(estimated, 0.9) * 1000:.0f} ms")
    print(f"speed: {run['seconds']:.1f} s for {duration / 60:.1f} min = {speed:.1f}x real time "
          f"(target >= 25x); peak RSS {run['peak_mb']:.0f} MB (target < 400 MB)")
    with_words, without, right = page
    print(f"page DCL with words {with_words:.1f} ms vs without {without:.1f} ms: "
          f"{with_words / without:.2f}x (target <= 1.05x)")
    print(f"page: the highlighted word was the word being said for {right} of {sampled} "
          f"sampled words (Chromium)")


if __name__ == "__main__":
    raise SystemExit(main())
