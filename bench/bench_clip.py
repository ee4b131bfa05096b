#!/usr/bin/env python3
"""Benchmark audio clips: our clip of a range against pydub decoding the whole file.

Makes (once, kept in bench/out/) a 2-hour MP3 with real-ish content — pink noise under a
tone, 96 kb/s stereo 44.1 kHz, so decoding costs what a podcast's would — then, each in
a fresh child process so that its peak RSS can be measured (the child's own and that of
the ffmpeg it runs, via getrusage):

  (a) ours: webapp.core.clips.get_clip of a 46-second range from the middle, cold cache
      (input seeking: ffmpeg decodes only the range) — target < 2 s and < 100 MB
  (b) the baseline: pydub AudioSegment.from_file(whole file), slice, export
  (c) for reference: pydub's own from_file(start_second=…, duration=…), which seeks on
      the output side (decodes everything before the start, then throws it away)

and a cached hit of (a). Prints the times, peak RSS and the ratios baseline/ours.

    .venv/bin/python bench/bench_clip.py [--repeat N] [--skip-baseline]
"""
from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import textwrap
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "bench" / "out"
HOURS_2 = 7200
START, LENGTH = 3600.0, 46.0
TIME_TARGET_S = 2.0
RSS_TARGET_MB = 100
BASELINE_MEMORY_LIMIT = 16 * 1024 ** 3  # keep the baseline bounded (the machine has 24 GB)

CHILD_PRELUDE = textwrap.dedent("""
    import json, resource, sys, time
    sys.path.insert(0, {root!r})
    def report(seconds, extra=None):
        me = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        kids = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
        print(json.dumps({{"seconds": seconds, "rss_self_mb": me, "rss_children_mb": kids,
                          **(extra or {{}})}}))
""")

OURS = CHILD_PRELUDE + textwrap.dedent("""
    from webapp.core.clips import get_clip
    began = time.perf_counter()
    path = get_clip({cache!r}, "bench", {audio!r}, {start}, {end})
    seconds = time.perf_counter() - began
    report(seconds, {{"bytes": path.stat().st_size}})
""")

BASELINE = CHILD_PRELUDE + textwrap.dedent("""
    import resource as r
    r.setrlimit(r.RLIMIT_AS, ({limit}, {limit}))
    from pydub import AudioSegment
    began = time.perf_counter()
    whole = AudioSegment.from_file({audio!r}, format="mp3")
    clip = whole[int({start} * 1000):int({end} * 1000)]
    clip.export({out!r}, format="mp3", bitrate="128k")
    seconds = time.perf_counter() - began
    report(seconds, {{"decoded_mb": len(whole.raw_data) / 2 ** 20}})
""")

PYDUB_SEEK = CHILD_PRELUDE + textwrap.dedent("""
    from pydub import AudioSegment
    began = time.perf_counter()
    clip = AudioSegment.from_file({audio!r}, format="mp3", start_second={start},
                                  duration={length})
    clip.export({out!r}, format="mp3", bitrate="128k")
    seconds = time.perf_counter() - began
    report(seconds)
""")


def ffmpeg() -> str:
    found = shutil.which("ffmpeg")
    if found:
        return found
    import imageio_ffmpeg

    return imageio_ffmpeg.get_ffmpeg_exe()


def two_hour_mp3() -> Path:
    """bench/out/two_hours.mp3, made once (about 40 s) and reused."""
    OUT.mkdir(parents=True, exist_ok=True)
    path = OUT / "two_hours.mp3"
    if path.is_file() and path.stat().st_size > 80_000_000:
        return path
    print(f"making a 2-hour MP3 in {path} (once) …", flush=True)
    tmp = path.with_suffix(".tmp.mp3")
    noise = f"anoisesrc=color=pink:amplitude=0.1:sample_rate=44100:duration={HOURS_2}"
    tone = f"sine=frequency=220:sample_rate=44100:duration={HOURS_2}"
    subprocess.run([ffmpeg(), "-loglevel", "error", "-y", "-f", "lavfi", "-i", noise,
                    "-f", "lavfi", "-i", tone, "-filter_complex",
                    "[0][1]amix=inputs=2,aformat=channel_layouts=stereo",
                    "-ac", "2", "-ar", "44100", "-b:a", "96k", "-codec:a", "libmp3lame",
                    str(tmp)], check=True)
    os.replace(tmp, path)
    return path


