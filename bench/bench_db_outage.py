#!/usr/bin/env python3
"""Benchmark pages and searches while PostgreSQL is away (issue 24, item 7): one gunicorn
node (1 worker x 4 threads) on a temporary cluster, 8 clients asking the library page and
a search in turn for 24 s, the database stopped from 4 s to 16 s. Printed for the app of
--baseline (before the circuit breaker: every search waits the pool's 5 s timeout) and for
this tree, in one run: p50/p99 of pages and searches before and during the outage, and
any answer that is neither 200 nor 503.

Target: pages keep their latency during the outage (the audit saw page p99 go from
169 ms to 5.0 s); searches say "search is unavailable" at once.

    .venv/bin/python bench/bench_db_outage.py [--baseline 6166572] [--seconds 24]
"""
from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))

from nodes import Node, node_env  # noqa: E402
from pg_cluster import TempCluster  # noqa: E402

CLIENTS = 8


def baseline_tree(commit: str, into: Path) -> Path | None:
    """The app of ``commit`` (its webapp, templates and static), extracted from git."""
    try:
        archive = subprocess.run(["git", "-C", str(ROOT), "archive", commit, "webapp",
                                  "templates", "static"], capture_output=True, check=True).stdout
        into.mkdir(parents=True, exist_ok=True)
        subprocess.run(["tar", "-x", "-C", str(into)], input=archive, check=True)
    except (OSError, subprocess.CalledProcessError):
        return None
    return into


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))] if ordered else float("nan")


def load(node: Node, seconds: float, outage: tuple[float, float], cluster: TempCluster) -> list:
    """(started at, kind, status, seconds) of every request of CLIENTS clients."""
    began, samples, lock = time.monotonic(), [], threading.Lock()

    def client(n: int):
        k = n
        while time.monotonic() - began < seconds:
            kind = "search" if k % 2 else "page"
            path = "/search?q=welcome" if kind == "search" else "/"
            start = time.monotonic()
            status = node.get(path)[0]
            with lock:
                samples.append((start - began, kind, status, time.monotonic() - start))
            k += 1

    threads = [threading.Thread(target=client, args=(n,)) for n in range(CLIENTS)]
    for thread in threads:
        thread.start()
    time.sleep(outage[0])
    cluster._pg_ctl("stop")
    time.sleep(outage[1] - outage[0])
    cluster._pg_ctl("start")
    for thread in threads:
        thread.join()
    return samples


def report(name: str, samples: list, outage: tuple[float, float]) -> None:
    for when, test in (("before", lambda t: t < outage[0]),
                       ("during", lambda t: outage[0] + 0.5 <= t < outage[1])):
        for kind in ("page", "search"):
            times = [s for t, k, _, s in samples if k == kind and test(t)]
            statuses = sorted({st for t, k, st, _ in samples if k == kind and test(t)})
            print(f"  {name:5} {when:6} {kind:6} n={len(times):4}  p50 {percentile(times, .5) * 1000:7.1f} ms  "
                  f"p99 {percentile(times, .99) * 1000:7.1f} ms  statuses {statuses}")
    odd = [st for _, _, st, _ in samples if st not in (200, 503)]
    print(f"  {name:5} answers neither 200 nor 503: {len(odd)}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--baseline", default="6166572")
    parser.add_argument("--seconds", type=float, default=24)
    args = parser.parse_args()
    outage = (4.0, args.seconds - 8)
    with tempfile.TemporaryDirectory(prefix="bench-outage-") as tmp, TempCluster() as cluster:
        tmp = Path(tmp)
        media = tmp / "media"
        shutil.copytree(ROOT / "media", media)
        url = cluster.create_database("outage")
        env = node_env(media, url)
        for command in (["db", "upgrade"], ["reindex"]):
            subprocess.run([sys.executable, "-m", "webapp", *command], env=env, cwd=ROOT,
                           check=True, capture_output=True)
        today = baseline_tree(args.baseline, tmp / "baseline")
        print(f"{CLIENTS} clients, page and search in turn, database away from {outage[0]:.0f} s "
              f"to {outage[1]:.0f} s of {args.seconds:.0f} s; today = {args.baseline if today else 'n/a'}")
        for name, root in (("today", today), ("new", ROOT)):
            if root is None:
                continue
            with Node(media, url, workers=1, threads=4, root=root) as node:
                report(name, load(node, args.seconds, outage, cluster), outage)
            time.sleep(1)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
