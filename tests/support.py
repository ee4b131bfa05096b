"""Helpers shared by the test modules: generated audio, libraries, a live server, Chromium."""
from __future__ import annotations

import contextlib
import os
import shutil
import subprocess
import threading
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
SEED = REPO.parent / "shared" / "seeds" / "000_a039187f8522a416.txt"
FIXTURES = Path(__file__).resolve().parent / "fixtures"
CHROMIUM_FLAGS = [
    "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--autoplay-policy=no-user-gesture-required",
    "--disable-dev-shm-usage", "--no-first-run", "--disable-sync",
]


def seed_or_skip() -> Path:
    if not SEED.is_file():
        pytest.skip(f"reference transcript not found at {SEED}")
    return SEED


def ffmpeg() -> str:
    """The ffmpeg the app uses: the system's, else the one in the imageio-ffmpeg wheel."""
    from webapp.core.clips import ClipUnavailable, ffmpeg_exe

    try:
        return ffmpeg_exe()
    except ClipUnavailable as error:
        pytest.fail(str(error))


def make_audio(path: Path, seconds: float, tone: bool = False) -> Path:
    """Write an MP3 of ``seconds`` (silence, or a quiet tone), small: mono, 8 kHz, 8 kb/s."""
    source = f"sine=frequency=440:sample_rate=8000:duration={seconds}" if tone else \
        f"anullsrc=r=8000:cl=mono:d={seconds}"
    subprocess.run([ffmpeg(), "-loglevel", "error", "-y", "-f", "lavfi", "-i", source,
                    "-ac", "1", "-b:a", "8k", "-codec:a", "libmp3lame", str(path)], check=True)
    return path


def chromium_path() -> str | None:
    for name in ("chromium", "chromium-browser"):
        found = shutil.which(name)
        if found:
            return found
    return None


class LiveServer:
    """The Flask app served by Werkzeug on a free loopback port, in a thread."""

    def __init__(self, app):
        from werkzeug.serving import make_server

        self.server = make_server("127.0.0.1", 0, app, threaded=True)
        self.url = f"http://127.0.0.1:{self.server.server_port}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.thread.join(timeout=5)


def launch_chromium(playwright_or_type, autoplay: bool = True):
    """Debian's Chromium, headless (from a Playwright, or a launched browser's
    ``browser_type``); ``autoplay=False`` keeps the browser's normal autoplay policy
    (playback needs a user gesture), as a reader's browser has it."""
    path = chromium_path()
    if path is None:
        if os.environ.get("CI"):
            pytest.fail("Chromium is missing in CI: apt-get install chromium")
        pytest.skip("Chromium is not installed (apt-get install chromium); browser tests skipped")
    flags = CHROMIUM_FLAGS if autoplay else [f for f in CHROMIUM_FLAGS if not f.startswith("--autoplay")]
    chromium = getattr(playwright_or_type, "chromium", playwright_or_type)
    return chromium.launch(executable_path=path, headless=True, args=flags)


def race(count: int, call) -> tuple[list, list]:
    """Run ``call()`` in ``count`` threads released at the same moment; return what the
    calls returned and the exceptions they raised."""
    results, errors = [], []
    barrier = threading.Barrier(count)

    def run():
        try:
            barrier.wait()
            results.append(call())
        except Exception as error:  # reported to the caller
            errors.append(error)

    threads = [threading.Thread(target=run) for _ in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results, errors


# Resolves once the reading pane (or the page) has not scrolled for ``frames`` frames.
SETTLED = """frames => new Promise(done => {
  let last = -1, still = 0;
  const pane = document.querySelector('.reading') || document.scrollingElement;
  const check = () => { const y = pane.scrollTop;
    if (y === last) still += 1; else { still = 0; last = y; }
    if (still >= frames) done(last); else requestAnimationFrame(check); };
  requestAnimationFrame(check);
})"""


def settle_scrolling(page, frames: int = 8):
    """Wait until the page has stopped scrolling (smooth scrolls take a few frames)."""
    return page.evaluate(SETTLED, frames)


# The box on screen of the words being said in cue ``id`` (a JS expression taking it): the
# highlighted word with word timings, else the character an even reading pace of the cue's
# text has reached at the audio's time (where player.readingBox puts the line being said,
# worked out here on its own).
SAID_BOX = """(id) => {
  const cue = document.getElementById(id);
  const word = cue.querySelector('.word--now');
  if (word) return word.getClientRects()[0] || word.getBoundingClientRect();
  const text = cue.querySelector('.cue-text'), audio = document.getElementById('player');
  const start = Number(cue.dataset.start), end = Number(cue.dataset.end);
  const length = text.textContent.length;
  let at = Math.min(length - 1, Math.max(0, Math.floor((audio.currentTime - start) / (end - start) * length)));
  const walker = document.createTreeWalker(text, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    if (at < node.length) {
      const range = document.createRange(); range.setStart(node, at); range.setEnd(node, at + 1);
      return range.getClientRects()[0] || range.getBoundingClientRect();
    }
    at -= node.length;
  }
  return cue.getBoundingClientRect();
}"""


@contextlib.contextmanager
def new_contexts(browser):
    """``make(**options)``: a new browser context (Playwright's options), all closed at the
    end. For fixtures that hand a test pages of several sizes, themes or cookies."""
    made = []

    def make(**options):
        context = browser.new_context(**options)
        made.append(context)
        return context

    try:
        yield make
    finally:
        for context in made:
            context.close()
