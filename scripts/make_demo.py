#!/usr/bin/env python3
"""Synthesize the bundled Listenalong demo episode with flite.

Writes ``demo.mp3``, ``demo-transcript.txt`` (Rev style) and ``demo-chapters.json``
(Podcasting 2.0 chapters, from CHAPTERS) into ``--out DIR``
(default: build/demo/), then prints the total duration.

Each paragraph of the script below is spoken separately with flite (one voice per
speaker), its exact length is read from the WAV header, a short pause follows it, and
the clips are joined and encoded to MP3 with ffmpeg. Each paragraph's timestamp is the
cumulative length of everything before it, so the same text and the same flite version
always give the same timestamps. flite, not espeak-ng: its speech aligns word by word
(``listenalong add`` then times every word, which the demo is there to show).

Usage:
    python scripts/make_demo.py [--out DIR] [--install]

--install then adds the episode to the library, word timings included, as
    python -m webapp add TRANSCRIPT --audio MP3 --title TITLE --slug welcome --chapters demo-chapters.json
with LISTENALONG_MEDIA_DIR taken from the environment as it is.

Needs: flite, ffmpeg (apt-get install flite ffmpeg). Python stdlib only (and
webapp.core.atomic, itself stdlib only).
"""
from __future__ import annotations

import argparse
import shlex
import shutil
import subprocess
import sys
import tempfile
import wave
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from webapp.core.atomic import replacing, write_text  # noqa: E402  (stdlib only)
DEFAULT_OUT = ROOT / "build" / "demo"
TITLE = "Welcome to Listenalong"
SLUG = "welcome"

PAUSE = 0.5            # seconds of silence after each paragraph
SAMPLE_RATE = 16000    # flite's native rate; the MP3 keeps it
BITRATE = "48k"
MAX_MP3_BYTES = 2_000_000
MIN_SECONDS, MAX_SECONDS = 120.0, 240.0

# name -> flite voice
SPEAKERS = {
    "Maya Ortiz": "slt",
    "Sam Lee": "rms",
}

# paragraph number (from 0) -> the title of the chapter it opens (demo-chapters.json)
CHAPTERS = {0: "Welcome", 2: "The basics", 6: "Keyboard shortcuts", 8: "Search",
            12: "Listening faster", 14: "Sharing a moment", 16: "Word timing",
            18: "Where transcripts come from", 20: "Listener Q&A", 24: "Goodbye"}

# What the transcript shows -> what flite is asked to say.
SAY_AS = {
    "Q&A": "Q and A",
    "?t=": "question mark, t, equals",
    "Listenalong": "Listen along",
}

MAYA, SAM = "Maya Ortiz", "Sam Lee"

SCRIPT: list[tuple[str, str]] = [
    (MAYA, "Hi, and welcome to Listenalong. I'm Maya Ortiz, and today I'm joined by "
           "Sam Lee, who has been using the player every day for a month. Sam, thanks "
           "for coming on."),
    (SAM, "Thanks, Maya. Happy to be here, even if it meant skipping my morning trip "
          "to the café."),
    (MAYA, "Let's start with the basics. What is everyone looking at right now?"),
    (SAM, "You're looking at the transcript of this very episode, lined up with the "
          "audio word by word. Every paragraph has a timestamp next to it. Click the "
          "timestamp, or click any word at all, and playback jumps straight to that "
          "word. The word being spoken is highlighted as we go, so you can read along "
          "without losing your place."),
    (MAYA, "And the page scrolls by itself, doesn't it?"),
    (SAM, "It does. The transcript follows playback and keeps the current paragraph "
          "in view. But if you scroll away to reread something, it won't yank you "
          "back. Instead, a Back to now button appears. Press it whenever you're "
          "ready, and you're right back where the audio is."),
    (MAYA, "I'm a keyboard person, so tell me about shortcuts."),
    (SAM, "Space plays and pauses. The left and right arrow keys seek back or forward "
          "five seconds. J and K move to the previous or next cue. Slash jumps to the "
          "search box, and the question mark opens a list of every shortcut, in case "
          "you forget one."),
    (MAYA, "Speaking of search, how does that work?"),
    (SAM, "Type a word, and the matches in this episode light up in the transcript, "
          "so you can step through them one by one. You can also search across the "
          "whole library, which is great when you half remember a quote but not "
          "which episode it came from."),
    (MAYA, "That happens to me all the time."),
    (MAYA, "Now, some people like to listen at double speed. Is that covered?"),
    (SAM, "Yes. There's a playback speed control, from a relaxed pace up to twice as "
          "fast, and the highlighting keeps up at any speed."),
    (MAYA, "My favorite part is sharing. Say a friend needs to hear one answer, not "
           "the whole hour."),
    (SAM, "Then share a link to that moment. The link ends with ?t= and the time, so "
          "when your friend opens it, the player starts right there. And if you'd "
          "rather send words than audio, copy a quote straight from the transcript."),
    (MAYA, "How does it know when each word is said?"),
    (SAM, "When an episode is added, Listenalong listens to the audio on your own "
          "computer and lines every word of the transcript up with the voice. Nothing "
          "is sent anywhere, and no model is downloaded."),
    (MAYA, "Where do the transcripts come from? Do I have to type them myself?"),
    (SAM, "Not at all. Listenalong reads the files you probably have already: exports "
          "from Rev or Otter, SRT or WebVTT subtitles, or a JSON transcript. Each one "
          "becomes the same clean page you can click through."),
    (MAYA, "Before we wrap up, a quick listener Q&A. Priya asks: what's the fastest "
           "way to find where someone mentioned a book?"),
    (SAM, "Press slash, type the title, and step through the matches. If it was in a "
          "different episode, search the library instead."),
    (MAYA, "And Tomás asks whether he can send a friend straight to the middle of an "
           "episode."),
    (SAM, "He can. Any link ending in ?t= and a time starts playback at that moment. "
          "Try it with this episode."),
    (MAYA, "Sam, thank you. This was fun."),
    (MAYA, "And thank you for listening. Click any word to hear it again, or "
           "press the question mark to see every shortcut. Until next time!"),
    (SAM, "Bye, everyone!"),
]

