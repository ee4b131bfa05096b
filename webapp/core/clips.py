"""Audio clips: a short range of an episode's audio as an MP3, cached on disk.

Only the range is ever decoded. pydub 0.25.1's ``AudioSegment.from_file(path,
start_second=…, duration=…)`` does *not* do that: it puts ``-ss``/``-t`` after ``-i``
(output options), so ffmpeg decodes and throws away everything before the start — 3.5 s
to reach the middle of a 2-hour MP3 here — and, unless a ``codec`` is given, it first
runs ``ffprobe`` (``mediainfo_json``), which the imageio-ffmpeg wheel does not ship. So
ffmpeg is asked for the range itself with input seeking (``-ss``/``-t`` before ``-i``,
sample-accurate since ffmpeg decodes from the packet before the seek point and drops the
samples before it), with 15 ms fades at the edges so the clip does not click, as raw
16-bit PCM on a pipe in the source's channels and rate (read from the headers by mutagen,
so no probing); pydub holds those samples as they are (``AudioSegment(data=…,
sample_width=2, frame_rate=…, channels=…)``: no copy, no WAV parsing) and encodes the MP3
with ``export(format="mp3", codec="libmp3lame", bitrate=…)``, which never probes either.
Peak memory is the clip's samples once: about 9 MB for 46 s of stereo, 53 MB for the
five-minute maximum.

The ffmpeg used is the system's (``ffmpeg`` on PATH) or else the binary in the
imageio-ffmpeg wheel; it is given to pydub on a private subclass of ``AudioSegment``, so
the global ``AudioSegment.converter`` of other code is left alone.

Cache: ``<cache_dir>/<slug>-<start_ms>-<end_ms>-<key>.mp3`` where ``key`` hashes the
audio file's mtime and size (a replaced audio file makes new clips). Each clip is written
to a temp file in the same folder and renamed into place, so two requests racing for the
same clip both get a whole file; within one process a lock per clip stops the second one
from encoding it again.
"""
from __future__ import annotations

import hashlib
import os
import re
import shutil
import subprocess
import threading
import time
from pathlib import Path

from .atomic import TEMP_PREFIX, replacing
from .settings import BY_NAME

MAX_SECONDS = 300.0  # five minutes
FADE_MS = 15
CACHE_VERSION = "2"  # bump when the encoding changes: old clips stop matching
MAX_CACHED = BY_NAME["CLIP_CACHE_SIZE"].default  # clips kept on disk unless told otherwise
STALE_TEMP_SECONDS = 3600
FFMPEG_TIMEOUT = 120


class ClipUnavailable(RuntimeError):
    """The clip cannot be made here (no ffmpeg, or ffmpeg failed on this audio)."""


def ffmpeg_exe() -> str:
    """The ffmpeg to use: ``ffmpeg`` on PATH, else the one in the imageio-ffmpeg wheel."""
    found = shutil.which("ffmpeg")
    if found:
        return found
    try:
        import imageio_ffmpeg
    except ImportError:
        raise ClipUnavailable("clips need ffmpeg: install it (apt-get install ffmpeg) or "
                              "pip install imageio-ffmpeg") from None
    try:
        return imageio_ffmpeg.get_ffmpeg_exe()
    except RuntimeError as error:
        raise ClipUnavailable(f"clips need ffmpeg: {error}") from None


def _segment_class(converter: str):
    """``AudioSegment`` with its own ``converter``; pydub reads ``cls.converter``."""
    from pydub import AudioSegment

    return type("ClipSegment", (AudioSegment,), {"converter": converter})


MP3_RATES = (8000, 11025, 12000, 16000, 22050, 24000, 32000, 44100, 48000)


def pcm_format(audio_path: str | os.PathLike) -> tuple[int, int]:
    """``(channels, sample_rate)`` for the clip: the source's, read from its headers with
    mutagen (no decoding, no ffprobe), within what MP3 can hold (mono/stereo, ≤ 48 kHz);
    stereo 44.1 kHz when the headers do not say."""
    channels, rate = 2, 44100
    try:
        import mutagen

        info = getattr(mutagen.File(os.fspath(audio_path)), "info", None)
        channels = int(getattr(info, "channels", 0) or 2)
        rate = int(getattr(info, "sample_rate", 0) or 44100)
    except Exception:  # mutagen raises many types on files it cannot read
        pass
    return (1 if channels == 1 else 2), (rate if rate in MP3_RATES else 44100)


