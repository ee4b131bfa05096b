#!/usr/bin/env python3
"""Benchmark reading while listening on a phone (issue 27): is the word being said on
screen, how often does the pane scroll, how much of the screen do the head and the
player bar take, and where does one tap of play start on a return visit.

Two builds of the episode page, in one run, on the same library and the same app:
``today`` (this checkout's static/ and templates/) and the baseline ``before`` (those of
commit BASELINE, which followed the paragraph's top and offered a resume banner), read
with ``git archive`` into a temp folder and served by the same Flask app.

The library: the long-paragraph fixture (tests/long_paragraphs.py: 2-3 minute
paragraphs with word timings) and, when ../shared holds it, the 2 h reference transcript
(no word timings: the place read is the sentence estimate's, a cue's text at an even
pace). At 390×844, 320×640 with larger text, and 1280×800, three pages at once:

  1. the fixture, 1× for 20 s from the middle of a paragraph, then 2× for 20 s across a
     paragraph's end: samples every 250 ms (is the highlighted word inside the pane?),
     and the pane's scrolls;
  2. the reference, its three longest paragraphs, 3× for 12 s each from their start:
     the same samples, on the place the estimate has reached;
  3. the head and the bar: the reading pane's top as a share of the screen's height;
  4. a return visit: play at 6:40, leave, come back, one tap of play: where it plays from.
     (The baseline offered a banner; a tap of play started from 0:00.)

Targets: the word inside the pane in >= 95 % of samples at 1× and 2×, at most one scroll
per 4 s of playback; the head and the bar <= 20 % of 390×844 and <= 25 % of 320×640; a
tap plays from the saved place.

    .venv/bin/python bench/bench_phone_reading.py [--baseline REV]
"""
from __future__ import annotations

import argparse
import contextlib
import io
import logging
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))

from long_paragraphs import add_long_episode  # noqa: E402
from support import SAID_BOX, SEED, LiveServer, launch_chromium, make_audio  # noqa: E402
from test_phone_reading import CHROME, SAMPLE  # noqa: E402

from webapp import create_app  # noqa: E402
from webapp.core.episodes import Library  # noqa: E402

BASELINE = "c4b3a16"   # the last commit before issue 27's work
SIZES = [((390, 844), ""), ((320, 640), "size=larger"), ((1280, 800), "")]
READY = ("() => performance.getEntriesByName('listenalong:ready').length > 0"
         " && document.getElementById('player').readyState >= 1")

# Like SAMPLE, on an episode without word timings: the place the sentence estimate has
# reached in the current cue (support.SAID_BOX), every 250 ms.
ESTIMATE = f"""async ([start, rate, seconds]) => {{
  const said = {SAID_BOX};
  const audio = document.getElementById('player'), pane = document.querySelector('.reading');
  const frame = () => new Promise(requestAnimationFrame);
  audio.pause(); audio.currentTime = start;
  while (audio.seeking) await frame();
  for (let still = 0, y = -1; still < 10; ) {{ await frame(); still = pane.scrollTop === y ? still + 1 : 0; y = pane.scrollTop; }}
  const out = {{samples: 0, inside: 0, scrolls: 0, from: audio.currentTime}};
  let y = pane.scrollTop, still = 0, moving = false;
  audio.playbackRate = rate; await audio.play();
  const began = performance.now(); let next = began + 250;
  while (performance.now() - began < seconds * 1000) {{
    await frame();
    const now = pane.scrollTop;
    if (now !== y) {{ if (!moving) out.scrolls += 1; moving = true; still = 0; y = now; }}
    else if (++still > 6) moving = false;
    if (performance.now() >= next) {{
      next += 250; out.samples += 1;
      const cue = document.querySelector('.cue[aria-current="true"]');
      const r = cue && said(cue.id), box = pane.getBoundingClientRect();
      if (r && r.top >= box.top && r.bottom <= box.top + pane.clientHeight) out.inside += 1;
    }}
  }}
  audio.pause(); out.to = audio.currentTime;
  return out;
}}"""


def build(media: Path) -> tuple[dict, list[float]]:
    """The fixture, and the reference when there is one: (fixture info, the starts of the
    reference's three longest paragraphs)."""
    info = add_long_episode(media)
    if not SEED.is_file():
        return info, []
    audio = make_audio(media.parent / "ref.mp3", 7560)
    library = Library(media)
    library.add(str(SEED), str(audio), title="Reference", slug="ref")
    cues = library.transcript("ref").cues
    longest = sorted(cues, key=lambda c: c.end - c.start, reverse=True)[:3]
    return info, sorted(c.start for c in longest)


def baseline_files(rev: str, into: Path) -> Path:
    archive = subprocess.run(["git", "archive", rev, "static", "templates"], cwd=ROOT,
                             capture_output=True, check=True).stdout
    with tarfile.open(fileobj=io.BytesIO(archive)) as tar:
        tar.extractall(into, filter="data")
    return into


def make_app(media: Path, files: Path | None):
    app = create_app({"TESTING": True, "MEDIA_DIR": str(media)})
    if files is not None:
        from jinja2 import FileSystemLoader

        app.static_folder = str(files / "static")
        app.jinja_loader = FileSystemLoader(str(files / "templates"))
    return app


def run_all(pages, script: str, args: list) -> list[dict]:
    """Run ``script(args)`` in every page at once; their results."""
    for page in pages:
        page.evaluate(f"(a) => {{ window.benched = null; ({script})(a).then(r => window.benched = r); }}", args)
    out = []
    for page in pages:
        page.wait_for_function("() => window.benched !== null", timeout=120_000)
        out.append(page.evaluate("window.benched"))
    return out


