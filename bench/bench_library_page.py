#!/usr/bin/env python3
"""Benchmark the library page of a network-sized library.

Builds, in a temp folder at run time, 10,000 episodes made from the reference seed (the
same library as ``bench_engines.py``), then, in one run, with the Flask test client:

  (a) the baseline: the page as it was before pages, every episode read from its
      ``episode.json`` and every one listed (time, size)
  (b) ``/``: its first request (every episode.json read once), then ``/?page=N`` for
      random pages: p50/p95, size

    .venv/bin/python bench/bench_library_page.py [--episodes N] [--requests N]
"""
from __future__ import annotations

import argparse
import random
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench_search import SEED, build_library, percentile  # noqa: E402
from webapp.core.episodes import Library  # noqa: E402
from webapp.core.reading import read_transcript  # noqa: E402


def baseline(app, media: Path) -> tuple[float, int]:
    """ms and bytes of the page that listed every episode, each episode.json read anew."""
    from flask import render_template

    began = time.perf_counter()
    library = Library(media)
    episodes = [library.load(name) for name in sorted(p.name for p in media.iterdir())
                if not name.startswith(".")]
    episodes.sort(key=lambda e: (e.published or e.added, e.title), reverse=True)
    with app.test_request_context("/"):
        html = render_template("index.html", episodes=episodes, total=len(episodes), first=0,
                               page=1, pages=1, broken=[])
    return (time.perf_counter() - began) * 1000, len(html.encode())


def paged(client, pages: int, requests: int) -> tuple[float, list[float], int]:
    """ms of the first ``/``, ms of each ``/?page=N`` after it, and the bytes of a page."""
    began = time.perf_counter()
    first = client.get("/")
    cold = (time.perf_counter() - began) * 1000
    assert first.status_code == 200
    rng, times = random.Random(3), []
    for _ in range(requests):
        began = time.perf_counter()
        response = client.get("/", query_string={"page": rng.randint(1, pages)})
        times.append((time.perf_counter() - began) * 1000)
        assert response.status_code == 200
    return cold, times, len(first.data)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--episodes", type=int, default=10_000)
    parser.add_argument("--requests", type=int, default=50)
    args = parser.parse_args()
    if not SEED.is_file():
        sys.exit(f"the reference transcript is not at {SEED}")
    from webapp import create_app
    from webapp.views.library_pages import PAGE_SIZE

    with tempfile.TemporaryDirectory(prefix="bench-library-") as tmp:
        media = Path(tmp) / "media"
        build_library(media, args.episodes, read_transcript(str(SEED)).cues)
        app = create_app({"TESTING": True, "MEDIA_DIR": str(media)})
        print(f"library: {args.episodes:,} episodes, {PAGE_SIZE} to a page")
        spent, size = baseline(app, media)
        print(f"(a) baseline, every episode on one page: {spent:7.1f} ms, {size / 1e6:.1f} MB")
        pages = -(-args.episodes // PAGE_SIZE)
        cold, times, size = paged(app.test_client(), pages, args.requests)
        print(f"(b) first request of '/':                {cold:7.1f} ms")
        print(f"    '/?page=N', {len(times)} random pages: p50 {percentile(times, 0.5):.1f} ms, "
              f"p95 {percentile(times, 0.95):.1f} ms, {size / 1e3:.0f} KB a page")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