HEADER = ["Listenalong demo", "", "Transcript", "",
          "A short tour of the Listenalong player, read by two synthetic voices.", ""]

EPISODE_INFO = [
    "Episode Info",
    "",
    "Maya Ortiz & Sam Lee take a short tour of Listenalong: clickable sentences "
    "and timestamps, keyboard shortcuts, search, playback speed, and links to a moment.",
    "",
    "Both voices are synthesized with flite; the script is original and made for "
    "this demo.",
    "",
    "More at https://example.org/listenalong",
]


def fail(message: str) -> None:
    print(f"error: {message}", file=sys.stderr)
    raise SystemExit(1)


def need(tool: str, package: str) -> str:
    path = shutil.which(tool)
    if not path:
        fail(f"{tool} not found; apt-get install {package}")
    return path


def run(cmd: list[str], **kwargs) -> subprocess.CompletedProcess:
    try:
        return subprocess.run(cmd, check=True, capture_output=True, **kwargs)
    except subprocess.CalledProcessError as error:
        detail = (error.stderr or b"").decode("utf-8", "replace").strip().splitlines()
        fail(f"{Path(cmd[0]).name} failed: {detail[-1] if detail else f'exit {error.returncode}'}")


def spoken(text: str) -> str:
    for shown, said in SAY_AS.items():
        text = text.replace(shown, said)
    return text


def synthesize(flite: str, speaker: str, text: str, path: Path) -> None:
    run([flite, "-voice", SPEAKERS[speaker], "-t", spoken(text), "-o", str(path)])


def read_wav(path: Path):
    with wave.open(str(path), "rb") as clip:
        return clip.getparams(), clip.readframes(clip.getnframes())


def mmss(seconds: float) -> str:
    whole = int(seconds)  # floor: the cue starts at or just before its first word
    return f"{whole // 60:02d}:{whole % 60:02d}"


def build_transcript(starts: list[float]) -> str:
    lines = list(HEADER)
    previous = None
    for (speaker, text), start in zip(SCRIPT, starts):
        lines.append(f"({mmss(start)}):" if speaker == previous else f"{speaker} ({mmss(start)}):")
        lines += ["", text, ""]
        previous = speaker
    lines += EPISODE_INFO
    return "\n".join(lines) + "\n"


def build_chapters(starts: list[float]) -> str:
    """Podcasting 2.0 chapters, each at its paragraph's start (to 10 ms)."""
    import json

    chapters = [{"startTime": round(starts[n], 2), "title": title} for n, title in sorted(CHAPTERS.items())]
    return json.dumps({"version": "1.2.0", "chapters": chapters}, ensure_ascii=False, indent=1) + "\n"


