#!/usr/bin/env python3
"""Benchmark the transcript sync while playing the ten-times-seed episode (~2,000 cues).

Builds the library of bench_page_load.py in a temp folder at run time, serves it with
the app and, in one Chromium run:

  1. plays 60 s at playbackRate 4 (240 s of audio) from the middle of the episode, with
     a PerformanceObserver counting 'longtask' entries (main-thread tasks > 50 ms; target
     zero) and a requestAnimationFrame probe for the worst frame gap; the player's own
     counters (window.listenalongStats) give the JS time per sync tick and per cue change;
  2. steps through 200 cues with the `]` key (every step is a cue change: highlight,
     sentence split, event, smooth scroll) for a larger sample of cue changes;
  3. the baseline, in the same page: a naive sync that scans every cue per update
     (reads each cue's times and sets/clears aria-current on all of them), timed for the
     same number of updates.

Target: < 1 ms of JS per cue change, no long tasks.

    .venv/bin/python bench/bench_playback.py [--seconds 60] [--keep DIR]
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent
sys.path.insert(0, str(ROOT))

from bench_page_load import COPIES, SEED_SECONDS, browser_on_library  # noqa: E402

from webapp import create_app  # noqa: E402

RATE = 4
STEPS = 200
TARGET_MS = 1.0

PROBES = """() => {
  window.benchLongTasks = [];
  new PerformanceObserver(list => {
    for (const e of list.getEntries()) benchLongTasks.push(e.duration);
  }).observe({type: 'longtask'});
  window.benchFrames = {worst: 0, count: 0, last: 0, on: false};
  const frame = now => {
    const f = benchFrames;
    if (f.on && f.last) { f.worst = Math.max(f.worst, now - f.last); f.count += 1; }
    f.last = now;
    requestAnimationFrame(frame);
  };
  requestAnimationFrame(frame);
}"""

RESET = """() => {
  for (const k of Object.keys(listenalongStats)) listenalongStats[k] = 0;
  benchLongTasks.length = 0;
  Object.assign(benchFrames, {worst: 0, count: 0, last: 0, on: true});
}"""

READ = """() => ({stats: {...listenalongStats}, longTasks: [...benchLongTasks],
  frames: {worst: benchFrames.worst, count: benchFrames.count},
  time: document.querySelector('#player').currentTime})"""

NAIVE = """steps => {
  // The baseline: what a simple implementation does on every update.
  const audio = document.querySelector('#player');
  const from = audio.currentTime;
  let total = 0, worst = 0;
  for (let i = 0; i < steps; i += 1) {
    const t = from + i * 37;
    const began = performance.now();
    const cues = document.querySelectorAll('.cue');
    let now = null;
    for (const cue of cues) {
      const start = Number(cue.dataset.start), end = Number(cue.dataset.end);
      const on = t >= start && t < end;
      if (on) { cue.setAttribute('aria-current', 'true'); now = cue; }
      else cue.removeAttribute('aria-current');
    }
    const spent = performance.now() - began;
    total += spent; worst = Math.max(worst, spent);
  }
  return {mean: total / steps, worst};
}"""


def summary(label: str, data: dict, with_frames: bool = True) -> dict:
    stats = data["stats"]
    changes = stats["cueChanges"] or 1
    syncs = stats["syncs"] or 1
    per_change = stats["cueChangeMs"] / changes
    long_tasks = data["longTasks"]
    print(f"\n{label}")
    print(f"  sync ticks            {stats['syncs']:>7}   mean {stats['syncMs'] / syncs:.4f} ms"
          f"   worst {stats['syncMaxMs']:.3f} ms")
    print(f"  cue changes           {stats['cueChanges']:>7}   mean {per_change:.3f} ms"
          f"   worst {stats['cueChangeMaxMs']:.3f} ms")
    scrolls = stats["scrolls"] or 1
    print(f"  follow scrolls        {stats['scrolls']:>7}   mean {stats['scrollMs'] / scrolls:.3f} ms"
          f"   (next frame: measure the cue, start the smooth scroll)")
    print(f"  long tasks (>50 ms)   {len(long_tasks):>7}"
          + (f"   longest {max(long_tasks):.0f} ms" if long_tasks else ""))
    if with_frames:
        print(f"  frames                {data['frames']['count']:>7}"
              f"   worst gap {data['frames']['worst']:.1f} ms")
    return {"per_change": per_change, "worst": stats["cueChangeMaxMs"], "long": len(long_tasks),
            "per_tick": stats["syncMs"] / syncs}


def open_episode(browser, url: str):
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    page.goto(f"{url}/episodes/seed-x10")
    page.wait_for_function("() => window.listenalongStats && "
                           "document.querySelector('#player').readyState >= 1")
    page.evaluate(PROBES)
    return page


def play(page, start: float, seconds: float) -> dict:
    """Play ``seconds`` of wall time at RATE from ``start``; the counters' summary."""
    page.evaluate("s => { const a = document.querySelector('#player'); a.currentTime = s; }", start)
    page.wait_for_function("() => !document.querySelector('#player').seeking")
    page.evaluate(RESET)
    page.evaluate(f"() => {{ const a = document.querySelector('#player');"
                  f" a.playbackRate = {RATE}; return a.play(); }}")
    page.wait_for_timeout(seconds * 1000)
    played = page.evaluate(READ)
    page.evaluate("document.querySelector('#player').pause()")
    heard = played["time"] - start
    return summary(f"1. playback: {heard:.0f} s of audio in {seconds:.0f} s", played)


