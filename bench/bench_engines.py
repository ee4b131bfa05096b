#!/usr/bin/env python3
"""Benchmark the two search engines on a network-sized library, and two app nodes under load.

Builds, in a temp folder at run time, 10,000 episodes made from the reference seed (each:
its paragraphs shuffled and re-timed, speakers renamed, and one made-up word put in one
cue — about 2 million cues in all), and a temporary PostgreSQL cluster on loopback. Then,
in one run:

  (a) reindex time: ``listenalong reindex`` into SQLite, and into PostgreSQL
  (b) library search (``/api/search``, Flask test client) p50/p95 on both engines for
      single common words, phrases and rare words (targets: PostgreSQL p95 < 50 ms,
      SQLite p95 < 20 ms)
  (c) 60 s of load at 64 connections spread over two app nodes (gunicorn, one database,
      one media folder): requests/s, p50/p99, errors (target: 0 errors)

    .venv/bin/python bench/bench_engines.py [--episodes N] [--seconds S] [--connections C]
"""
from __future__ import annotations

import argparse
import http.client
import os
import random
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))

from bench_search import SEED, build_library, percentile  # noqa: E402
from nodes import Node  # noqa: E402
from pg_cluster import TempCluster  # noqa: E402
from webapp.core.reading import read_transcript  # noqa: E402
from webapp.core.search.ranking import RANK_CANDIDATES  # noqa: E402

WORDS = ["people", "think", "facebook", "privacy", "metaverse", "government", "company",
         "love", "hope", "world"]
PHRASES = ["social media", "virtual reality", "mark zuckerberg", '"human nature"',
           "artificial intelligence", "free speech", "the world", '"the metaverse"']
TARGET_MS = {"sqlite": 20, "postgresql": 50}


def reindex(media: Path, env: dict) -> float:
    began = time.perf_counter()
    proc = subprocess.run([sys.executable, "-m", "webapp", "reindex", "--media", str(media)],
                          capture_output=True, text=True, cwd=ROOT, env=env)
    spent = time.perf_counter() - began
    if proc.returncode != 0:
        sys.exit(f"reindex failed: {proc.stderr}")
    print(f"    reindex says: {proc.stderr.strip().splitlines()[-1]}")
    return spent


def search_times(media: Path, url: str, queries: dict[str, list[str]],
                 rounds: int) -> dict[str, list[float]]:
    """ms per ``/api/search`` request, by kind of query."""
    from webapp import create_app

    client = create_app({"TESTING": True, "MEDIA_DIR": str(media),
                         "DATABASE_URL": url}).test_client()
    assert client.get("/api/search?q=warmup").status_code == 200
    times: dict[str, list[float]] = {kind: [] for kind in queries}
    found: dict[str, int] = {}
    for _ in range(rounds):
        for kind, texts in queries.items():
            for text in texts:
                began = time.perf_counter()
                response = client.get("/api/search", query_string={"q": text})
                times[kind].append((time.perf_counter() - began) * 1000)
                assert response.status_code == 200, response.status_code
                found[text] = len(response.get_json()["results"])
    empty = [text for text, n in found.items() if n == 0]
    assert not empty, f"queries that found nothing: {empty}"
    return times


def load(nodes: list[Node], paths: list[str], seconds: float, connections: int) -> dict:
    """``connections`` keep-alive clients, spread over ``nodes``, asking for ``paths`` in
    random order for ``seconds``."""
    stop = time.monotonic() + seconds
    latencies: list[list[float]] = [[] for _ in range(connections)]
    errors: list[str] = []

    def client(number: int) -> None:
        rng = random.Random(number)
        node = nodes[number % len(nodes)]
        conn = http.client.HTTPConnection("127.0.0.1", node.port, timeout=30)
        while time.monotonic() < stop:
            path = rng.choice(paths)
            began = time.perf_counter()
            try:
                conn.request("GET", path)
                response = conn.getresponse()
                response.read()
                if response.status != 200:
                    errors.append(f"{response.status} {path}")
            except (OSError, http.client.HTTPException) as error:
                errors.append(f"{type(error).__name__} {path}")
                conn.close()
                conn = http.client.HTTPConnection("127.0.0.1", node.port, timeout=30)
                continue
            latencies[number].append((time.perf_counter() - began) * 1000)
        conn.close()

    threads = [threading.Thread(target=client, args=(n,)) for n in range(connections)]
    began = time.monotonic()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    spent = time.monotonic() - began
    every = [ms for per in latencies for ms in per]
    return {"requests": len(every), "per_second": len(every) / spent, "errors": errors,
            "p50": percentile(every, 0.5), "p99": percentile(every, 0.99)}