def speak_all(flite: str, folder: Path):
    """Every paragraph of SCRIPT spoken to its own WAV in ``folder``: returns the WAV
    parameters, the PCM pieces (a pause after each but the last), each paragraph's start
    and spoken length, and the total length (seconds)."""
    params = None
    pieces: list[bytes] = []
    starts: list[float] = []
    lengths: list[float] = []
    frames = 0
    for number, (speaker, text) in enumerate(SCRIPT):
        clip_path = folder / f"{number:03d}.wav"
        synthesize(flite, speaker, text, clip_path)
        clip_params, data = read_wav(clip_path)
        if params is None:
            params = clip_params
        elif clip_params[:3] != params[:3]:
            fail(f"flite gave clips in different formats: {clip_params} vs {params}")
        rate, width = params.framerate, params.sampwidth * params.nchannels
        starts.append(frames / rate)
        lengths.append(len(data) // width / rate)
        gap = b"\0" * (round(PAUSE * rate) * width)
        pieces += [data, gap]
        frames += (len(data) + len(gap)) // width
    pieces.pop()  # no pause after the last paragraph
    frames -= round(PAUSE * params.framerate)
    return params, pieces, starts, lengths, frames / params.framerate


def encode_mp3(ffmpeg: str, params, pieces: list[bytes], folder: Path, mp3: Path) -> None:
    """Join the pieces into one WAV and encode it, reproducibly, to ``mp3`` (atomically)."""
    whole = folder / "episode.wav"
    with wave.open(str(whole), "wb") as joined:
        joined.setparams(params)
        for piece in pieces:
            joined.writeframes(piece)
    with replacing(mp3, suffix=".mp3") as tmp:
        run([ffmpeg, "-nostdin", "-hide_banner", "-loglevel", "error", "-y",
             "-i", str(whole), "-map_metadata", "-1",
             "-ac", "1", "-ar", str(SAMPLE_RATE), "-c:a", "libmp3lame", "-b:a", BITRATE,
             "-metadata", f"title={TITLE}", "-metadata", "artist=Listenalong",
             "-fflags", "+bitexact", "-flags:a", "+bitexact", "-f", "mp3", str(tmp)])


def check(starts: list[float], total: float, mp3: Path) -> None:
    for before, after in zip(starts, starts[1:]):
        if int(after) <= int(before):
            fail(f"two paragraphs start in the same second ({mmss(before)}); lengthen one")
    if not MIN_SECONDS <= total <= MAX_SECONDS:
        fail(f"the episode lasts {total:.1f} s; keep it between {MIN_SECONDS:.0f} and "
             f"{MAX_SECONDS:.0f} s by editing SCRIPT or the voice speeds")
    size = mp3.stat().st_size
    if size >= MAX_MP3_BYTES:
        fail(f"demo.mp3 is {size} bytes; it must stay under {MAX_MP3_BYTES}")


def build(out: Path) -> tuple[Path, Path, float, list[float]]:
    flite = need("flite", "flite")
    ffmpeg = need("ffmpeg", "ffmpeg")
    out.mkdir(parents=True, exist_ok=True)
    mp3 = out / "demo.mp3"
    with tempfile.TemporaryDirectory(prefix="listenalong-demo-") as tmp:
        params, pieces, starts, lengths, total = speak_all(flite, Path(tmp))
        encode_mp3(ffmpeg, params, pieces, Path(tmp), mp3)
    check(starts, total, mp3)
    transcript = out / "demo-transcript.txt"
    write_text(transcript, build_transcript(starts))
    write_text(out / "demo-chapters.json", build_chapters(starts))
    return mp3, transcript, total, lengths


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", metavar="DIR", type=Path, default=DEFAULT_OUT,
                        help=f"output folder (default: {DEFAULT_OUT.relative_to(ROOT)}/)")
    parser.add_argument("--install", action="store_true",
                        help=f"then add it to the library as '{SLUG}' via 'python -m webapp add' "
                             f"(run 'listenalong remove {SLUG}' first to rebuild it)")
    args = parser.parse_args(argv)

    mp3, transcript, total, _ = build(args.out)
    minutes, seconds = divmod(total, 60)
    print(f"wrote {mp3} ({mp3.stat().st_size} bytes) and {transcript}")
    print(f"{len(SCRIPT)} paragraphs, total duration {total:.3f} s "
          f"({int(minutes)}:{seconds:06.3f})")

    if args.install:
        cmd = [sys.executable, "-m", "webapp", "add", str(transcript), "--audio", str(mp3),
               "--title", TITLE, "--slug", SLUG, "--chapters", str(args.out / "demo-chapters.json")]
        print("running: " + shlex.join(cmd), flush=True)
        return subprocess.run(cmd, cwd=ROOT).returncode
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
