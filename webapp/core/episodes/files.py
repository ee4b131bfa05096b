"""An episode folder's files: their names, how a new folder is laid out, how one file
is read, and the version that tells every cache (and the search index) whether anything
changed.

``<root>/<slug>/`` holds

* ``audio.<ext>`` — the audio, as added (its name is in ``episode.json``);
* ``original.<ext>`` — the transcript as given (likewise);
* ``transcript.vtt`` — the cues (written at add, re-timed by an alignment);
* ``transcript.<lang>.vtt`` and ``original.<lang>.<ext>`` — a transcript in another
  language (``add --transcript``, a feed's other ``podcast:transcript``), listed in the
  record's ``other_transcripts``; never aligned;
* ``episode.json`` — the :class:`~.record.Episode` record;
* ``chapters.json`` — Podcasting 2.0 chapters, when the episode has any;
* ``words.json`` — word timings, once aligned:
  ``{"version": 1, "cues": [null | {"start": ms, "words": [[ms, from, to], …]}, …]}``.

Every write of one of them is a temp file renamed into place (:mod:`..atomic`), so a
file's identity (inode, modification time, size) changes with every write; the
version of an episode is those identities put together. (The other languages' files are
written only with a new ``episode.json`` that lists them, so its identity stands for them.)
"""
from __future__ import annotations

import json
import os
import shutil
from pathlib import Path
from dataclasses import dataclass
from typing import Union

from ..atomic import write_text
from ..chapters import Chapter, to_chapters_json
from ..model import Transcript
from ..writing import to_vtt
from .record import Episode

EPISODE_FILE = "episode.json"
VTT_FILE = "transcript.vtt"
CHAPTERS_FILE = "chapters.json"
WORDS_FILE = "words.json"
WORDS_VERSION = 1
# what an episode's version is made of: every file a reader of the episode derives from
VERSIONED = (EPISODE_FILE, VTT_FILE, CHAPTERS_FILE, WORDS_FILE)

Source = Union[str, os.PathLike, bytes]


@dataclass
class OtherTranscript:
    """A transcript in another language, on its way into an episode's folder."""

    language: str          # a BCP 47 tag (languages.normalize)
    transcript: Transcript
    original: "Source"     # a path to copy, or the bytes themselves
    extension: str         # the original's (".srt")
    url: str = ""          # the feed's link to it

    def record(self) -> dict:
        """Its entry in the record's ``other_transcripts``."""
        return {"language": self.language, "vtt": other_vtt_name(self.language),
                "original": f"original.{self.language}{self.extension}", "url": self.url}


def other_vtt_name(language: str) -> str:
    return f"transcript.{language}.vtt"


def audio_name(audio_path: str | os.PathLike) -> str:
    return f"audio{os.path.splitext(os.fspath(audio_path))[1].lower()}"


def original_name(extension: str) -> str:
    return f"original{extension}"


def version_of(folder: str | os.PathLike, names: tuple[str, ...] = VERSIONED) -> str | None:
    """The version of the episode in ``folder``: one mark per file in ``names``
    (``inode.mtime.size`` in hex, ``-`` for a file that is not there), or None when the
    folder holds no ``episode.json``. Plain ``os`` calls: the search index compares the
    versions of every folder every few seconds."""
    marks = []
    for name in names:
        try:
            found = os.stat(os.path.join(folder, name))
        except OSError:
            if name == EPISODE_FILE:
                return None
            marks.append("-")
            continue
        marks.append(f"{found.st_ino:x}.{found.st_mtime_ns:x}.{found.st_size:x}")
    return ":".join(marks)


def write_episode(folder: str | os.PathLike, episode: Episode, transcript: Transcript,
                  audio_file: Source, original: Source, chapters: list[Chapter] = (),
                  move_audio: bool = False, others: list[OtherTranscript] = ()) -> Path:
    """Write an episode's files into ``folder`` (made if need be): the audio and the
    original transcript (each a path to copy, or the bytes themselves), the VTT made from
    ``transcript``, ``chapters.json`` when it has chapters, the ``others`` (in other
    languages: each one's original and VTT), and ``episode.json`` last.
    ``move_audio`` moves the audio file in (a download of ours, on the same file system)
    instead of copying it."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    if move_audio and not isinstance(audio_file, bytes):
        os.replace(audio_file, folder / episode.audio)
        os.chmod(folder / episode.audio, 0o644)
    copies = [(episode.transcript, original)]
    if not move_audio:
        copies.append((episode.audio, audio_file))
    for other in others:
        entry = other.record()
        copies.append((entry["original"], other.original))
        write_text(folder / entry["vtt"], to_vtt(other.transcript))
    for name, source in copies:
        if isinstance(source, bytes):
            (folder / name).write_bytes(source)
        else:
            shutil.copyfile(source, folder / name)
    write_text(folder / VTT_FILE, to_vtt(transcript))
    if chapters:
        write_text(folder / CHAPTERS_FILE, to_chapters_json(chapters))
    write_text(folder / EPISODE_FILE, episode.to_json())
    return folder


def read_words(where: Path | None) -> dict | None:
    """The word timings in ``where`` (a ``words.json``, or the episode folder holding
    one), or None when there are none, or they cannot be read."""
    if where is None:
        return None
    path = where / WORDS_FILE if where.is_dir() else where
    try:
        data = json.loads(path.read_text("utf-8"))
    except (OSError, ValueError, RecursionError):
        return None
    return data if isinstance(data, dict) and data.get("version") == WORDS_VERSION else None


def words_json(data: dict) -> str:
    return json.dumps(data, separators=(",", ":")) + "\n"