def decode_range(audio_path: str | os.PathLike, start: float, end: float,
                 converter: str | None = None, fade_ms: int = FADE_MS):
    """The audio from ``start`` to ``end`` seconds as a pydub ``AudioSegment`` (16-bit PCM),
    decoding only that range, its first and last ``fade_ms`` faded so it does not click.

    ffmpeg writes raw PCM in a format fixed beforehand, which pydub takes as it is: the
    samples are held once (a 5-minute stereo clip is 53 MB), not copied from a WAV.
    """
    converter = converter or ffmpeg_exe()
    segment_class = _segment_class(converter)
    channels, rate = pcm_format(audio_path)
    length = end - start
    fade = min(fade_ms / 1000, length / 4)
    filters = f"afade=t=in:st=0:d={fade:.3f},afade=t=out:st={length - fade:.3f}:d={fade:.3f}"
    command = [converter, "-nostdin", "-hide_banner", "-loglevel", "error",
               "-ss", f"{start:.3f}", "-t", f"{length:.3f}", "-i", os.fspath(audio_path),
               "-vn", "-af", filters, "-ac", str(channels), "-ar", str(rate),
               "-acodec", "pcm_s16le", "-f", "s16le", "-"]
    try:
        done = subprocess.run(command, capture_output=True, timeout=FFMPEG_TIMEOUT)
    except (OSError, subprocess.SubprocessError) as error:
        raise ClipUnavailable(f"ffmpeg could not run: {error}") from None
    if done.returncode != 0:
        last = (done.stderr.decode("utf-8", "replace").strip().splitlines() or ["failed"])[-1]
        raise ClipUnavailable(f"ffmpeg could not decode the audio: {last}")
    pcm = done.stdout
    del done
    pcm = pcm[:len(pcm) - len(pcm) % (2 * channels)]  # whole frames (a no-op, normally)
    if not pcm:
        raise ClipUnavailable("nothing to cut: the range is past the end of the audio")
    return segment_class(data=pcm, sample_width=2, frame_rate=rate, channels=channels)


def cut(audio_path: str | os.PathLike, start: float, end: float, out_path: str | os.PathLike,
        tags: dict | None = None, converter: str | None = None) -> None:
    """Write the range ``start``–``end`` (seconds) of ``audio_path`` to ``out_path`` as MP3."""
    if not 0 <= start < end:
        raise ValueError(f"a clip needs 0 <= start < end, not {start}–{end}")
    if end - start > MAX_SECONDS + 1e-9:
        raise ValueError(f"clips are at most {MAX_SECONDS:.0f} seconds long")
    converter = converter or ffmpeg_exe()
    segment = decode_range(audio_path, start, end, converter)
    bitrate = "128k" if segment.channels > 1 else "64k"
    # codec, format and bitrate all given: export runs just ffmpeg, never ffprobe.
    try:
        segment.export(os.fspath(out_path), format="mp3", codec="libmp3lame", bitrate=bitrate,
                       tags={k: v for k, v in (tags or {}).items() if v} or None)
    except Exception as error:  # pydub's CouldntEncodeError, or OSError running ffmpeg
        raise ClipUnavailable(f"ffmpeg could not encode the clip: {error}") from None


# ---- the cache ------------------------------------------------------------------------

_LOCKS = [threading.Lock() for _ in range(64)]  # striped: bounded, one clip → one lock


def clip_name(slug: str, audio_path: str | os.PathLike, start: float, end: float) -> str:
    """The cache file's name for this clip of this version of the audio."""
    info = os.stat(audio_path)
    key = hashlib.sha1(f"{CACHE_VERSION}:{info.st_mtime_ns}:{info.st_size}".encode())
    return f"{slug}-{round(start * 1000)}-{round(end * 1000)}-{key.hexdigest()[:12]}.mp3"


def get_clip(cache_dir: str | os.PathLike, slug: str, audio_path: str | os.PathLike,
             start: float, end: float, tags: dict | None = None,
             converter: str | None = None, keep: int = MAX_CACHED) -> Path:
    """The cached MP3 of this range, made first if need be (the cache then keeps the
    ``keep`` most recently used clips). Raises ClipUnavailable."""
    folder = Path(cache_dir)
    target = folder / clip_name(slug, audio_path, start, end)
    if _fresh(target):
        return target
    with _LOCKS[hash(target.name) % len(_LOCKS)]:
        if _fresh(target):
            return target
        folder.mkdir(parents=True, exist_ok=True)
        with replacing(target, suffix=".mp3") as tmp:
            cut(audio_path, start, end, tmp, tags=tags, converter=converter)
    prune(folder, keep=target, limit=keep)
    return target


def _fresh(path: Path) -> bool:
    """Is the clip cached? Marks it recently used (its mtime) when it is."""
    try:
        os.utime(path)
    except OSError:
        return False
    return path.stat().st_size > 0


def prune(folder: Path, keep: Path | None = None, limit: int = MAX_CACHED) -> None:
    """Drop clips of an older version of the same range, temp files left by a crash, and
    the least recently used clips beyond ``limit``. Best effort: errors are ignored."""
    now = time.time()
    clips = []
    same_range = keep.name.rsplit("-", 1)[0] + "-" if keep else None
    old_key = re.compile(r"[0-9a-f]{12}\.mp3")
    try:
        entries = list(os.scandir(folder))
    except OSError:
        return
    for entry in entries:
        try:
            if entry.name.startswith(TEMP_PREFIX):
                if now - entry.stat().st_mtime > STALE_TEMP_SECONDS:
                    os.unlink(entry.path)
            elif entry.name.endswith(".mp3") and (keep is None or entry.name != keep.name):
                if (same_range and entry.name.startswith(same_range)
                        and old_key.fullmatch(entry.name[len(same_range):])):
                    os.unlink(entry.path)  # the same range of audio that has been replaced
                else:
                    clips.append((entry.stat().st_mtime, entry.path))
        except OSError:
            continue
    clips.sort()
    for _, path in clips[:max(0, len(clips) + (1 if keep else 0) - limit)]:
        try:
            os.unlink(path)
        except OSError:
            pass