def step(page) -> dict:
    page.evaluate(RESET)
    page.evaluate("document.activeElement.blur()")
    for _ in range(STEPS):
        page.keyboard.press("]")
        page.wait_for_timeout(20)
    page.wait_for_timeout(500)
    return summary(f"2. {STEPS} cue steps with the ] key", page.evaluate(READ))


def conclude(playing: dict, stepping: dict, naive: dict) -> int:
    ours = max(playing["per_change"], stepping["per_change"])
    tick = playing["per_tick"]
    print(f"\nper update while playing (every frame): ours {tick:.4f} ms vs naive scan "
          f"{naive['mean']:.3f} ms ({naive['mean'] / max(tick, 1e-6):.0f}x less)")
    print(f"per cue change (highlight, sentence split, event): ours {ours:.3f} ms; the naive "
          f"scan pays {naive['mean']:.3f} ms on every update, change or not")
    ok = ours < TARGET_MS and playing["long"] == 0
    print(f"targets: < {TARGET_MS} ms per cue change, no long tasks while playing: "
          f"{'met' if ok else 'missed'}")
    return 0 if ok else 1


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--seconds", type=float, default=60, help="wall seconds of playback")
    parser.add_argument("--keep", help="build (or reuse) the library in this folder")
    args = parser.parse_args()
    make = lambda root: create_app({"TESTING": True, "MEDIA_DIR": str(root)})  # noqa: E731
    with browser_on_library(args.keep, "bench-playback-", "ten-times seed", make) as (_, server, browser):
        page = open_episode(browser, server.url)
        cues = page.eval_on_selector_all(".cue", "cs => cs.length")
        start = SEED_SECONDS * COPIES / 2
        print(f"Chromium {browser.version}; {cues} cues; playing {args.seconds:.0f} s at "
              f"{RATE}x from {start:.0f} s")
        playing = play(page, start, args.seconds)
        stepping = step(page)
        naive = page.evaluate(NAIVE, STEPS)
        print(f"\n3. baseline, naive scan of all {cues} cues per update ({STEPS} updates)")
        print(f"  per update            mean {naive['mean']:.3f} ms   worst {naive['worst']:.3f} ms")
    return conclude(playing, stepping, naive)


if __name__ == "__main__":
    sys.exit(main())
