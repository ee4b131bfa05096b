#!/usr/bin/env python3
"""Benchmark library search in every script: recall of known phrases per script, and
latency at the scale benchmark's size, today against a baseline build, on both engines.

Builds, in a temp folder at run time, the library of bench_search.py (1,000 episodes made
from the reference seed: about 200,000 cues) plus "The lighthouse" in seven languages
(tests/fixtures/lighthouse/: one episode per language, so that the baseline, which knows
one transcript per episode, indexes the same text). Then, for the baseline (by default
43304e5, before Chinese, Japanese and Korean were segmented; its ``webapp`` taken with
``git archive``) and for today's tree, each in a process of its own, on SQLite and on a
temporary PostgreSQL cluster:

  (a) the index rebuilt (time);
  (b) recall: for each script, the share of the known (phrase → cues) pairs found
      (tests/test_transcript_languages.py's KNOWN: words inside Chinese and Japanese
      sentences, Arabic, Hebrew, Russian, German, English);
  (c) p50/p95 of ``SearchIndex.search`` over the English queries of bench_search.py and
      the non-Latin phrases, several rounds (target: p95 no worse than the baseline's by
      more than 20 %, and under bench_search's 20 ms on SQLite).

    .venv/bin/python bench/bench_languages.py [--episodes N] [--rounds R] [--baseline REV]
        [--engines sqlite,postgresql]
"""
from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))

from bench_search import QUERIES, SEED, build_library, percentile  # noqa: E402
from search_support import write_episode  # noqa: E402
from test_transcript_languages import KNOWN, LIGHTHOUSE  # noqa: E402
from webapp.core.reading import read_transcript  # noqa: E402

LANGUAGES = ("en", "de", "ru", "zh", "ja", "ar", "he")
SCRIPT = {"en": "Latin (English)", "de": "Latin (German)", "ru": "Cyrillic", "zh": "Chinese",
          "ja": "Japanese", "ar": "Arabic", "he": "Hebrew"}
P95_SLACK = 1.2
SQLITE_P95_MS = 20

# Run by each build in a process of its own (PYTHONPATH: that build's tree).
WORKER = r"""
import json, sys, time
from webapp.core.episodes import Library
from webapp.core.search import SearchIndex, pg_store
media, url, rounds = sys.argv[1], sys.argv[2], int(sys.argv[3])
asked = json.loads(sys.stdin.read())
if url:
    pg_store.upgrade(url)
index = SearchIndex(Library(media), url=url)
began = time.perf_counter()
stats = index.rebuild()
rebuilt = time.perf_counter() - began
found = {}
for query, _ in asked["known"]:
    found[query] = sorted({(h.episode, h.cue + 1) for h in index.search(query, limit=100)})
times = {q: [] for q in asked["timed"]}
for q in asked["timed"]:
    index.search(q)
for _ in range(rounds):
    for q in asked["timed"]:
        t = time.perf_counter()
        index.search(q)
        times[q].append((time.perf_counter() - t) * 1000)
print(json.dumps({"rebuild_s": rebuilt, "cues": stats["cues"], "found": found, "times": times}))
"""


def build(media: Path, episodes: int) -> int:
    seed = read_transcript(str(SEED)).cues
    total = build_library(media, episodes, seed)
    for tag in LANGUAGES:
        cues = [(c.start, c.end, c.speaker, c.text)
                for c in read_transcript(str(LIGHTHOUSE / f"{tag}.vtt"), "vtt").cues]
        write_episode(media, f"lighthouse-{tag}", f"The lighthouse ({tag})", cues,
                      added="2025-01-01T00:00:00+00:00", language=tag)
        total += len(cues)
    return total


def baseline_tree(revision: str, folder: Path) -> Path:
    """The baseline's ``webapp`` package, from git, in ``folder``."""
    archive = subprocess.run(["git", "archive", revision, "webapp"], cwd=ROOT,
                             capture_output=True, check=True).stdout
    subprocess.run(["tar", "-x", "-C", str(folder)], input=archive, check=True)
    return folder


