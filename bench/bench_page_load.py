#!/usr/bin/env python3
"""Benchmark the episode page's load against a plain HTML page of the same transcript.

Builds, in a temp folder at run time, a library with the reference seed (1x, 198 cues)
and a ten-times-seed episode (the seed's cues repeated ten times with shifted timestamps,
about 2,000 cues) with generated silent audio, and serves it with the app (LiveServer).
The baseline is a plain static HTML page holding the same transcript text (one <p> per
cue, no CSS, no scripts), pre-built once and served by the same Werkzeug server through
a route added to the same app. In one Chromium run, each page is loaded N times (fresh
browser context each time, so nothing is cached; loads interleaved) and the median
DOMContentLoaded from Navigation Timing is printed for both, with the ratio
episode/plain. Target: the episode page within 1.25x of the plain page at 1x and 10x.

    .venv/bin/python bench/bench_page_load.py [--loads N] [--keep DIR]
"""
from __future__ import annotations

import argparse
import html
import logging
import shutil
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))
sys.path.insert(0, str(ROOT))

from support import SEED, LiveServer, ffmpeg, launch_chromium, make_audio  # noqa: E402

from webapp import create_app  # noqa: E402
from webapp.core import read_transcript  # noqa: E402
from webapp.core.library import Library  # noqa: E402
from webapp.core.model import Cue, Transcript  # noqa: E402
from webapp.core.writing import to_vtt  # noqa: E402

SEED_SECONDS = 7560
COPIES = 10
TARGET = 1.25
NAV = """() => { const n = performance.getEntriesByType('navigation')[0];
  return {dcl: n.domContentLoadedEventEnd, load: n.loadEventEnd, response: n.responseEnd}; }"""


def build_library(root: Path) -> Path:
    """A library with 'seed' (the reference transcript) and 'seed-x10' (ten copies)."""
    if not SEED.is_file():
        sys.exit(f"the reference transcript is missing: {SEED}")
    root.mkdir(parents=True, exist_ok=True)
    work = root.parent / f"{root.name}-sources"
    work.mkdir(exist_ok=True)
    library = Library(root)
    if library.get("seed") is None:
        audio = make_audio(work / "seed.mp3", SEED_SECONDS)
        library.add(str(SEED), str(audio), title="The seed episode", slug="seed")
    if library.get("seed-x10") is None:
        seed = read_transcript(SEED, None, SEED_SECONDS)
        cues = [Cue(round(c.start + k * SEED_SECONDS, 3), round(c.end + k * SEED_SECONDS, 3),
                    c.text, c.speaker) for k in range(COPIES) for c in seed.cues]
        vtt = work / "seed-x10.vtt"
        vtt.write_text(to_vtt(Transcript(cues=cues)), "utf-8")
        big = work / "seed-x10.mp3"
        # Ten copies of the seed's silent audio, joined without re-encoding.
        subprocess.run([ffmpeg(), "-loglevel", "error", "-y", "-stream_loop", str(COPIES - 1),
                        "-i", str(work / "seed.mp3"), "-c", "copy", str(big)], check=True)
        library.add(str(vtt), str(big), title="The seed episode, ten times", slug="seed-x10")
    return root


def plain_page(library: Library, slug: str) -> str:
    """The baseline: the same transcript text as a plain static HTML page."""
    episode = library.get(slug)
    paragraphs = "\n".join(f"<p>{html.escape(c.text)}</p>" for c in library.transcript(slug).cues)
    return (f'<!doctype html>\n<html lang="en"><head><meta charset="utf-8">'
            f"<title>{html.escape(episode.title)}</title></head>\n<body><h1>"
            f"{html.escape(episode.title)}</h1>\n{paragraphs}\n</body></html>\n")


def make_app(root: Path):
    app = create_app({"TESTING": True, "MEDIA_DIR": str(root)})
    library = Library(root)
    pages = {slug: plain_page(library, slug) for slug in ("seed", "seed-x10")}

    def plain(slug):
        return pages[slug]

    app.add_url_rule("/plain/<slug>", "bench_plain", plain)
    return app


