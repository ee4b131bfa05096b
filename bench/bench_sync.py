#!/usr/bin/env python3
"""Benchmark word sync when the timestamps are wrong: inserted ads and music, shifted
stamps, the wrong audio — the new aligner beside today's, in one run.

Paragraphs of the reference transcript (plain words only: flite and our normaliser say
numbers differently) are spoken by Debian's flite with the true onset of every word
(tests/speech_support.py), then:

  clean     — the episode as spoken, Rev-style whole-second stamps;
  inserts   — an 18 s ad read by another voice and a 20 s music bed spliced in after the
              transcript was made (its stamps do not know them);
  shifted   — every stamp 3 s late;
  early     — every stamp 3 s early;
  untimed   — no stamps at all: plain paragraphs ("Name: text"), timed from the audio;
  wrong     — another episode's audio under this transcript (must be refused).

For each: the share of words timed (not estimated), the median and 90th percentile of the
onset error, the share of words more than 250 ms off, whether every insert was reported as
a gap, and the wall time. "today" is the aligner of the commit named by --baseline (its
files taken from git into a temp folder), run on the same audio in the same run.
Targets (issue 23): >= 97% timed, median < 40 ms, p90 < 120 ms, <= 1% over 250 ms,
every insert a gap, the wrong audio refused; clean no slower than today, the others
<= 2.5x today.

With --librivox DIR (the ``test/data/librivox`` folder of the pocketsphinx 5.1.1 sdist:
real read speech, each clip with its text and word times as PocketSphinx's own aligner
found them), the clips are joined into one more episode and aligned as it is ("real"),
with a 20 s music bed inserted ("real+insert") and with its stamps 3 s late
("real+shifted"). Its reference is an aligner's, not a person's: it measures agreement.

    .venv/bin/python bench/bench_sync.py [--minutes 8] [--baseline 8527e88] [--workers N]
                                         [--librivox DIR]
"""
from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))

from speech_support import music, speech_episode, spoken_ad  # noqa: E402
from speech_support import seed_paragraphs as paragraphs  # noqa: E402

AD = ("This episode is brought to you by Brightwave mattresses. Sleep cooler, wake up "
      "happier, and try it free for one hundred nights. Visit the website today and use "
      "the code listen for fifteen percent off your first order.")

ALIGN = """
import json, sys, time
sys.path.insert(0, {root!r})
from webapp.core.episodes import Library
from webapp.core.alignment.episode import AlignmentMismatch, align_episode
began = time.perf_counter()
library = Library({media!r})
try:
    alignment = align_episode(library, "talk", workers={workers})
except AlignmentMismatch as error:
    print(json.dumps({{"refused": str(error), "seconds": time.perf_counter() - began}}))
    raise SystemExit(0)
print(json.dumps({{"seconds": time.perf_counter() - began, "words": alignment.words}}))
"""


def baseline_tree(commit: str, into: Path) -> Path | None:
    """Today's code: the ``webapp`` package of ``commit``, extracted from git."""
    try:
        archive = subprocess.run(["git", "-C", str(ROOT), "archive", commit, "webapp"],
                                 capture_output=True, check=True).stdout
        subprocess.run(["tar", "-x", "-C", str(into)], input=archive, check=True)
    except (OSError, subprocess.CalledProcessError):
        return None
    return into


def run_aligner(root: Path, media: Path, workers) -> dict:
    done = subprocess.run([sys.executable, "-c", ALIGN.format(root=str(root), media=str(media),
                                                              workers=workers)],
                          capture_output=True, text=True)
    if done.returncode:
        return {"error": done.stderr.strip().splitlines()[-1]}
    return json.loads(done.stdout)


def errors(words: dict, truth: list[list[float]]) -> tuple[list[float], int, int]:
    """Onset errors of every word, and how many words were timed (not estimated)."""
    errs, timed, total = [], 0, 0
    for entry, onsets in zip(words["cues"], truth):
        total += len(onsets)
        if not entry:
            continue
        for word, onset in zip(entry["words"], onsets):
            errs.append(abs(word[0] / 1000 - onset))
            timed += len(word) == 3
    return errs, timed, total


def covered(gaps: list, inserts: list[tuple[float, float]]) -> int:
    """How many inserts a reported gap covers (80% of it or more)."""
    count = 0
    for a, b in inserts:
        overlap = sum(max(0.0, min(b, g1 / 1000) - max(a, g0 / 1000)) for g0, g1 in gaps)
        count += overlap >= 0.8 * (b - a)
    return count


