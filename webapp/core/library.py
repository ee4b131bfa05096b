"""The episode library on disk: one folder per episode, the source of truth.

``<root>/<slug>/`` holds the audio (``audio.<ext>``), the original transcript
(``original.<ext>``), the generated ``transcript.vtt`` and ``episode.json``, all written
by :func:`write_episode`. Folders are built under a temp name and renamed into place, so
a failed ``add`` leaves nothing. Whoever must follow changes (the search index) passes
``on_change``: it is called after every add and remove, whoever makes them.
"""
from __future__ import annotations

import datetime
import json
import os
import re
import shutil
import tempfile
import unicodedata
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Callable, Union

from . import audio, settings
from .atomic import write_text
from .bounded_cache import BoundedCache
from .errors import InputError
from .model import Transcript
from .reading import read_transcript
from .writing import to_vtt

SLUG = re.compile(r"^[a-z0-9](?:[a-z0-9-]{0,78}[a-z0-9])?$")
EPISODE_FILE = "episode.json"
VTT_FILE = "transcript.vtt"
CACHED_TRANSCRIPTS = 64  # parsed transcripts kept in memory, the most recently read


def slugify(title: str) -> str:
    ascii_title = unicodedata.normalize("NFKD", title).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_title.lower()).strip("-")[:60].strip("-")
    return slug or "episode"


@dataclass
class Episode:
    slug: str
    title: str
    duration: float
    audio: str
    transcript: str
    speakers: list[str] = field(default_factory=list)
    notes: str = ""
    added: str = ""
    cues: int = 0

    @classmethod
    def from_json(cls, data: dict) -> "Episode":
        known = {k: data[k] for k in cls.__dataclass_fields__ if k in data}
        return cls(**known)

    def to_json(self) -> str:
        return json.dumps(asdict(self), ensure_ascii=False, indent=2) + "\n"


Source = Union[str, os.PathLike, bytes]


def write_episode(folder: str | os.PathLike, episode: Episode, transcript: Transcript,
                  audio_file: Source, original: Source) -> Path:
    """Write an episode's four files into ``folder`` (made if need be): the audio and the
    original transcript (each a path to copy, or the bytes themselves), the VTT made from
    ``transcript``, and ``episode.json``. The one place that knows the folder's layout."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    for name, source in ((episode.audio, audio_file), (episode.transcript, original)):
        if isinstance(source, bytes):
            (folder / name).write_bytes(source)
        else:
            shutil.copyfile(source, folder / name)
    write_text(folder / VTT_FILE, to_vtt(transcript))
    write_text(folder / EPISODE_FILE, episode.to_json())
    return folder


OnChange = Callable[[str, bool], None]  # (slug, present): True after add, False after remove


class Library:
    def __init__(self, root: str | os.PathLike | None = None, on_change: OnChange | None = None):
        self.root = Path(root) if root else settings.media_dir()
        self.on_change = on_change
        self._cache = BoundedCache(CACHED_TRANSCRIPTS)  # slug → (VTT mtime, Transcript)

    # ---- reading -------------------------------------------------------------------
    def folder(self, slug: str) -> Path | None:
        """The episode's folder, or None for a slug that is not a safe, existing name."""
        if not isinstance(slug, str) or not SLUG.match(slug):
            return None
        path = self.root / slug
        return path if (path / EPISODE_FILE).is_file() else None

    def get(self, slug: str) -> Episode | None:
        path = self.folder(slug)
        if path is None:
            return None
        try:
            return Episode.from_json(json.loads((path / EPISODE_FILE).read_text("utf-8")))
        except (OSError, ValueError, TypeError):
            return None

    def episodes(self) -> list[Episode]:
        found = []
        if self.root.is_dir():
            for child in sorted(self.root.iterdir()):
                episode = self.get(child.name)
                if episode:
                    found.append(episode)
        found.sort(key=lambda e: (e.added, e.title), reverse=True)
        return found

    def transcript(self, slug: str) -> Transcript | None:
        """The episode's cues, read from its ``transcript.vtt`` (cached until it changes)."""
        path = self.folder(slug)
        if path is None:
            return None
        vtt = path / VTT_FILE
        try:
            mtime = vtt.stat().st_mtime_ns
        except OSError:
            return None
        hit = self._cache.get(slug)
        if hit and hit[0] == mtime:
            return hit[1]
        transcript = read_transcript(vtt, "vtt")
        episode = self.get(slug)
        transcript.notes = episode.notes if episode else ""
        self._cache.put(slug, (mtime, transcript))
        return transcript

    def file(self, slug: str, name: str) -> Path | None:
        """A file inside the episode's folder; never a path outside it."""
        path = self.folder(slug)
        if path is None or not name or "/" in name or "\\" in name or name.startswith("."):
            return None
        target = (path / name).resolve()
        if target.parent != path.resolve() or not target.is_file():
            return None
        return target

    # ---- writing -------------------------------------------------------------------
    def add(self, transcript_path: str, audio_path: str, title: str | None = None,
            slug: str | None = None, fmt: str | None = None) -> tuple[Episode, list]:
        """Check both files, convert, and create the episode folder atomically.

        Returns the episode and the conversion warnings.
        """
        length = audio.duration(audio_path)
        transcript = read_transcript(transcript_path, fmt, length)
        title = (title or "").strip() or _title_from(transcript_path)
        slug = slug or slugify(title)
        if not SLUG.match(slug):
            raise InputError(f"slug {slug!r} must be lower-case letters, digits and dashes; "
                             f"choose another with --slug")
        self.root.mkdir(parents=True, exist_ok=True)
        final = self.root / slug
        if final.exists():
            raise InputError(f"an episode called {slug!r} exists already; choose another "
                             f"--slug, or 'listenalong remove {slug}' first")
        audio_ext = os.path.splitext(audio_path)[1].lower()
        original_ext = os.path.splitext(transcript_path)[1].lower() or ".txt"
        episode = Episode(
            slug=slug, title=title, duration=length, audio=f"audio{audio_ext}",
            transcript=f"original{original_ext}", speakers=transcript.speakers,
            notes=transcript.notes, cues=len(transcript.cues),
            added=datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
        )
        building = Path(tempfile.mkdtemp(prefix=f".adding-{slug}-", dir=self.root))
        try:
            write_episode(building, episode, transcript, audio_path, transcript_path)
            os.chmod(building, 0o755)
            os.rename(building, final)
        except BaseException:
            shutil.rmtree(building, ignore_errors=True)
            raise
        self._changed(slug, True)
        return episode, transcript.warnings

    def remove(self, slug: str) -> Episode:
        episode = self.get(slug)
        if episode is None:
            raise InputError(f"no episode called {slug!r}; 'listenalong list' shows them")
        doomed = Path(tempfile.mkdtemp(prefix=f".removing-{slug}-", dir=self.root))
        os.rename(self.root / slug, doomed / slug)
        shutil.rmtree(doomed, ignore_errors=True)
        self._cache.pop(slug)
        self._changed(slug, False)
        return episode

    def _changed(self, slug: str, present: bool) -> None:
        if self.on_change is not None:
            self.on_change(slug, present)


def _title_from(path: str) -> str:
    stem = Path(path).stem
    return re.sub(r"[_-]+", " ", stem).strip().capitalize() or "Untitled episode"