def measure(tree: Path, media: Path, url: str, rounds: int) -> dict:
    timed = QUERIES + [q for q, _ in KNOWN if not q.isascii()]
    env = {**os.environ, "PYTHONPATH": str(tree)}
    env.pop("LISTENALONG_DATABASE_URL", None)
    proc = subprocess.run([sys.executable, "-c", WORKER, str(media), url, str(rounds)],
                          input=json.dumps({"known": [[q, sorted(w)] for q, w in KNOWN], "timed": timed}), text=True,
                          capture_output=True, env=env, cwd=tree)
    if proc.returncode != 0:
        sys.exit(f"measuring {tree} failed:\n{proc.stderr}")
    return json.loads(proc.stdout)


def recall(result: dict) -> dict[str, tuple[int, int, int]]:
    """{language: (pairs found, pairs known, other cues of the lighthouse found)}: the
    last, the cues a phrase was not expected to find (German words found by an English
    stem, "Warter" finding "Wärters")."""
    out = {tag: [0, 0, 0] for tag in LANGUAGES}
    for query, wanted in KNOWN:
        got = {tuple(pair) for pair in result["found"][query]}
        expected = {(f"lighthouse-{tag}", cue) for tag, cue in wanted}
        for tag, cue in wanted:
            out[tag][1] += 1
            out[tag][0] += (f"lighthouse-{tag}", cue) in got
        for slug, _ in got - expected:
            if slug.startswith("lighthouse-"):
                out[slug.rsplit("-", 1)[1]][2] += 1
    return {tag: tuple(v) for tag, v in out.items()}


def latency(result: dict, which) -> tuple[float, float]:
    values = [t for q, ts in result["times"].items() if which(q) for t in ts]
    return percentile(values, 0.5), percentile(values, 0.95)


def report(engine: str, runs: dict[str, dict]) -> bool:
    print(f"\n== {engine} ==")
    for name, result in runs.items():
        print(f"  {name}: rebuilt {result['cues']:,} cues in {result['rebuild_s']:.1f} s")
    print(f"  {'recall (+extra)':<18}" + "".join(f"{name:>14}" for name in runs))
    recalls = {name: recall(result) for name, result in runs.items()}
    for tag in LANGUAGES:
        cells = "".join(f"{'%d/%d (+%d)' % recalls[n][tag]:>14}" for n in runs)
        print(f"  {SCRIPT[tag]:<18}{cells}")
    ok = all(found == known for found, known, _ in recalls["today"].values())
    print(f"  {'latency (ms)':<18}" + "".join(f"{name:>14}" for name in runs))
    for label, which in (("English p50/p95", str.isascii), ("non-Latin p50/p95", lambda q: not q.isascii()),
                         ("all p50/p95", lambda q: True)):
        cells = "".join(f"{'%.2f/%.2f' % latency(runs[n], which):>14}" for n in runs)
        print(f"  {label:<18}{cells}")
    today, before = latency(runs["today"], lambda q: True)[1], latency(runs["baseline"], lambda q: True)[1]
    within = today <= before * P95_SLACK and (engine != "sqlite" or today < SQLITE_P95_MS)
    print(f"  p95 today {today:.2f} ms vs baseline {before:.2f} ms: "
          f"{'within' if within else 'OVER'} the target; recall today: "
          f"{'every known phrase' if ok else 'MISSING some'}")
    return ok and within


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--episodes", type=int, default=1000)
    parser.add_argument("--rounds", type=int, default=20)
    parser.add_argument("--baseline", default="43304e5")
    parser.add_argument("--engines", default="sqlite,postgresql")
    args = parser.parse_args()
    if not SEED.exists():
        sys.exit(f"the reference transcript is not at {SEED}")
    with tempfile.TemporaryDirectory(prefix="bench-languages-") as tmp:
        tmp = Path(tmp)
        media = tmp / "media"
        print(f"building {args.episodes} episodes + the lighthouse in {len(LANGUAGES)} languages…")
        print(f"  {build(media, args.episodes):,} cues")
        (tmp / "baseline").mkdir()
        trees = {"baseline": baseline_tree(args.baseline, tmp / "baseline"), "today": ROOT}
        passed = True
        for engine in args.engines.split(","):
            if engine == "sqlite":
                runs = {name: measure(tree, media, "", args.rounds) for name, tree in trees.items()}
                passed &= report("sqlite", runs)
                continue
            from pg_cluster import TempCluster

            with TempCluster() as cluster:
                runs = {name: measure(tree, media, cluster.create_database(f"bench_{name}"), args.rounds)
                        for name, tree in trees.items()}
            passed &= report("postgresql", runs)
    return 0 if passed else 1


if __name__ == "__main__":
    sys.exit(main())
