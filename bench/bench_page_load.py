#!/usr/bin/env python3
"""Benchmark the episode page's load against a plain HTML page of the same transcript.

Builds, in a temp folder at run time, a library with the reference seed (1x, 198 cues)
and a ten-times-seed episode (the seed's cues repeated ten times with shifted timestamps,
about 2,000 cues) with generated silent audio, and serves it with the app (LiveServer).
The baseline is a plain static HTML page holding the same transcript text (one <p> per
cue, no CSS, no scripts), pre-built once and served by the same Werkzeug server through
a route added to the same app. In one Chromium run, each page is loaded N times (fresh
browser context each time, so nothing is cached; loads interleaved) and the medians of
DOMContentLoaded (Navigation Timing), first contentful paint and, for the episode page,
"ready" (the player's script has wired the page: the 'listenalong:ready' mark) are printed.
Target (issue 3): the episode page's DOMContentLoaded within 1.25x of the plain page's.

Reference rows, loaded the same way, show where the time goes:
  plain + <audio>      the plain page plus only the player element the issue requires
                       (<audio controls preload="metadata" src=…> with its VTT track);
  plain + stylesheet   the plain page plus only the site's stylesheet;
  episode, no JS       the episode page with JavaScript disabled;
  episode, repeat      the second load in one browser context (stylesheet and scripts
                       from the HTTP cache, as the app's max-age allows).

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
import time
from contextlib import contextmanager
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
# DOMContentLoaded, first contentful paint and the player's ready mark (-1: not yet).
SNAPSHOT = """() => {
  const nav = performance.getEntriesByType('navigation')[0];
  const paint = performance.getEntriesByName('first-contentful-paint')[0];
  const ready = performance.getEntriesByName('listenalong:ready')[0];
  return {dcl: nav.domContentLoadedEventEnd, fcp: paint ? paint.startTime : -1,
          ready: ready ? ready.startTime : -1};
}"""


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


@contextmanager
def library_folder(keep: str | None, prefix: str):
    """The library's folder: ``keep`` (built once, reused by later runs), or a temp folder
    removed afterwards."""
    if keep:
        yield Path(keep)
        return
    temp = Path(tempfile.mkdtemp(prefix=prefix))
    try:
        yield temp / "library"
    finally:
        shutil.rmtree(temp, ignore_errors=True)


def plain_page(library: Library, slug: str, head: str = "", top: str = "") -> str:
    """The baseline: the same transcript text as a plain static HTML page (``head`` and
    ``top`` add to the <head> and above the text, for the reference pages)."""
    episode = library.get(slug)
    paragraphs = "\n".join(f"<p>{html.escape(c.text)}</p>" for c in library.transcript(slug).cues)
    return (f'<!doctype html>\n<html lang="en"><head><meta charset="utf-8">'
            f"<title>{html.escape(episode.title)}</title>{head}</head>\n<body><h1>"
            f"{html.escape(episode.title)}</h1>{top}\n{paragraphs}\n</body></html>\n")


def reference_pages(library: Library, slug: str) -> dict[str, str]:
    """The plain page, and the plain page plus one thing the episode page must carry."""
    audio = (f'<audio id="player" controls preload="metadata" src="/episodes/{slug}/audio">'
             f'<track kind="captions" srclang="en" label="Transcript" '
             f'src="/episodes/{slug}/transcript.vtt"></audio>')
    return {"plain": plain_page(library, slug),
            "audio": plain_page(library, slug, top=audio),
            "css": plain_page(library, slug, head='<link rel="stylesheet" href="/static/css/site.css">')}


def make_app(root: Path):
    app = create_app({"TESTING": True, "MEDIA_DIR": str(root)})
    library = Library(root)
    pages = {slug: reference_pages(library, slug) for slug in ("seed", "seed-x10")}

    def plain(slug, kind):
        return pages[slug][kind]

    app.add_url_rule("/plain/<slug>/<kind>", "bench_plain", plain)
    return app


def measure(browser, url: str, javascript: bool = True, warm: bool = False,
            ready: bool = False) -> dict:
    """One load of ``url`` in a fresh context: its DOMContentLoaded, first contentful paint
    and (with ``ready``) the player's ready mark, in ms from navigation start."""
    context = browser.new_context(viewport={"width": 1280, "height": 900},
                                  java_script_enabled=javascript)
    try:
        page = context.new_page()
        if warm:  # a repeat visit: styles and scripts come from the HTTP cache (max-age)
            page.goto(url, wait_until="load")
            page.goto("about:blank")
        page.goto(url, wait_until="load")
        if javascript:
            def snapshot():
                return page.evaluate(SNAPSHOT)
        else:  # no JavaScript in the page: read the timings through the protocol
            session = context.new_cdp_session(page)

            def snapshot():
                value = session.send("Runtime.evaluate", {"expression": f"({SNAPSHOT})()",
                                                          "returnByValue": True})
                return value["result"]["value"]
        deadline = time.monotonic() + 3
        while True:  # paint (and the ready mark) may come after the load event
            values = snapshot()
            if (values["fcp"] >= 0 and (values["ready"] >= 0 or not ready)) \
                    or time.monotonic() > deadline:
                return values
            time.sleep(0.02)
    finally:
        context.close()