def summary(result: dict, truth, inserts) -> str:
    if "error" in result:
        return f"failed: {result['error'][:90]}"
    if "refused" in result:
        return f"refused ({result['seconds']:.1f} s): {result['refused'][:70]}"
    errs, timed, total = errors(result["words"], truth)
    if not errs:
        return f"no words timed ({result['seconds']:.1f} s)"
    errs.sort()
    gaps = result["words"].get("gaps", [])
    return (f"{timed / total:6.1%} timed, median {statistics.median(errs) * 1000:5.0f} ms, "
            f"p90 {errs[int(0.9 * (len(errs) - 1))] * 1000:6.0f} ms, "
            f"{sum(e > 0.25 for e in errs) / len(errs):6.1%} > 250 ms, "
            f"gaps {covered(gaps, inserts)}/{len(inserts)} inserts ({len(gaps)} reported), "
            f"{result['seconds']:6.1f} s")


def build(folder: Path, condition: str, spoken: list, other: list):
    """The episode of one condition: audio, transcript, truth and the inserts' spans."""
    inserts, shift, source, stamps = None, 0.0, spoken, condition != "untimed"
    if condition == "inserts":
        probe = speech_episode(folder / "probe", spoken[:1])[0]
        import wave

        with wave.open(str(probe)) as handle:
            params = handle.getparams()
        inserts = {len(spoken) // 3: spoken_ad(AD, folder, params),
                   2 * len(spoken) // 3: music(20.0, params)}
    elif condition in ("shifted", "early"):
        shift = 3.0 if condition == "shifted" else -3.0
    audio, transcript, truth = speech_episode(folder, source, inserts, shift, stamps)
    if condition == "wrong":
        audio = speech_episode(folder / "other", other)[0]
    spans = []
    for n in sorted(inserts or {}):
        first = truth[n][0]
        before = truth[n - 1][-1] if n else 0.0
        spans.append((before + 0.8, first - 0.6))   # past the last word before, to the next
    return audio, transcript, truth, spans


def librivox(folder: Path, into: Path, condition: str):
    """The LibriVox clips as one episode: audio, Rev transcript, reference onsets, inserts."""
    import wave

    from speech_support import PAUSE, _stamp

    frames, truth, lines, at, spans = [], [], [], 0.0, []
    for n, name in enumerate((folder / "fileids").read_text().split()):
        with wave.open(str(folder / f"{name}.wav")) as handle:
            params, clip = handle.getparams(), handle.readframes(handle.getnframes())
        if condition == "real+insert" and n == 2:
            bed = music(20.0, params)
            frames.append(bed)
            spans.append((at + 0.2, at + 19.8))
            at += 20.0 + PAUSE
        words = json.loads((folder / f"{name}.json").read_text())["w"]
        truth.append([round(at + w["b"], 3) for w in words if not w["t"].startswith("<")])
        shift = 3.0 if condition == "real+shifted" else 0.0
        stamp = at - (20.0 + PAUSE if spans and condition == "real+insert" else 0.0) + shift
        lines += [f"Reader ({_stamp(stamp)}):", "", (folder / f"{name}.txt").read_text().strip(), ""]
        frames.append(clip)
        at += len(clip) / (params.framerate * params.sampwidth) + PAUSE
    into.mkdir(parents=True, exist_ok=True)
    audio, transcript = into / "episode.wav", into / "episode.txt"
    gap = bytes(int(PAUSE * params.framerate) * params.sampwidth)
    with wave.open(str(audio), "wb") as joined:
        joined.setparams(params)
        joined.writeframes(gap.join(frames))
    transcript.write_text("\n".join(lines), "utf-8")
    return audio, transcript, truth, spans


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--minutes", type=float, default=8)
    parser.add_argument("--baseline", default="8527e88")
    parser.add_argument("--workers", type=int, default=None)
    parser.add_argument("--conditions", default="clean,inserts,shifted,early,untimed,wrong")
    parser.add_argument("--librivox", type=Path, default=None)
    args = parser.parse_args()
    spoken = paragraphs(args.minutes)
    other = paragraphs(args.minutes * 1.1, skip=len(spoken) + 10)
    with tempfile.TemporaryDirectory(prefix="bench-sync-") as tmp:
        tmp = Path(tmp)
        today = baseline_tree(args.baseline, tmp)
        print(f"{len(spoken)} paragraphs of flite speech, {sum(len(t.split()) for _, t in spoken):,} "
              f"words; today = {args.baseline if today else 'not available (no git)'}")
        conditions = [c for c in args.conditions.split(",") if c] + (
            ["real", "real+insert", "real+shifted"] if args.librivox else [])
        for condition in conditions:
            audio, transcript, truth, spans = (
                librivox(args.librivox, tmp / condition, condition) if condition.startswith("real")
                else build(tmp / condition, condition, spoken, other))
            from webapp.core.episodes import Library

            media = tmp / condition / "media"
            Library(media).add(str(transcript), str(audio), slug="talk")
            print(f"{condition}:")
            for name, root in (("today", today), ("new", ROOT)):
                if root is not None:
                    print(f"  {name:5} {summary(run_aligner(root, media, args.workers), truth, spans)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