def measure(browser, url: str, javascript: bool = True, warm: bool = False) -> dict:
    context = browser.new_context(viewport={"width": 1280, "height": 900},
                                  java_script_enabled=javascript)
    try:
        page = context.new_page()
        if warm:  # a repeat visit: styles and scripts come from the HTTP cache (max-age)
            page.goto(url, wait_until="load")
            page.goto("about:blank")
        page.goto(url, wait_until="load")
        if javascript:
            return page.evaluate(NAV)
        # Without JavaScript in the page, read Navigation Timing through the protocol.
        session = context.new_cdp_session(page)
        session.send("Runtime.enable")
        value = session.send("Runtime.evaluate", {"expression": f"({NAV})()",
                                                  "returnByValue": True})
        return value["result"]["value"]
    finally:
        context.close()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--loads", type=int, default=15, help="loads per page (default 15)")
    parser.add_argument("--keep", help="build (or reuse) the library in this folder")
    args = parser.parse_args()
    logging.getLogger("werkzeug").setLevel(logging.ERROR)

    from playwright.sync_api import sync_playwright

    temp = None
    if args.keep:
        root = Path(args.keep)
    else:
        temp = Path(tempfile.mkdtemp(prefix="bench-page-load-"))
        root = temp / "library"
    try:
        print("building the library (seed and ten-times seed, silent audio)...", flush=True)
        build_library(root)
        app = make_app(root)
        counts = {slug: len(Library(root).transcript(slug).cues) for slug in ("seed", "seed-x10")}
        with LiveServer(app) as server, sync_playwright() as playwright:
            browser = launch_chromium(playwright)
            failed = False
            print(f"Chromium {browser.version}; median of {args.loads} cold loads each "
                  f"(fresh context per load)\n")
            print(f"{'page':<7}{'cues':>6}{'episode DCL':>14}{'plain DCL':>12}{'ratio':>8}"
                  f"{'episode load':>15}{'plain load':>12}{'no-JS DCL':>12}"
                  f"{'repeat visit DCL':>26}")
            for slug, label in (("seed", "1x"), ("seed-x10", "10x")):
                ours = f"{server.url}/episodes/{slug}"
                base = f"{server.url}/plain/{slug}"
                measure(browser, ours), measure(browser, base)  # warm the server's caches
                runs = {"ours": [], "base": [], "nojs": [], "warm": [], "wbase": []}
                for _ in range(args.loads):
                    runs["ours"].append(measure(browser, ours))
                    runs["base"].append(measure(browser, base))
                    runs["nojs"].append(measure(browser, ours, javascript=False))
                    runs["warm"].append(measure(browser, ours, warm=True))
                    runs["wbase"].append(measure(browser, base, warm=True))
                med = {k: {f: statistics.median(r[f] for r in v) for f in ("dcl", "load")}
                       for k, v in runs.items()}
                ratio = med["ours"]["dcl"] / med["base"]["dcl"]
                failed |= ratio > TARGET
                print(f"{label:<7}{counts[slug]:>6}{med['ours']['dcl']:>11.1f} ms"
                      f"{med['base']['dcl']:>9.1f} ms{ratio:>7.2f}x"
                      f"{med['ours']['load']:>12.1f} ms{med['base']['load']:>9.1f} ms"
                      f"{med['nojs']['dcl']:>9.1f} ms"
                      f"{med['warm']['dcl']:>10.1f} / {med['wbase']['dcl']:.1f} ms "
                      f"{med['warm']['dcl'] / med['wbase']['dcl']:.2f}x")
            browser.close()
        print("\nno-JS DCL: the episode page with JavaScript disabled (the same HTML and CSS,\n"
              "no module scripts): the share of the gap that is markup and styles, not scripts.\n"
              "repeat visit: episode / plain, the second load in one browser context (styles and\n"
              "scripts from the HTTP cache, as the app's max-age allows); the target is on cold loads.")
        print(f"\ntarget: episode DOMContentLoaded within {TARGET}x of the plain page: "
              f"{'missed' if failed else 'met'}")
        return 1 if failed else 0
    finally:
        if temp:
            shutil.rmtree(temp, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
