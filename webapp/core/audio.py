"""Audio files: which kinds we take, and their duration read from headers (no decoding)."""
from __future__ import annotations

import json
import os
import shutil
import subprocess

from .errors import InputError

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
        raise InputError("no such audio file; check the path", path=name)
    ext = os.path.splitext(name)[1].lower()
    if ext not in AUDIO_TYPES:
        raise InputError(f"'{ext or 'no extension'}' is not an audio type we play; give MP3, "
                         f"M4A/AAC, Ogg/Opus, FLAC or WAV", path=name)
    seconds = _mutagen_length(name) or _ffprobe_length(name)
    if not seconds or seconds <= 0:
        raise InputError("cannot read this audio (damaged, or not really "
                         f"{ext[1:].upper()}); convert it to MP3 and try again", path=name)
    return round(seconds, 3)


def _mutagen_length(name: str) -> float | None:
    import mutagen

    try:
        info = mutagen.File(name)
    except Exception:  # mutagen raises many types on damaged files
        return None
    length = getattr(getattr(info, "info", None), "length", None)
    return float(length) if length else None


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
