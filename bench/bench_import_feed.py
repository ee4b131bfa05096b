#!/usr/bin/env python3
"""Benchmark ``listenalong import-feed`` and ``refresh`` on loopback (issue 13).

Builds, at run time, a 300-item feed whose items each have three transcripts (SRT, JSON and
VTT: the JSON is chosen) and chapters, with their audio stubbed by one small MP3 (three
minutes, 8 kb/s), all served by the tests' loopback HTTP server (tests/feed_server.py).
Then measures, in one run:

  (a) the import: seconds per item (target < 1 s), and how often the feed was parsed
      (target: once);
  (b) a refresh with nothing new: the feed answers 304 (target < 1 s in all);
  (c) a refresh with nothing new from a server that sends no validators, so the feed is
      fetched and parsed again and every item is found present (also < 1 s);
  (d) the baseline: ``Library.add`` of the same transcript and audio from local files,
      per item, for what the network and the feed cost on top.

    .venv/bin/python bench/bench_import_feed.py [--items N]
"""
from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))

from feed_server import FeedServer  # noqa: E402
from webapp.core.feeds import Options, import_feed, importing  # noqa: E402
from webapp.core.feeds import reading as feed_reading  # noqa: E402
from webapp.core.opening import open_library  # noqa: E402
from webapp.core.writing import to_podcasting_json, to_srt, to_vtt  # noqa: E402
from webapp.core.model import Cue, Transcript  # noqa: E402

AUDIO_SECONDS = 180
PER_ITEM_TARGET, REFRESH_TARGET = 1.0, 1.0
WORDS = ("garden soil compost seed water light root leaf frost bed cedar tomato bean "
         "spring autumn harvest mulch worm").split()


def transcript(n: int) -> Transcript:
    """Forty paragraphs of about thirty words over three minutes, two speakers."""
    cues = []
    for i in range(40):
        words = [WORDS[(n * 7 + i * 3 + k) % len(WORDS)] for k in range(30)]
        cues.append(Cue(start=i * 4.4, end=(i + 1) * 4.4, speaker=("Rosa", "Tom")[i % 2],
                        text=" ".join(words).capitalize() + "."))
    return Transcript(cues)


def chapters_json() -> str:
    return json.dumps({"version": "1.2.0", "chapters": [
        {"startTime": t, "title": f"Part {k + 1}"} for k, t in enumerate(range(0, 170, 30))]})


def item_xml(base: str, n: int) -> str:
    return f"""<item><title>Episode {n}: {WORDS[n % len(WORDS)]}</title><guid>ep-{n}</guid>
<pubDate>Mon, 02 Nov 2026 10:{n % 60:02d}:00 GMT</pubDate>
<enclosure url="{base}/audio/{n}.mp3" type="audio/mpeg" length="180000"/>
<podcast:transcript url="{base}/t/{n}.srt" type="application/srt"/>
<podcast:transcript url="{base}/t/{n}.json" type="application/json"/>
<podcast:transcript url="{base}/t/{n}.vtt" type="text/vtt"/>
<podcast:chapters url="{base}/c/{n}.json" type="application/json+chapters"/></item>"""


def serve(server: FeedServer, items: int, audio: bytes) -> str:
    chapters = chapters_json()
    for n in range(items):
        t = transcript(n)
        server.add(f"/t/{n}.json", to_podcasting_json(t), "application/json")
        server.add(f"/t/{n}.srt", to_srt(t), "application/srt")
        server.add(f"/t/{n}.vtt", to_vtt(t), "text/vtt")
        server.add(f"/c/{n}.json", chapters, "application/json+chapters")
        server.add(f"/audio/{n}.mp3", audio, "audio/mpeg")
    feed = ('<?xml version="1.0"?><rss version="2.0" '
            'xmlns:podcast="https://podcastindex.org/namespace/1.0"><channel><title>Bench</title>'
            + "".join(item_xml(server.url, n) for n in range(items)) + "</channel></rss>")
    return server.add("/feed.xml", feed, "application/rss+xml")


def make_audio(path: Path) -> bytes:
    import imageio_ffmpeg

    subprocess.run([imageio_ffmpeg.get_ffmpeg_exe(), "-loglevel", "error", "-y", "-f", "lavfi",
                    "-i", f"anullsrc=r=8000:cl=mono:d={AUDIO_SECONDS}", "-ac", "1", "-b:a", "8k",
                    "-codec:a", "libmp3lame", str(path)], check=True)
    return path.read_bytes()


def counting_parses():
    calls = []
    original = importing.parse_feed

    def counted(data):
        calls.append(len(data))
        return original(data)

    importing.parse_feed = counted
    return calls


def timed(call):
    began = time.perf_counter()
    result = call()
    return result, time.perf_counter() - began


def baseline(tmp: Path, audio_path: Path, items: int) -> float:
    """Seconds per item of ``Library.add`` from local files (same transcript and audio)."""
    root = tmp / "baseline"
    library = open_library({"MEDIA_DIR": root}, warn=print).library
    source = tmp / "t.json"
    source.write_text(to_podcasting_json(transcript(0)))
    began = time.perf_counter()
    for n in range(items):
        library.add(str(source), str(audio_path), title=f"Episode {n}", slug=f"episode-{n}")
    return (time.perf_counter() - began) / items


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--items", type=int, default=300)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-feed-") as folder, FeedServer() as server:
        tmp = Path(folder)
        audio = make_audio(tmp / "stub.mp3")
        url = serve(server, args.items, audio)
        parses = counting_parses()
        root = tmp / "library"
        library = open_library({"MEDIA_DIR": root}, warn=print).library
        report, seconds = timed(lambda: import_feed(library, url, Options(allow_private=True)))
        added = report.count("added")
        per_item = seconds / max(added, 1)
        print(f"import: {added}/{args.items} items added in {seconds:.2f} s = {per_item * 1000:.0f} ms "
              f"per item (target < {PER_ITEM_TARGET * 1000:.0f} ms: {'met' if per_item < PER_ITEM_TARGET else 'MISSED'}); "
              f"feed parsed {len(parses)} time(s) (target 1: {'met' if len(parses) == 1 else 'MISSED'})")
        fetched = len(server.log)
        print(f"  requests: {fetched} ({fetched / args.items:.1f} per item: feed + transcript + chapters + audio)")

        report, seconds = timed(lambda: import_feed(library, url, Options(allow_private=True)))
        print(f"refresh, 304: {seconds * 1000:.1f} ms, unchanged={report.unchanged} "
              f"(target < {REFRESH_TARGET * 1000:.0f} ms: {'met' if seconds < REFRESH_TARGET else 'MISSED'})")

        server.routes["/feed.xml"].etag = False
        (root / ".feeds").exists() and [p.unlink() for p in (root / ".feeds").glob("*.json")]
        report, seconds = timed(lambda: import_feed(library, url, Options(allow_private=True)))
        print(f"refresh, no validators: {seconds * 1000:.1f} ms, {report.present} items present, "
              f"{report.count('added')} added (target < {REFRESH_TARGET * 1000:.0f} ms: "
              f"{'met' if seconds < REFRESH_TARGET else 'MISSED'})")

        base = baseline(tmp, tmp / "stub.mp3", min(args.items, 100))
        print(f"baseline, Library.add from local files: {base * 1000:.0f} ms per item; the import "
              f"costs {per_item / base:.2f}x that")
        return 0 if added == args.items else 1


if __name__ == "__main__":
    raise SystemExit(main())
