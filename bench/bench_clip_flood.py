#!/usr/bin/env python3
"""Benchmark: do episode pages stay fast while clients flood the server with clip requests?

The app runs as in production (gunicorn, 2 workers x 8 threads) on the reference episode
with a 2 h 06 min 128 kb/s stereo MP3 (bench/out/seed_length.mp3, made once). In one run,
for each of two configurations:

  protected  — the defaults: one encoder at a time on the machine, at niceness 10, and 20
               new clips a minute per client;
  baseline   — what the app did before (no bound on encodes, normal priority, no rate
               limit): CLIP_ENCODERS=64, CLIP_NICENESS=0, CLIP_RATE_PER_MINUTE=0,

a reader fetches the episode page idle (p50/p99), then again while 8 clients, each from
its own loopback address (127.0.0.2-9), ask for distinct 30-60 s clips one after another:
a polite flood (a refused client waits the Retry-After it was given, as the HTTP spec asks)
and, with protection, a hostile one (it asks again at once). Target: with protection, the
page's p50 and p99 stay within 2x of idle under the polite flood; the hostile figures show
what is left to a proxy's request limits. All traffic is on loopback; every loop is bounded.

    .venv/bin/python bench/bench_clip_flood.py [--seconds 20]
"""
from __future__ import annotations

import argparse
import http.client
import os
import random
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from webapp.core.clips import ffmpeg_exe  # noqa: E402
from webapp.core.episodes import Library  # noqa: E402

SEED = ROOT.parent / "shared" / "seeds" / "000_a039187f8522a416.txt"
FLOODERS = 8
PAGE = "/episodes/seed"
CONFIGS = {
    "protected": {},
    "baseline": {"LISTENALONG_CLIP_ENCODERS": "64", "LISTENALONG_CLIP_NICENESS": "0",
                 "LISTENALONG_CLIP_RATE_PER_MINUTE": "0"},
}


def seed_length_mp3() -> Path:
    """bench/out/seed_length.mp3: 7,560 s of a quiet tone, 128 kb/s stereo (made once)."""
    path = ROOT / "bench" / "out" / "seed_length.mp3"
    if not path.is_file():
        path.parent.mkdir(parents=True, exist_ok=True)
        subprocess.run([ffmpeg_exe(), "-loglevel", "error", "-y", "-f", "lavfi", "-i",
                        "sine=frequency=220:sample_rate=44100:duration=7560", "-ac", "2",
                        "-b:a", "128k", "-codec:a", "libmp3lame", str(path)], check=True)
    return path


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def get(port: int, path: str, timeout: float = 60, source: str | None = None):
    """(status, milliseconds, Retry-After) of one GET on loopback."""
    began = time.perf_counter()
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout,
                                            source_address=(source, 0) if source else None)
    try:
        connection.request("GET", path)
        response = connection.getresponse()
        response.read()
        retry = response.getheader("Retry-After")
        return response.status, (time.perf_counter() - began) * 1000, float(retry or 0)
    finally:
        connection.close()


def start_server(media: Path, cache: Path, extra: dict) -> tuple[subprocess.Popen, int]:
    port = free_port()
    env = {**os.environ, "LISTENALONG_MEDIA_DIR": str(media), "LISTENALONG_CLIP_CACHE_DIR": str(cache),
           **extra}
    gunicorn = Path(sys.executable).with_name("gunicorn")
    server = subprocess.Popen([str(gunicorn), "-w", "2", "-k", "gthread", "--threads", "8",
                               "-b", f"127.0.0.1:{port}", "--log-level", "warning",
                               "webapp:create_app()"], env=env, cwd=ROOT)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            if get(port, "/", timeout=2)[0] == 200:
                return server, port
        except OSError:
            time.sleep(0.2)
    server.kill()
    sys.exit("gunicorn did not start")


def read_pages(port: int, count: int, stop: threading.Event | None = None) -> list[float]:
    times = []
    for _ in range(count):
        if stop is not None and stop.is_set():
            break
        status, ms, _ = get(port, PAGE)
        if status == 200:
            times.append(ms)
    return times


