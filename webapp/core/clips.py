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
sample_width=2, frame_rate=…, channels=…)``: no copy, no WAV parsing), and they go back to
ffmpeg on a pipe to be encoded as MP3 straight into the cache's temp file (pydub's
``export`` would leave two temp files in $TMPDIR whenever an encode fails). Peak memory is
the clip's samples once: about 9 MB for 46 s of stereo, 53 MB for the five-minute maximum.

The ffmpeg used is the system's (``ffmpeg`` on PATH) or else the binary in the
imageio-ffmpeg wheel; it is given to pydub on a private subclass of ``AudioSegment``, so
the global ``AudioSegment.converter`` of other code is left alone.

Cache: ``<cache_dir>/<slug>-<start_ms>-<end_ms>-<key>.mp3`` where ``key`` hashes the
audio file's mtime and size (a replaced audio file makes new clips), for ranges snapped to
a 0.1 s grid (:func:`snap`). Each clip is written to a temp file in the same folder and
renamed into place; one encode per clip and at most N at once, across worker processes
too (:mod:`webapp.core.clip_slots`); a cached clip shorter than its bitrate promises is
made again, never served.
"""
from __future__ import annotations

import contextlib
import hashlib
import math
import os
import re
import shutil
import subprocess
import threading
import time
from pathlib import Path

from .atomic import TEMP_PREFIX, replacing
from .clip_slots import ClipBusy, encoder_slot, in_flight
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


def pcm_range(audio_path: str | os.PathLike, start: float, length: float, rate: int,
              channels: int, filters: str | None = None, converter: str | None = None,
              niceness: int = 0) -> bytes:
    """16-bit PCM of ``length`` seconds from ``start``, at ``rate`` Hz and ``channels``:
    ffmpeg seeks before it decodes (input seeking), so only that range is ever decoded.
    Whole frames only; empty past the end of the audio. Raises ClipUnavailable."""
    command = [converter or ffmpeg_exe(), "-nostdin", "-hide_banner", "-loglevel", "error",
               "-ss", f"{max(0.0, start):.3f}", "-t", f"{max(0.0, length):.3f}",
               "-i", os.fspath(audio_path), "-vn", *(["-af", filters] if filters else []),
               "-ac", str(channels), "-ar", str(rate), "-acodec", "pcm_s16le", "-f", "s16le", "-"]
    pcm = _run(command, None, "decode the audio", niceness)
    return pcm[:len(pcm) - len(pcm) % (2 * channels)]


def decode_range(audio_path: str | os.PathLike, start: float, end: float,
                 converter: str | None = None, fade_ms: int = FADE_MS, niceness: int = 0):
    """The audio from ``start`` to ``end`` seconds as a pydub ``AudioSegment`` (16-bit PCM),
    decoding only that range, its first and last ``fade_ms`` faded so it does not click.

    ffmpeg writes raw PCM in a format fixed beforehand, which pydub takes as it is: the
    samples are held once (a 5-minute stereo clip is 53 MB), not copied from a WAV.
    """
    converter = converter or ffmpeg_exe()
    channels, rate = pcm_format(audio_path)
    length = end - start
    fade = min(fade_ms / 1000, length / 4)
    filters = f"afade=t=in:st=0:d={fade:.3f},afade=t=out:st={length - fade:.3f}:d={fade:.3f}"
    pcm = pcm_range(audio_path, start, length, rate, channels, filters, converter, niceness)
    if not pcm:
        raise ClipUnavailable("nothing to cut: the range is past the end of the audio")
    return _segment_class(converter)(data=pcm, sample_width=2, frame_rate=rate, channels=channels)


def cut(audio_path: str | os.PathLike, start: float, end: float, out_path: str | os.PathLike,
        tags: dict | None = None, converter: str | None = None, niceness: int = 0) -> None:
    """Write the range ``start``–``end`` (seconds) of ``audio_path`` to ``out_path`` as MP3.

    The PCM goes to ffmpeg on a pipe and the MP3 straight to ``out_path``: no temporary
    files anywhere else (pydub's ``export`` leaves two in $TMPDIR when an encode fails).
    ``niceness`` runs both ffmpeg processes at a lower priority than the web workers."""
    if not 0 <= start < end:
        raise ValueError(f"a clip needs 0 <= start < end, not {start}–{end}")
    if end - start > MAX_SECONDS + 1e-9:
        raise ValueError(f"clips are at most {MAX_SECONDS:.0f} seconds long")
    converter = converter or ffmpeg_exe()
    segment = decode_range(audio_path, start, end, converter, niceness=niceness)
    bitrate = "128k" if segment.channels > 1 else "64k"
    metadata = [arg for key, value in (tags or {}).items() if value
                for arg in ("-metadata", f"{key}={value}")]
    command = [converter, "-nostdin", "-hide_banner", "-loglevel", "error", "-y",
               "-f", "s16le", "-ar", str(segment.frame_rate), "-ac", str(segment.channels),
               "-i", "pipe:0", "-codec:a", "libmp3lame", "-b:a", bitrate, *metadata,
               "-f", "mp3", os.fspath(out_path)]
    _run(command, segment.raw_data, "encode the clip", niceness)


def _run(command: list[str], data: bytes | None, what: str, niceness: int) -> bytes:
    """Run ffmpeg (at ``niceness``); its stdout, or :class:`ClipUnavailable`."""
    def lower_priority():
        if niceness and hasattr(os, "nice"):
            os.nice(niceness)

    try:
        done = subprocess.run(command, input=data, stdin=None if data is not None else subprocess.DEVNULL,
                              capture_output=True, timeout=FFMPEG_TIMEOUT, preexec_fn=lower_priority)
    except (OSError, subprocess.SubprocessError) as error:
        raise ClipUnavailable(f"ffmpeg could not run: {error}") from None
    if done.returncode != 0:
        last = (done.stderr.decode("utf-8", "replace").strip().splitlines() or ["failed"])[-1]
        raise ClipUnavailable(f"ffmpeg could not {what}: {last}")
    return done.stdout


# ---- the cache ------------------------------------------------------------------------

_LOCKS = [threading.Lock() for _ in range(64)]  # striped: bounded, one clip → one lock
GRID = 0.1  # seconds: clip ranges are snapped to it
WHOLE = 0.9  # a cached clip must hold at least this share of the bytes its bitrate promises


def clip_name(slug: str, audio_path: str | os.PathLike, start: float, end: float) -> str:
    """The cache file's name for this clip of this version of the audio."""
    info = os.stat(audio_path)
    key = hashlib.sha1(f"{CACHE_VERSION}:{info.st_mtime_ns}:{info.st_size}".encode())
    return f"{slug}-{round(start * 1000)}-{round(end * 1000)}-{key.hexdigest()[:12]}.mp3"


def snap(start: float, end: float, duration: float | None = None) -> tuple[float, float]:
    """The range on the cache's grid (:data:`GRID` seconds): the start rounded down, the
    end up, within the episode and :data:`MAX_SECONDS`. Ranges a millisecond apart share
    one clip, so a flood of near-identical ranges is served from the cache."""
    first = math.floor(start / GRID + 1e-6) * GRID
    last = math.ceil(end / GRID - 1e-6) * GRID
    last = min(last, first + MAX_SECONDS, duration if duration else last)
    return round(first, 3), round(last, 3)


def cached(cache_dir: str | os.PathLike, slug: str, audio_path: str | os.PathLike,
           start: float, end: float) -> Path | None:
    """The clip when it is cached and whole (marked recently used), else None."""
    target = Path(cache_dir) / clip_name(slug, audio_path, start, end)
    return target if _fresh(target, end - start) else None


def get_clip(cache_dir: str | os.PathLike, slug: str, audio_path: str | os.PathLike,
             start: float, end: float, tags: dict | None = None,
             converter: str | None = None, keep: int = MAX_CACHED, encoders: int = 1,
             niceness: int = 0, wait: float = 2.0) -> Path:
    """The cached MP3 of this range, made first if need be: one encode per clip across
    threads and processes, at most ``encoders`` at once (waiting up to ``wait`` seconds
    for one, then :class:`ClipBusy`); the cache then keeps the ``keep`` most recently
    used clips. Raises ClipUnavailable, or ClipBusy."""
    folder = Path(cache_dir)
    target = folder / clip_name(slug, audio_path, start, end)
    if _fresh(target, end - start):
        return target
    def write(tmp: Path) -> None:
        cut(audio_path, start, end, tmp, tags=tags, converter=converter, niceness=niceness)

    try:
        with _LOCKS[hash(target.name) % len(_LOCKS)]:
            _make_once(target, write, end - start, encoders, wait)
        prune(folder, keep=target, limit=keep)
    except OSError as error:   # a read-only or full cache folder
        raise ClipUnavailable(f"cannot write in the clip cache {folder}: "
                              f"{error.strerror or error}") from None
    return target


def _make_once(target: Path, write, seconds: float, encoders: int, wait: float) -> None:
    """``write(tmp)`` the clip into ``target``, unless another thread or process is at it
    or has made it meanwhile (then wait for theirs)."""
    target.parent.mkdir(parents=True, exist_ok=True)
    with in_flight(target, wait=FFMPEG_TIMEOUT, stale_after=FFMPEG_TIMEOUT + 30) as held:
        if not held:
            raise ClipBusy()
        if _fresh(target, seconds):   # made while we waited for it
            return
        with encoder_slot(encoders, wait), replacing(target, suffix=".mp3") as tmp:
            write(tmp)


def _fresh(path: Path, seconds: float) -> bool:
    """Is the clip cached, and whole? A file shorter than its bitrate promises for
    ``seconds`` (cut off by a crash or a full disk) is not. Marks it recently used."""
    try:
        size = path.stat().st_size
    except OSError:
        return False
    with contextlib.suppress(OSError):   # a read-only cache still serves what it holds
        os.utime(path)
    try:
        import mutagen.mp3

        bitrate = mutagen.mp3.MP3(os.fspath(path)).info.bitrate
    except Exception:  # mutagen raises many types on damaged files
        return False
    return size > 0 and size >= WHOLE * bitrate / 8 * seconds


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
