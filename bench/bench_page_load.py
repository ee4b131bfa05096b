#!/usr/bin/env python3
"""Benchmark the episode page's load against its floor and two peer designs.

Builds, in a temp folder at run time, a library with the reference seed (1x, 198 cues)
and a ten-times-seed episode (the seed's cues repeated ten times with shifted timestamps,
about 2,000 cues) with generated silent audio, and serves it with the app (LiveServer).
Built from the same transcript and served by the same Werkzeug server (routes added to
the same app), in one Chromium run, each page loaded N times, round-robin, each load in a
fresh browser context (nothing cached):

  floor                the required floor (issue 12): the same transcript text (a <p> per
                       cue), the site stylesheet and one <audio controls>;
  episode page         ours; "usable" is its ready mark (the transcript clickable, the
                       custom controls live: 'listenalong:usable');
  peer: JS-built       Able Player's way: the page holds the player, and a script fetches
                       the VTT after load and builds the transcript (usable: built, wired);
  peer: span per word  Hyperaudio Lite's way: every word a <span data-m>, and a script
                       that collects them all (usable: collected, wired);
  episode, no JS       ours without JavaScript; plain page: the text alone, no CSS.

Medians of DOMContentLoaded (Navigation Timing), first contentful paint and "usable".
Targets: the episode page's DCL within 1.25x of the floor's, its FCP no later than the
floor's, and usable sooner than both peers, at 1x and 10x.

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
from webapp.core.episodes import Library  # noqa: E402
from webapp.core.model import Cue, Transcript  # noqa: E402
from webapp.core.writing import to_vtt  # noqa: E402

SEED_SECONDS = 7560
COPIES = 10
TARGET = 1.25
# DOMContentLoaded, first contentful paint and the player's ready mark (-1: not yet).
SNAPSHOT = """() => {
  const nav = performance.getEntriesByType('navigation')[0];
  const paint = performance.getEntriesByName('first-contentful-paint')[0];
  const ready = performance.getEntriesByName('listenalong:usable')[0];
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


STYLESHEET = '<link rel="stylesheet" href="/static/css/site.css">'
# The peers' scripts: each marks 'listenalong:usable' once its transcript is usable.
PEER_JS = """// Able Player's way: fetch the VTT after load, build the transcript, wire it.
addEventListener('load', async () => {
  const audio = document.querySelector('audio');
  const text = await (await fetch(audio.querySelector('track').src)).text();
  const box = document.getElementById('transcript');
  const clock = (s) => { const [h, m, x] = s.split(':'); return +h * 3600 + +m * 60 + parseFloat(x); };
  for (const block of text.split(/\\n\\n+/)) {
    const line = block.split('\\n').find((l) => l.includes('-->'));
    if (!line) continue;
    const start = clock(line.split(' --> ')[0]);
    const words = block.slice(block.indexOf(line) + line.length + 1).replace(/<[^>]*>/g, '');
    const cue = document.createElement('div');
    const time = document.createElement('button');
    time.textContent = new Date(start * 1000).toISOString().slice(11, 19);
    time.dataset.start = start;
    const p = document.createElement('p');
    p.textContent = words;
    cue.append(time, p);
    box.append(cue);
  }
  box.addEventListener('click', (e) => { const b = e.target.closest('[data-start]');
    if (b) { audio.currentTime = +b.dataset.start; audio.play(); } });
  performance.mark('listenalong:usable');
});
"""
PEER_WORDS = """// Hyperaudio Lite's way: collect every word's time, then wire the clicks.
const audio = document.querySelector('audio');
const words = document.querySelectorAll('[data-m]');
const times = Array.from(words, (w) => Number(w.dataset.m) / 1000);
for (const word of words) word.addEventListener('click', () => { audio.currentTime = Number(word.dataset.m) / 1000; audio.play(); });
window.peerTimes = times;
performance.mark('listenalong:usable');
"""


def audio_tag(slug: str) -> str:
    return (f'<audio id="player" controls preload="metadata" src="/episodes/{slug}/audio">'
            f'<track kind="captions" srclang="en" label="Transcript" '
            f'src="/episodes/{slug}/transcript.vtt"></audio>')


def span_per_word(library: Library, slug: str) -> str:
    """The transcript as Hyperaudio Lite marks it up: a span per word with its time (ms)."""
    out = []
    for cue in library.transcript(slug).cues:
        words = cue.text.split()
        step = (cue.end - cue.start) / max(1, len(words))
        spans = "".join(f'<span data-m="{round((cue.start + k * step) * 1000)}">{html.escape(w)} </span>'
                        for k, w in enumerate(words))
        out.append(f"<p>{spans}</p>")
    return "\n".join(out)


def reference_pages(library: Library, slug: str) -> dict[str, str]:
    """The plain page, the floor, and the two peers, from the same transcript."""
    title = html.escape(library.get(slug).title)
    head = f'<!doctype html>\n<html lang="en"><head><meta charset="utf-8"><title>{title}</title>{STYLESHEET}'
    return {
        "plain": plain_page(library, slug),
        "floor": plain_page(library, slug, head=STYLESHEET, top=audio_tag(slug)),
        "peer-js": (f'{head}<script src="/plain/peer-js.js" defer></script></head>\n<body><h1>{title}</h1>'
                    f'{audio_tag(slug)}<div id="transcript"></div></body></html>\n'),
        "peer-words": (f'{head}</head>\n<body><h1>{title}</h1>{audio_tag(slug)}\n'
                       f'{span_per_word(library, slug)}\n<script src="/plain/peer-words.js"></script>'
                       f'</body></html>\n'),
    }


def make_app(root: Path):
    app = create_app({"TESTING": True, "MEDIA_DIR": str(root)})
    library = Library(root)
    pages = {slug: reference_pages(library, slug) for slug in ("seed", "seed-x10")}

    def plain(slug, kind):
        return pages[slug][kind]

    def script(name):
        body = {"peer-js": PEER_JS, "peer-words": PEER_WORDS}[name]
        return app.response_class(body, mimetype="text/javascript")

    app.add_url_rule("/plain/<slug>/<kind>", "bench_plain", plain)
    app.add_url_rule("/plain/<name>.js", "bench_script", script)
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
    ("floor", "/plain/{slug}/floor", {}),
    ("episode page", "/episodes/{slug}", {"ready": True}),
    ("peer: JS-built", "/plain/{slug}/peer-js", {"ready": True}),
    ("peer: span per word", "/plain/{slug}/peer-words", {"ready": True}),
    ("episode, no JS", "/episodes/{slug}", {"javascript": False}),
    ("plain page", "/plain/{slug}/plain", {}),
]


