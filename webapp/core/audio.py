"""Audio files: which kinds we take, and their duration read from headers (no decoding)."""
from __future__ import annotations

import json
import os
import shutil
import subprocess

from .errors import InputError
from .timecode import MAX_SECONDS, clock

LEAST_SHARE = 0.5  # a file must hold at least half the bytes its bitrate needs for its length
SIZED = (".mp3", ".wav")  # formats whose header bitrate is what a second really costs

# extension → MIME type the browser is told
AUDIO_TYPES = {
    ".mp3": "audio/mpeg",
    ".m4a": "audio/mp4",
    ".mp4": "audio/mp4",
    ".aac": "audio/aac",
    ".ogg": "audio/ogg",
    ".oga": "audio/ogg",
    ".opus": "audio/ogg",
    ".wav": "audio/wav",
    ".flac": "audio/flac",
}


def audio_type(path: str) -> str:
    return AUDIO_TYPES.get(os.path.splitext(path)[1].lower(), "application/octet-stream")


def duration(path: str | os.PathLike) -> float:
    """The audio's length in seconds, read from its headers with mutagen (or ffprobe).

    Raises :class:`InputError` naming the file when it is missing or not audio we can play.
    """
    name = os.fspath(path)
    if not os.path.isfile(name):
        if os.path.isdir(name):
            raise InputError("this is a folder; give the audio file inside it", path=name)
        if os.path.exists(name):
            raise InputError("this is not a regular file (a device, pipe or socket); give the "
                             "episode's audio file", path=name)
        raise InputError("no such audio file; check the path", path=name)
    ext = os.path.splitext(name)[1].lower()
    if ext not in AUDIO_TYPES:
        raise InputError(f"'{ext or 'no extension'}' is not an audio type we play; give MP3, "
                         f"M4A/AAC, Ogg/Opus, FLAC or WAV", path=name)
    seconds, bitrate = _mutagen_info(name)
    seconds = seconds or _ffprobe_length(name)
    if not seconds or not 0 < seconds <= MAX_SECONDS:
        raise InputError("cannot read this audio (damaged, or not really "
                         f"{ext[1:].upper()}); convert it to MP3 and try again", path=name)
    _check_length(name, seconds, bitrate)
    return round(seconds, 3)


def _check_length(name: str, seconds: float, bitrate: int) -> None:
    """Refuse a header that promises more than the file holds: fewer bytes than its
    bitrate needs for that long (MP3 and WAV, whose bitrate says what a second costs;
    Vorbis and Opus give a nominal one that quiet audio is far below), or nothing to
    decode just before the end it claims (every format)."""
    size = os.path.getsize(name)
    exact = os.path.splitext(name)[1].lower() in SIZED
    short = exact and bool(bitrate) and size < LEAST_SHARE * seconds * bitrate / 8
    if not short:
        short = _nothing_at(name, max(0.0, seconds - 1.5)) is True
    if short:
        raise InputError(f"the audio's header says it lasts {clock(seconds)}, but the file "
                         f"holds far less ({size:,} bytes): it is damaged or cut off; "
                         f"export it again", path=name)


def _nothing_at(name: str, at: float) -> bool | None:
    """True when half a second from ``at`` decodes to nothing; None when ffmpeg is absent."""
    from .clips import ClipUnavailable, ffmpeg_exe, pcm_range

    try:
        ffmpeg = ffmpeg_exe()
    except ClipUnavailable:
        return None
    try:
        return not pcm_range(name, at, 0.5, 8000, 1, converter=ffmpeg)
    except ClipUnavailable:    # ffmpeg could not decode it there: nothing to play
        return True


def _mutagen_info(name: str) -> tuple[float | None, int]:
    """(length in seconds, bitrate in bit/s, 0 when unknown) from the headers."""
    import mutagen

    try:
        info = getattr(mutagen.File(name), "info", None)
    except Exception:  # mutagen raises many types on damaged files
        return None, 0
    length = getattr(info, "length", None)
    return (float(length) if length else None), int(getattr(info, "bitrate", 0) or 0)


def _ffprobe_length(name: str) -> float | None:
    ffprobe = shutil.which("ffprobe")
    if not ffprobe:
        return None
    try:
        out = subprocess.run([ffprobe, "-v", "error", "-show_entries", "format=duration",
                              "-of", "json", name], capture_output=True, timeout=30, check=True)
        return float(json.loads(out.stdout)["format"]["duration"])
    except (subprocess.SubprocessError, KeyError, ValueError, TypeError):
        return None