def flood(port: int, seconds: float, duration: float, seed: int, statuses: list,
          polite: bool) -> None:
    rng = random.Random(seed)
    until = time.monotonic() + seconds
    source = f"127.0.0.{2 + seed}"
    while time.monotonic() < until:
        start = rng.uniform(0, duration - 120)
        length = rng.uniform(30, 60)
        try:
            status, _, retry = get(port, f"/episodes/seed/clip.mp3?t={start:.2f},{start + length:.2f}",
                                   source=source)
        except OSError:
            status, retry = "error", 0
        statuses.append(status)
        if polite and retry:
            time.sleep(min(retry, max(0.0, until - time.monotonic())))


def measure(name: str, media: Path, seconds: float, duration: float, polite: bool) -> dict:
    with tempfile.TemporaryDirectory(prefix="clip-flood-cache-") as cache:
        server, port = start_server(media, Path(cache), CONFIGS[name])
        try:
            read_pages(port, 10)                       # warm the workers' caches
            idle = read_pages(port, 100)
            statuses: list = []
            flooders = [threading.Thread(target=flood,
                                         args=(port, seconds, duration, n, statuses, polite))
                        for n in range(FLOODERS)]
            for thread in flooders:
                thread.start()
            time.sleep(1)                              # let the flood build up
            busy = read_pages(port, 10_000, stop=_stopper(flooders))
            for thread in flooders:
                thread.join()
        finally:
            server.terminate()
            server.wait(timeout=30)
    return {"idle": idle, "busy": busy, "statuses": statuses}


def _stopper(threads) -> threading.Event:
    stop = threading.Event()

    def watch():
        for thread in threads:
            thread.join()
        stop.set()

    threading.Thread(target=watch, daemon=True).start()
    return stop


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))]


def report(name: str, figures: dict) -> float:
    idle, busy = figures["idle"], figures["busy"]
    counts: dict = {}
    for status in figures["statuses"]:
        counts[status] = counts.get(status, 0) + 1
    i50, i99 = statistics.median(idle), percentile(idle, 0.99)
    b50, b99 = statistics.median(busy), percentile(busy, 0.99)
    print(f"{name:>10}: page idle p50 {i50:6.1f} ms p99 {i99:6.1f} ms | during the flood p50 "
          f"{b50:7.1f} ms p99 {b99:7.1f} ms ({len(busy)} pages, {len(busy) / max(1e-9, sum(busy) / 1000):.1f} req/s "
          f"one at a time) | x{b50 / i50:.2f} p50, x{b99 / i99:.2f} p99")
    print(f"{'':>10}  clip answers: " + ", ".join(f"{k}: {v}" for k, v in sorted(counts.items(), key=str)))
    return max(b50 / i50, b99 / i99)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=20, help="length of each flood")
    args = parser.parse_args()
    if not SEED.is_file():
        sys.exit(f"the reference transcript is not at {SEED}")
    audio = seed_length_mp3()
    with tempfile.TemporaryDirectory(prefix="clip-flood-") as tmp:
        media = Path(tmp) / "media"
        episode, _ = Library(media).add(str(SEED), str(audio), title="Reference", slug="seed")
        print(f"2 h 06 min MP3 ({audio.stat().st_size / 2**20:.0f} MB), {FLOODERS} clients asking for "
              f"distinct 30-60 s clips for {args.seconds:.0f} s; gunicorn 2 workers x 8 threads")
        worst = {}
        for name, config, polite in (("protected", "protected", True),
                                     ("baseline", "baseline", True),
                                     ("hostile", "protected", False)):
            worst[name] = report(name, measure(config, media, args.seconds, episode.duration, polite))
    met = worst["protected"] <= 2.0
    print(f"target: pages within 2x of idle while flooded: x{worst['protected']:.2f} with "
          f"protection ({'met' if met else 'missed'}); x{worst['baseline']:.2f} without; "
          f"x{worst['hostile']:.2f} with protection against a client that ignores Retry-After")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