def medians(browser, url: str, slug: str, loads: int) -> dict:
    """Median DCL, FCP and ready per row, the rows' loads interleaved (round-robin)."""
    for _, path, options in ROWS:  # warm the server's caches
        measure(browser, url + path.format(slug=slug), **options)
    runs = {row[0]: [] for row in ROWS}
    for _ in range(loads):
        for name, path, options in ROWS:
            runs[name].append(measure(browser, url + path.format(slug=slug), **options))
    return {name: {f: statistics.median(r[f] for r in values) for f in ("dcl", "fcp", "ready")}
            for name, values in runs.items()}


def print_size(label: str, cues: int, med: dict) -> bool:
    """The rows for one size, and the three targets; returns whether all were met."""
    floor = med["floor"]
    print(f"\n{label + ': ' + str(cues) + ' cues':<26}{'DCL':>10}{'÷ floor':>9}{'FCP':>10}{'usable':>11}")
    for name, _, options in ROWS:
        m = med[name]
        ready = f"{m['ready']:8.1f} ms" if options.get("ready") else f"{'':>11}"
        print(f"  {name:<24}{m['dcl']:7.1f} ms{m['dcl'] / floor['dcl']:8.2f}x{m['fcp']:7.1f} ms{ready}")
    ours = med["episode page"]
    ratio = ours["dcl"] / floor["dcl"]
    peers = min(med["peer: JS-built"]["ready"], med["peer: span per word"]["ready"])
    checks = [(f"DCL within {TARGET}x of the floor's: {ratio:.2f}x", ratio <= TARGET),
              (f"FCP no later than the floor's: {ours['fcp']:.1f} vs {floor['fcp']:.1f} ms",
               ours["fcp"] <= floor["fcp"]),
              (f"usable sooner than both peers: {ours['ready']:.1f} vs {peers:.1f} ms", ours["ready"] < peers)]
    for text, ok in checks:
        print(f"  target: {text}, {'met' if ok else 'missed'}")
    return all(ok for _, ok in checks)


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
        met = [print_size(label, counts[slug], medians(browser, server.url, slug, args.loads))
               for slug, label in (("seed", "1x"), ("seed-x10", "10x"))]
    print("\nDCL: domContentLoadedEventEnd; FCP: first contentful paint; usable: the page's\n"
          "script has wired the transcript and controls (mark 'listenalong:usable'); all in ms\n"
          "from navigation start, medians of the loads.")
    return 0 if all(met) else 1


if __name__ == "__main__":
    sys.exit(main())