def show(kind: str, engine: str, times: list[float]) -> float:
    p95 = percentile(times, 0.95)
    print(f"    {engine:<10} {kind:<13} p50 {percentile(times, 0.5):7.1f} ms   "
          f"p95 {p95:7.1f} ms   ({len(times)} searches)")
    return p95


def bench_searches(media: Path, url: str, rare: list[str], rounds: int) -> list[tuple]:
    """(b): p50/p95 by kind of query on both engines; ``(engine, worst p95, met)``."""
    queries = {"single words": WORDS, "phrases": PHRASES,
               "rare words": random.Random(9).sample(rare, 20)}
    print(f"(b) /api/search, {rounds} rounds of {sum(map(len, queries.values()))} queries "
          f"per engine (at most {RANK_CANDIDATES} of the newest matching cues ranked)")
    verdicts = []
    for engine, engine_url in (("sqlite", ""), ("postgresql", url)):
        times = search_times(media, engine_url, queries, rounds)
        worst = max(show(kind, engine, t) for kind, t in times.items())
        verdicts.append((engine, worst, worst < TARGET_MS[engine]))
    for engine, worst, ok in verdicts:
        print(f"    {engine}: worst p95 {worst:.1f} ms, target < {TARGET_MS[engine]} ms: "
              f"{'met' if ok else 'MISSED'}")
    return verdicts


def bench_load(media: Path, url: str, rare: list[str], seconds: float, connections: int) -> bool:
    """(c): two nodes under load; True when no request failed."""
    queries = WORDS + PHRASES + random.Random(9).sample(rare, 20)
    paths = [f"/api/search?q={urllib.parse.quote(q)}" for q in queries]
    paths += [f"/episodes/episode-{n:04d}" for n in range(1, 11)]
    print(f"(c) {seconds:.0f} s at {connections} connections over two nodes (gunicorn, "
          f"2 workers x 8 threads each; PostgreSQL; {len(paths)} URLs: searches and "
          f"episode pages)")
    with Node(media, url, workers=2, threads=8) as a, Node(media, url, workers=2, threads=8) as b:
        result = load([a, b], paths, seconds, connections)
    print(f"    {result['requests']:,} requests, {result['per_second']:.0f} req/s, "
          f"p50 {result['p50']:.1f} ms, p99 {result['p99']:.1f} ms, "
          f"errors {len(result['errors'])}")
    for error in sorted(set(result["errors"]))[:10]:
        print(f"      {error}")
    return not result["errors"]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--episodes", type=int, default=10_000)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--connections", type=int, default=64)
    args = parser.parse_args()
    if not SEED.is_file():
        sys.exit(f"the reference transcript is not at {SEED}")
    seed_cues = read_transcript(str(SEED)).cues
    with tempfile.TemporaryDirectory(prefix="bench-engines-") as tmp, TempCluster() as cluster:
        media, rare = Path(tmp) / "media", []
        began = time.perf_counter()
        cues = build_library(media, args.episodes, seed_cues, rare)
        print(f"library: {args.episodes:,} episodes, {cues:,} cues "
              f"(written in {time.perf_counter() - began:.0f} s)")
        url = cluster.create_database("bench")
        subprocess.run([sys.executable, "-m", "webapp", "db", "upgrade", "--database", url],
                       check=True, cwd=ROOT, capture_output=True)
        env = {k: v for k, v in os.environ.items() if k != "LISTENALONG_DATABASE_URL"}
        print("(a) reindex")
        for engine, engine_env in (("sqlite", env),
                                   ("postgresql", {**env, "LISTENALONG_DATABASE_URL": url})):
            print(f"    {engine:<10} {reindex(media, engine_env):6.1f} s")
        verdicts = bench_searches(media, url, rare, args.rounds)
        loaded = bench_load(media, url, rare, args.seconds, args.connections)
    return 0 if loaded and all(ok for _, _, ok in verdicts) else 1


if __name__ == "__main__":
    raise SystemExit(main())