def run_child(code: str) -> dict:
    """Run ``code`` in a fresh interpreter; its JSON report, plus the wall time seen here."""
    began = time.perf_counter()
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          cwd=ROOT)
    wall = time.perf_counter() - began
    if done.returncode != 0:
        return {"error": (done.stderr.strip().splitlines() or ["failed"])[-1], "wall": wall}
    report = json.loads(done.stdout.strip().splitlines()[-1])
    report["wall"] = wall
    report["peak_mb"] = max(report["rss_self_mb"], report["rss_children_mb"])
    return report


def line(label: str, report: dict) -> str:
    if "error" in report:
        return f"  {label:<50} FAILED: {report['error']}"
    return (f"  {label:<50} {report['seconds']:7.3f} s   peak RSS {report['peak_mb']:8.1f} MB "
            f"(python {report['rss_self_mb']:.0f} MB, children {report['rss_children_mb']:.0f} MB)")


def others(audio: Path, end: float, work: Path, skip_baseline: bool):
    """(c) pydub's own seeking and (b) the whole-file baseline, printed and returned."""
    seek = run_child(PYDUB_SEEK.format(root=str(ROOT), audio=str(audio), start=START,
                                       length=LENGTH, out=str(work / "seek.mp3")))
    print(line("(c) pydub from_file(start_second=…) (output seek)", seek))
    if skip_baseline:
        return seek, None
    baseline = run_child(BASELINE.format(root=str(ROOT), audio=str(audio), start=START,
                                         end=end, out=str(work / "baseline.mp3"),
                                         limit=BASELINE_MEMORY_LIMIT))
    print(line("(b) baseline: pydub whole file, then slice", baseline))
    if "decoded_mb" in baseline:
        print(f"  {'':<50} (decoded PCM held: {baseline['decoded_mb']:.0f} MB)")
    return seek, baseline


def verdict(best: dict, peak: float, seek: dict, baseline: dict | None) -> int:
    print("\nagainst the targets and the baseline:")
    ok_time = best["seconds"] < TIME_TARGET_S
    ok_rss = peak < RSS_TARGET_MB
    print(f"  (a) time {best['seconds']:.3f} s < {TIME_TARGET_S} s: {'yes' if ok_time else 'NO'}")
    print(f"  (a) peak RSS {peak:.1f} MB < {RSS_TARGET_MB} MB: {'yes' if ok_rss else 'NO'}")
    if "error" not in seek:
        print(f"  (c)/(a): pydub's own seeking takes {seek['seconds'] / best['seconds']:.1f}x "
              f"as long")
    if baseline and "error" not in baseline:
        print(f"  (b)/(a): the baseline takes {baseline['seconds'] / best['seconds']:.0f}x "
              f"as long and {baseline['peak_mb'] / peak:.0f}x the memory")
    return 0 if ok_time and ok_rss else 1


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3, help="runs of (a), cold each time")
    parser.add_argument("--skip-baseline", action="store_true", help="skip (b), the slow one")
    args = parser.parse_args()

    audio = two_hour_mp3()
    end = START + LENGTH
    size_mb = audio.stat().st_size / 2 ** 20
    print(f"audio: {audio.name}, 2 h, {size_mb:.0f} MB; clip {START:.0f}–{end:.0f} s "
          f"({LENGTH:.0f} s from the middle)\n")

    work = Path(tempfile.mkdtemp(prefix="bench-clip-"))
    try:
        ours = []
        for run in range(args.repeat):
            cache = work / f"cache-{run}"  # a new, empty cache: cold every time
            ours.append(run_child(OURS.format(root=str(ROOT), cache=str(cache),
                                              audio=str(audio), start=START, end=end)))
        failed = [r for r in ours if "error" in r]
        if failed:
            print(line("(a) ours", failed[0]))
            return 1
        best = min(ours, key=lambda r: r["seconds"])
        median = statistics.median(r["seconds"] for r in ours)
        peak = max(r["peak_mb"] for r in ours)
        warm = run_child(OURS.format(root=str(ROOT), cache=str(work / "cache-0"),
                                     audio=str(audio), start=START, end=end))
        print("figures (time inside the child process; peak RSS: the larger of the child's and\n"
              "its own children's (ffmpeg; a forked child counts its parent's pages until exec)):")
        print(line(f"(a) ours, cold cache, best of {args.repeat}", best))
        print(f"  {'':<50} median {median:.3f} s, worst peak RSS {peak:.1f} MB, "
              f"clip {best['bytes'] / 1024:.0f} KB")
        print(line("(a') ours, cached", warm))
        seek, baseline = others(audio, end, work, args.skip_baseline)
        return verdict(best, peak, seek, baseline)
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