@contextmanager
def browser_on_library(keep: str | None, prefix: str, what: str, make):
    """Build the library (or reuse ``keep``), serve ``make(root)`` on loopback and launch
    Chromium: yields ``(root, server, browser)``. Shared by the browser benchmarks."""
    from playwright.sync_api import sync_playwright

    logging.getLogger("werkzeug").setLevel(logging.ERROR)
    with library_folder(keep, prefix) as root:
        print(f"building the library ({what}, silent audio)...", flush=True)
        build_library(root)
        with LiveServer(make(root)) as server, sync_playwright() as playwright:
            browser = launch_chromium(playwright)
            try:
                yield root, server, browser
            finally:
                browser.close()


ROWS = [  # label, path, measure() options
    ("plain page", "/plain/{slug}/plain", {}),
    ("plain + <audio>", "/plain/{slug}/audio", {}),
    ("plain + stylesheet", "/plain/{slug}/css", {}),
    ("episode page", "/episodes/{slug}", {"ready": True}),
    ("episode, no JS", "/episodes/{slug}", {"javascript": False}),
    ("episode, repeat visit", "/episodes/{slug}", {"ready": True, "warm": True}),
    ("plain, repeat visit", "/plain/{slug}/plain", {"warm": True}),
]


def medians(browser, url: str, slug: str, loads: int) -> dict:
    """Median DCL, FCP and ready per row, the rows' loads interleaved."""
    for _, path, options in ROWS:  # warm the server's caches
        measure(browser, url + path.format(slug=slug), **options)
    runs = {row[0]: [] for row in ROWS}
    for _ in range(loads):
        for name, path, options in ROWS:
            runs[name].append(measure(browser, url + path.format(slug=slug), **options))
    return {name: {f: statistics.median(r[f] for r in values) for f in ("dcl", "fcp", "ready")}
            for name, values in runs.items()}


def print_size(label: str, cues: int, med: dict) -> float:
    """The rows for one size; returns the episode page's DCL over the plain page's."""
    base = med["plain page"]["dcl"]
    print(f"\n{label + ': ' + str(cues) + ' cues':<25}{'DCL':>10}{'÷ plain':>10}{'FCP':>10}{'ready':>10}")
    for name, _, options in ROWS:
        m = med[name]
        versus = med["plain, repeat visit"]["dcl"] if name == "episode, repeat visit" else base
        ready = f"{m['ready']:7.1f} ms" if options.get("ready") else f"{'':>10}"
        print(f"  {name:<23}{m['dcl']:7.1f} ms{m['dcl'] / versus:9.2f}x{m['fcp']:7.1f} ms{ready}")
    ratio = med["episode page"]["dcl"] / base
    print(f"  target: episode page's DCL within {TARGET}x of the plain page's: "
          f"{ratio:.2f}x, {'missed' if ratio > TARGET else 'met'}")
    return ratio


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--loads", type=int, default=15, help="loads per page (default 15)")
    parser.add_argument("--keep", help="build (or reuse) the library in this folder")
    args = parser.parse_args()
    with browser_on_library(args.keep, "bench-page-load-", "seed and ten-times seed",
                            make_app) as (root, server, browser):
        counts = {slug: len(Library(root).transcript(slug).cues) for slug in ("seed", "seed-x10")}
        print(f"Chromium {browser.version}; medians of {args.loads} cold loads each "
              f"(a fresh browser context per load, pages interleaved)")
        ratios = [print_size(label, counts[slug], medians(browser, server.url, slug, args.loads))
                  for slug, label in (("seed", "1x"), ("seed-x10", "10x"))]
    print("\nDCL: domContentLoadedEventEnd; FCP: first contentful paint; ready: the player's\n"
          "script has wired the page (mark 'listenalong:ready'); all from navigation start.\n"
          "The repeat visit is divided by the plain page's repeat visit.")
    return 1 if max(ratios) > TARGET else 0


if __name__ == "__main__":
    sys.exit(main())
