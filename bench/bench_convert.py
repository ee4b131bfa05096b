#!/usr/bin/env python3
"""Benchmark ``listenalong convert`` against webvtt-py reading the same WebVTT.

Builds a transcript ten times the reference seed (the seed repeated with shifted
timestamps, about 2,000 cues and 1.2 MB) in a temp folder at run time, then measures,
in one run, best of N repeats:

  (a) our conversion: read_transcript + render to VTT, for the seed (1x) and the 10x file
  (b) webvtt-py only reading the VTT we produced (webvtt.read), for the same sizes

and prints the times, the ratio ours/webvtt-py (target <= 1.5x at 10x), the growth from
1x to 10x (about 10 is linear), and the peak RSS of a child process running the CLI on
the 10x file (target < 100 MB).

    .venv/bin/python bench/bench_convert.py [--repeat N] [--profile]
"""
from __future__ import annotations

import argparse
import cProfile
import pstats
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import webvtt

from webapp.core import read_transcript, render
from webapp.core.timecode import parse_clock

ROOT = Path(__file__).resolve().parents[1]
SEED = ROOT.parent / "shared" / "seeds" / "000_a039187f8522a416.txt"
COPIES = 10
TIMESTAMP = re.compile(r"\((\d{1,3}(?::\d{1,2}){1,2})\)(?=:)")
RSS_TARGET_MB = 100
RATIO_TARGET = 1.5


def hms(seconds: int) -> str:
    h, rest = divmod(seconds, 3600)
    m, s = divmod(rest, 60)
    return f"{h}:{m:02d}:{s:02d}"


def build_big(seed_text: str, copies: int) -> str:
    """The seed's header, its body ``copies`` times with each copy's timestamps shifted
    past the one before, then its notes. Timestamps are rewritten as H:MM:SS."""
    lines = seed_text.split("\n")
    first = next(i for i, line in enumerate(lines) if TIMESTAMP.search(line))
    notes = next(i for i, line in enumerate(lines) if line.strip() == "Episode Info")
    header, body, tail = lines[:first], "\n".join(lines[first:notes]), lines[notes:]
    last = max(parse_clock(m.group(1))[0] for m in TIMESTAMP.finditer(body))
    span = int(last) + 300  # each copy starts five minutes after the last one's last cue

    def shifted(k: int) -> str:
        return TIMESTAMP.sub(lambda m: f"({hms(int(parse_clock(m.group(1))[0]) + k * span)})",
                             body)

    return "\n".join([*header, *(shifted(k) for k in range(copies)), *tail])


def best_of(repeat: int, func) -> float:
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        func()
        best = min(best, time.perf_counter() - start)
    return best


def ours(path: Path) -> str:
    return render(read_transcript(path), "vtt")


def peak_rss_mb(args: list[str]) -> float:
    """Peak RSS (MB) of a child running ``args``, measured by a wrapper process so that no
    other child of this process counts."""
    wrapper = ("import resource, subprocess, sys; "
               "rc = subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL).returncode; "
               "assert rc == 0, rc; "
               "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)")
    out = subprocess.run([sys.executable, "-c", wrapper, *args], capture_output=True,
                         text=True, check=True).stdout
    return int(out) / 1024  # ru_maxrss is in KiB on Linux


def measure_size(path: Path, vtt_path: Path, repeat: int) -> tuple:
    """(bytes, cues, our seconds, webvtt-py's seconds) for one input."""
    vtt_path.write_text(ours(path), encoding="utf-8")
    cues = len(webvtt.read(str(vtt_path)).captions)
    t_ours = best_of(repeat, lambda: ours(path))
    t_ref = best_of(repeat, lambda: webvtt.read(str(vtt_path)))
    return path.stat().st_size, cues, t_ours, t_ref


def print_rows(rows: dict, repeat: int) -> None:
    print(f"listenalong convert benchmark (best of {repeat}; Python "
          f"{sys.version.split()[0]}, webvtt-py {getattr(webvtt, '__version__', '?')})")
    print(f"{'size':>4} {'bytes':>10} {'cues':>6} {'ours ms':>9} {'webvtt-py ms':>13} "
          f"{'ours/webvtt-py':>15}")
    for label, (size, cues, t_ours, t_ref) in rows.items():
        print(f"{label:>4} {size:>10,} {cues:>6} {t_ours * 1e3:>9.1f} {t_ref * 1e3:>13.1f} "
              f"{t_ours / t_ref:>14.2f}x")
    big = f"{COPIES}x"
    ratio = rows[big][2] / rows[big][3]
    print(f"ratio ours/webvtt-py at {big}: {ratio:.2f}x "
          f"({'meets' if ratio <= RATIO_TARGET else 'MISSES'} target <= {RATIO_TARGET}x)")
    print(f"growth 1x -> {big}: ours {rows[big][2] / rows['1x'][2]:.1f}x, "
          f"webvtt-py {rows[big][3] / rows['1x'][3]:.1f}x "
          f"(input {rows[big][0] / rows['1x'][0]:.1f}x; ~{COPIES} is linear)")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=7, help="best of N (default 7)")
    parser.add_argument("--profile", action="store_true",
                        help="also print a cProfile of one 10x conversion")
    options = parser.parse_args()
    if not SEED.is_file():
        print(f"reference transcript not found at {SEED}", file=sys.stderr)
        return 1

    with tempfile.TemporaryDirectory(prefix="listenalong-bench-") as tmp:
        folder = Path(tmp)
        seed_text = SEED.read_text(encoding="utf-8")
        files = {"1x": SEED, f"{COPIES}x": folder / f"seed_x{COPIES}.txt"}
        files[f"{COPIES}x"].write_text(build_big(seed_text, COPIES), encoding="utf-8")

        rows = {label: measure_size(path, folder / f"{label}.vtt", options.repeat)
                for label, path in files.items()}
        print_rows(rows, options.repeat)

        big = f"{COPIES}x"
        cli = [sys.executable, "-m", "webapp", "convert"]
        rss_big = peak_rss_mb([*cli, str(files[big]), "-o", str(folder / "cli.vtt")])
        rss_small = peak_rss_mb([*cli, str(files["1x"]), "-o", str(folder / "cli1.vtt")])
        print(f"peak RSS of the CLI: {rss_big:.1f} MB on {big}, {rss_small:.1f} MB on 1x "
              f"({'meets' if rss_big < RSS_TARGET_MB else 'MISSES'} target < {RSS_TARGET_MB} MB)")

        if options.profile:
            profile = cProfile.Profile()
            profile.runcall(ours, files[big])
            pstats.Stats(profile).sort_stats("cumulative").print_stats(25)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