def add(total: dict, run: dict) -> None:
    for key in ("samples", "inside", "scrolls"):
        total[key] = total.get(key, 0) + run[key]
    total["played"] = total.get("played", 0) + run["to"] - run["from"]


def open_pages(browser, url: str) -> tuple[list, list]:
    """A page per size (a phone's touch and larger text where SIZES say): (contexts, pages)."""
    contexts, pages = [], []
    for (width, height), prefs in SIZES:
        context = browser.new_context(viewport={"width": width, "height": height},
                                      is_mobile=width < 600, has_touch=width < 600)
        if prefs:
            context.add_cookies([{"name": "listenalong_prefs", "value": prefs, "url": url}])
        contexts.append(context)
        pages.append(context.new_page())
    return contexts, pages


def visit(pages, url: str, slug: str, words: bool = False) -> None:
    for page in pages:
        page.goto(f"{url}/episodes/{slug}")
        page.wait_for_function(READY + (" && document.querySelector('.episode-page').dataset.words"
                                        " === 'ready'" if words else ""))


def play_and_sample(pages, url: str, info: dict, longest: list[float], results: dict) -> None:
    """Measurements 1 to 3."""
    visit(pages, url, "long", words=True)
    first_end = info["paragraphs"][1][2]
    for key, args in (("1×", [60.0, 1, 20, None]), ("2×", [first_end - 12, 2, 20, None])):
        for (size, _), run in zip(SIZES, run_all(pages, SAMPLE, args)):
            add(results[size][key], run)
    for (size, _), page in zip(SIZES, pages):
        results[size]["chrome"] = page.evaluate(CHROME) / size[1]
    if longest:
        visit(pages, url, "ref")
        for start in longest:
            for (size, _), run in zip(SIZES, run_all(pages, ESTIMATE, [start + 1, 3, 12])):
                add(results[size]["reference"], run)


def return_visit(pages, url: str, results: dict) -> None:
    """Measurement 4, for a listener new to the episode (what the runs before saved is
    forgotten first): play at 6:40, leave, come back, one tap of play."""
    visit(pages, url, "long")
    for page in pages:
        page.evaluate("() => localStorage.clear()")
    visit(pages, url, "long")
    for page in pages:
        page.evaluate("() => { const a = document.getElementById('player'); a.currentTime = 400; return a.play(); }")
    for page in pages:
        page.wait_for_function("() => document.getElementById('player').currentTime > 400.5")
        page.goto("about:blank")
    visit(pages, url, "long")
    for (size, _), page in zip(SIZES, pages):
        page.wait_for_timeout(300)
        page.click("#ctl-play")
        page.wait_for_function("() => !document.getElementById('player').paused")
        page.wait_for_timeout(300)
        results[size]["tap"] = page.evaluate("document.getElementById('player').currentTime")


def measure(browser, url: str, info: dict, longest: list[float]) -> dict:
    contexts, pages = open_pages(browser, url)
    results = {size: {"1×": {}, "2×": {}, "reference": {}} for size, _ in SIZES}
    try:
        play_and_sample(pages, url, info, longest, results)
        return_visit(pages, url, results)
    finally:
        for context in contexts:
            context.close()
    return results


def show(name: str, results: dict) -> None:
    print(f"\n{name}")
    print(f"  {'size':<22}{'1× inside':>14}{'scrolls':>9}{'2× inside':>14}{'scrolls':>9}"
          f"{'reference':>14}{'head+bar':>10}{'tap plays':>11}")
    for (size, prefs) in SIZES:
        r = results[size]
        cells = []
        for key in ("1×", "2×", "reference"):
            run = r[key]
            if not run:
                cells.append(f"{'–':>14}")
                continue
            cells.append(f"{run['inside']:>5}/{run['samples']:<3} {run['inside'] / run['samples']:>4.0%}")
            if key != "reference":
                cells.append(f"{run['scrolls']:>4} /{run['played']:>3.0f}s")
        label = f"{size[0]}×{size[1]}" + (" larger" if prefs else "")
        print(f"  {label:<22}{''.join(f'{c:>14}' if i % 2 == 0 or i == 4 else f'{c:>9}' for i, c in enumerate(cells))}"
              f"{r['chrome']:>10.1%}{r['tap']:>10.1f}s")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--baseline", default=BASELINE, help=f"the commit to compare with ({BASELINE})")
    args = parser.parse_args()
    from playwright.sync_api import sync_playwright

    logging.getLogger("werkzeug").setLevel(logging.ERROR)
    with tempfile.TemporaryDirectory(prefix="bench-phone-") as tmp:
        tmp = Path(tmp)
        print("building the library (long paragraphs with word timings; the 2 h reference)...", flush=True)
        info, longest = build(tmp / "media")
        before = baseline_files(args.baseline, tmp / "before")
        found = {}
        with sync_playwright() as playwright:
            browser = launch_chromium(playwright)
            try:
                for name, files in ((f"before ({args.baseline})", before), ("today", None)):
                    with contextlib.ExitStack() as stack:
                        server = stack.enter_context(LiveServer(make_app(tmp / "media", files)))
                        found[name] = measure(browser, server.url, info, longest)
                    show(name, found[name])
            finally:
                browser.close()
    today = found["today"]
    misses = []
    for (size, _) in SIZES:
        for key in ("1×", "2×"):
            run = today[size][key]
            if run["inside"] < 0.95 * run["samples"] or run["scrolls"] > max(1, run["played"] / 4):
                misses.append(f"{size} {key}")
        if abs(today[size]["tap"] - 400.5) > 3:
            misses.append(f"{size} tap")
    for size, most in (((390, 844), 0.20), ((320, 640), 0.25)):
        if today[size]["chrome"] > most:
            misses.append(f"{size} head+bar")
    print("\ntargets: " + ("met" if not misses else "missed: " + ", ".join(misses)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
