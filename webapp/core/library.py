"""The episode library on disk: one folder per episode, the source of truth.

``<root>/<slug>/`` holds the audio (``audio.<ext>``), the original transcript
(``original.<ext>``), the generated ``transcript.vtt`` and ``episode.json``, all written
by :func:`write_episode`. Folders are built under a temp name and renamed into place, so
a failed ``add`` leaves nothing. Whoever must follow changes (the search index) passes
``on_change``: it is called after every add and remove, whoever makes them.
"""
from __future__ import annotations

import datetime
import errno
import json
import logging
import os
import re
import shutil
import tempfile
import unicodedata
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Callable, Union

from . import audio, settings
from .timecode import MAX_SECONDS
from .atomic import write_text
from .bounded_cache import BoundedCache
from .chapters import CHAPTERS_FILE, Chapter, find_chapters, read_chapters_file, settle, \
    to_chapters_json
from .errors import InputError
from .model import Transcript
from .reading import read_transcript
from .writing import to_vtt

log = logging.getLogger(__name__)

SLUG = re.compile(r"^[a-z0-9](?:[a-z0-9-]{0,78}[a-z0-9])?$")
EPISODE_FILE = "episode.json"
VTT_FILE = "transcript.vtt"
CACHED_TRANSCRIPTS = 64  # parsed transcripts kept in memory, the most recently read
CACHED_EPISODES = 50_000  # parsed episode.json files kept for listing the library
ADDING, REMOVING = ".adding-", ".removing-"  # + slug-pid-random: folders being built or removed
_TEMP_FOLDER = re.compile(r"^\.(?:adding|removing)-.*-(?P<pid>\d+)-[^-]+$")


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
    guid: str = ""        # an imported episode's item guid (feeds.py), its identity there
    feed: str = ""        # the feed it was imported from
    published: str = ""   # the item's date, ISO 8601
    people: list[dict] = field(default_factory=list)      # podcast:person {name, role, group, href, img}
    soundbites: list[dict] = field(default_factory=list)  # podcast:soundbite {start, duration, title}

    @classmethod
    def from_json(cls, data) -> "Episode":
        """The episode described by ``data`` (episode.json), checked field by field.
        Raises :class:`BrokenEpisode` saying which field is wrong."""
        if not isinstance(data, dict):
            raise BrokenEpisode("episode.json is not a JSON object")
        known = {k: data[k] for k in cls.__dataclass_fields__ if k in data}
        for name in ("slug", "title", "duration", "audio", "transcript"):
            if name not in known:
                raise BrokenEpisode(f"episode.json has no {name!r}")
        for name, check, wanted in _FIELD_CHECKS:
            if name in known and not check(known[name]):
                raise BrokenEpisode(f"episode.json's {name!r} is {_shown(known[name])}, "
                                    f"not {wanted}")
        return cls(**known)

    def to_json(self) -> str:
        return json.dumps(asdict(self), ensure_ascii=False, indent=2) + "\n"


class BrokenEpisode(ValueError):
    """An episode folder whose files cannot be used; the message says what is wrong."""


def _is_seconds(value) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool) and \
        0 < value <= MAX_SECONDS


def _is_name(value) -> bool:
    return isinstance(value, str) and bool(value) and "/" not in value and "\\" not in value \
        and not value.startswith(".")


_FIELD_CHECKS = (
    ("slug", lambda v: isinstance(v, str) and bool(SLUG.match(v)), "a slug"),
    ("title", lambda v: isinstance(v, str), "a string"),
    ("duration", _is_seconds, "a number of seconds"),
    ("audio", _is_name, "a file name"),
    ("transcript", _is_name, "a file name"),
    ("speakers", lambda v: isinstance(v, list) and all(isinstance(x, str) for x in v),
     "a list of names"),
    ("notes", lambda v: isinstance(v, str), "a string"),
    ("added", lambda v: isinstance(v, str), "a date string"),
    ("cues", lambda v: isinstance(v, int) and not isinstance(v, bool) and v >= 0, "a count"),
    ("guid", lambda v: isinstance(v, str), "a string"),
    ("feed", lambda v: isinstance(v, str), "a URL string"),
    ("published", lambda v: isinstance(v, str), "a date string"),
    ("people", lambda v: isinstance(v, list) and all(_is_person(x) for x in v), "a list of people"),
    ("soundbites", lambda v: isinstance(v, list) and all(_is_soundbite(x) for x in v),
     "a list of soundbites"),
)


def _is_person(value) -> bool:
    return isinstance(value, dict) and isinstance(value.get("name"), str) and \
        all(isinstance(value.get(k, ""), str) for k in ("role", "group", "href", "img"))


def _is_soundbite(value) -> bool:
    return isinstance(value, dict) and _is_seconds(value.get("duration")) and \
        isinstance(value.get("start"), (int, float)) and not isinstance(value.get("start"), bool) \
        and 0 <= value["start"] <= MAX_SECONDS and isinstance(value.get("title", ""), str)


def _shown(value) -> str:
    text = json.dumps(value, ensure_ascii=False)
    return text if len(text) <= 40 else text[:39] + "…"


Source = Union[str, os.PathLike, bytes]


def write_episode(folder: str | os.PathLike, episode: Episode, transcript: Transcript,
                  audio_file: Source, original: Source, chapters: list[Chapter] = (),
                  move_audio: bool = False) -> Path:
    """Write an episode's files into ``folder`` (made if need be): the audio and the
    original transcript (each a path to copy, or the bytes themselves), the VTT made from
    ``transcript``, ``chapters.json`` when it has chapters, and ``episode.json``. The one
    place that knows the folder's layout. ``move_audio`` moves the audio file in (a
    download of ours, on the same file system) instead of copying it."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    if move_audio and not isinstance(audio_file, bytes):
        os.replace(audio_file, folder / episode.audio)
        os.chmod(folder / episode.audio, 0o644)
    for name, source in ((episode.audio, audio_file), (episode.transcript, original)):
        if name == episode.audio and move_audio:
            continue
        if isinstance(source, bytes):
            (folder / name).write_bytes(source)
        else:
            shutil.copyfile(source, folder / name)
    write_text(folder / VTT_FILE, to_vtt(transcript))
    if chapters:
        write_text(folder / CHAPTERS_FILE, to_chapters_json(chapters))
    write_text(folder / EPISODE_FILE, episode.to_json())
    return folder


OnChange = Callable[[str, bool], None]  # (slug, present): True after add, False after remove


class Library:
    def __init__(self, root: str | os.PathLike | None = None, on_change: OnChange | None = None):
        self.root = Path(root) if root else settings.media_dir()
        self.on_change = on_change
        self._cache = BoundedCache(CACHED_TRANSCRIPTS)  # slug → ((VTT, episode.json mtimes), Transcript)
        self._listed = BoundedCache(CACHED_EPISODES)    # slug → (episode.json identity, Episode)

    # ---- reading -------------------------------------------------------------------
    def folder(self, slug: str) -> Path | None:
        """The episode's folder, or None for a slug that is not a safe, existing name."""
        if not isinstance(slug, str) or not SLUG.match(slug):
            return None
        path = self.root / slug
        return path if (path / EPISODE_FILE).is_file() else None

    def get(self, slug: str) -> Episode | None:
        """The episode, or None when there is none (or its episode.json is unusable)."""
        try:
            return self.load(slug)
        except BrokenEpisode:
            return None

    def load(self, slug: str) -> Episode | None:
        """The episode, None when there is none, :class:`BrokenEpisode` when its
        episode.json cannot be used."""
        if self.folder(slug) is None:
            return None
        path = self.file(slug, EPISODE_FILE)
        if path is None:
            raise BrokenEpisode("episode.json is not a file inside the episode's folder")
        try:
            data = json.loads(path.read_text("utf-8"))
        except (OSError, UnicodeDecodeError, ValueError, RecursionError) as error:
            raise BrokenEpisode(f"episode.json cannot be read ({error})") from None
        episode = Episode.from_json(data)
        if episode.slug != slug:
            raise BrokenEpisode(f"episode.json names another episode ({episode.slug!r})")
        return episode

    def scan(self) -> tuple[list[Episode], list[tuple[str, str]]]:
        """Every episode, newest first, and the folders that are broken: ``(slug, why)``."""
        found, broken = [], []
        try:
            names = sorted(os.listdir(self.root))
        except OSError:
            names = []
        for name in names:
            try:
                episode = self._load_listed(name)
            except BrokenEpisode as error:
                broken.append((name, str(error)))
                continue
            if episode:
                found.append(episode)
        found.sort(key=lambda e: (e.published or e.added, e.title), reverse=True)
        return found, broken

    def _load_listed(self, slug: str) -> Episode | None:
        """:meth:`load`, kept while episode.json stays the same file (every write of it is a
        new file renamed into place): listing 10,000 episodes then costs a stat each, not
        10,000 JSON files read. The episodes it gives are shared: read them, never change
        them."""
        if not SLUG.match(slug):
            return None
        try:
            found = os.stat(os.path.join(self.root, slug, EPISODE_FILE))
        except OSError:
            return None
        key = (found.st_dev, found.st_ino, found.st_mtime_ns, found.st_size)
        hit = self._listed.get(slug)
        if hit is not None and hit[0] == key:
            return hit[1]
        episode = self.load(slug)
        if episode is not None:
            self._listed.put(slug, (key, episode))
        return episode

    def episodes(self) -> list[Episode]:
        return self.scan()[0]

    def transcript(self, slug: str) -> Transcript | None:
        """The episode's cues, read from its ``transcript.vtt`` (cached until it changes).

        A damaged VTT is made again from the original transcript when that still reads
        (and written back when the folder is writable); otherwise :class:`BrokenEpisode`."""
        path = self.folder(slug)
        if path is None:
            return None
        vtt = self.file(slug, VTT_FILE)   # None when missing or leading out of the folder
        key = (_mtime(vtt), _mtime(path / EPISODE_FILE))  # either changing re-reads it
        hit = self._cache.get(slug)
        if hit and key[0] is not None and hit[0] == key:
            return hit[1]
        episode = self.load(slug)
        if episode is None:
            return None
        try:
            if vtt is None:
                raise InputError("transcript.vtt is missing, or is not a file inside the folder")
            transcript = read_transcript(vtt, "vtt")
        except InputError as error:
            transcript = self._rebuild_vtt(episode, path, error)
        transcript.notes = episode.notes
        if key[0] is not None:
            self._cache.put(slug, (key, transcript))
        return transcript

    def _rebuild_vtt(self, episode: Episode, path: Path, damage: InputError) -> Transcript:
        original = self.file(episode.slug, episode.transcript)
        try:
            if original is None:
                raise InputError("the original transcript is missing")
            transcript = read_transcript(original, None, episode.duration)
        except InputError as error:
            raise BrokenEpisode(f"its transcript cannot be read ({_short(damage)}), and "
                                f"the original cannot be converted again ({_short(error)})") from None
        log.warning("%s: transcript.vtt was damaged (%s); made it again from %s",
                    episode.slug, _short(damage), episode.transcript)
        try:
            if (path / VTT_FILE).is_symlink():
                (path / VTT_FILE).unlink()   # never write through a link out of the folder
            write_text(path / VTT_FILE, to_vtt(transcript))
        except OSError as error:  # a read-only library: serve it, keep the damaged file
            log.warning("%s: could not write the repaired transcript.vtt (%s)",
                        episode.slug, error.strerror)
        return transcript

    def file(self, slug: str, name: str) -> Path | None:
        """A file inside the episode's folder; never a path outside it. The one rule for
        every file of an episode, whoever reads it: the name is a plain file name, and the
        path, links resolved, is a regular file in the (resolved) episode folder."""
        path = self.folder(slug)
        if path is None or not name or "/" in name or "\\" in name or name.startswith("."):
            return None
        if not os.path.isfile(path / name):   # (links followed) the common answer, first
            return None
        target = (path / name).resolve()
        return target if target.parent == path.resolve() else None

    # ---- writing -------------------------------------------------------------------
    def add(self, transcript_path: str, audio_path: str, title: str | None = None,
            slug: str | None = None, fmt: str | None = None,
            chapters_file: str | None = None) -> tuple[Episode, list]:
        """Check both files, convert, and create the episode folder atomically; its
        chapters come from ``chapters_file``, else the audio's ID3 frames, else the notes.

        Returns the episode and the conversion warnings.
        """
        length = audio.duration(audio_path)
        transcript = read_transcript(transcript_path, fmt, length)
        chapters = find_chapters(chapters_file, audio_path, transcript.notes)
        original_ext = os.path.splitext(transcript_path)[1].lower() or ".txt"
        return self.add_parsed(transcript, audio_path, transcript_path, original_ext,
                               (title or "").strip() or _title_from(transcript_path),
                               slug, chapters, duration=length)

    def add_parsed(self, transcript: Transcript, audio_path: str, original: Source,
                   original_ext: str, title: str, slug: str | None = None,
                   chapters: list[Chapter] = (), duration: float | None = None,
                   move_audio: bool = False, **about) -> tuple[Episode, list]:
        """Add an episode whose transcript is read already (``original`` is its source, a
        path or the bytes); ``about`` sets Episode fields (guid, feed, published, notes)."""
        length = duration or audio.duration(audio_path)
        slug = slug or slugify(title)
        if not SLUG.match(slug):
            raise InputError(f"slug {slug!r} must be lower-case letters, digits and dashes; "
                             f"choose another with --slug")
        chapters, warnings = settle(list(chapters), length)
        episode = Episode(
            slug=slug, title=title, duration=length,
            audio=f"audio{os.path.splitext(audio_path)[1].lower()}",
            transcript=f"original{original_ext}", speakers=transcript.speakers,
            notes=transcript.notes, cues=len(transcript.cues),
            added=datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
        )
        for name, value in about.items():
            if name not in Episode.__dataclass_fields__:
                raise TypeError(f"Episode has no field {name!r}")
            setattr(episode, name, value)
        self._place(episode, transcript, audio_path, original, chapters, move_audio)
        self._changed(slug, True)
        return episode, transcript.warnings + warnings

    def chapters(self, slug: str) -> list[Chapter]:
        """The episode's chapters (none when it has no chapters.json, or it is damaged)."""
        path = self.file(slug, CHAPTERS_FILE)
        if path is None:
            return []
        try:
            return read_chapters_file(path)
        except InputError as error:
            log.warning("%s: chapters.json cannot be used (%s)", slug, _short(error))
            return []

    def _place(self, episode: Episode, transcript: Transcript, audio_path: str,
               original: Source, chapters: list[Chapter], move_audio: bool = False) -> None:
        """Build the episode's folder under a temp name, then rename it into place."""
        final = self.root / episode.slug
        try:
            self.root.mkdir(parents=True, exist_ok=True)
            self.sweep()
            if final.exists():
                raise InputError(_exists(episode.slug))
            building = Path(tempfile.mkdtemp(prefix=f"{ADDING}{episode.slug}-{os.getpid()}-",
                                             dir=self.root))
        except OSError as error:
            raise InputError(_cannot_write(error), path=str(self.root)) from None
        try:
            write_episode(building, episode, transcript, audio_path, original, chapters,
                          move_audio)
            os.chmod(building, 0o755)
            os.rename(building, final)
        except BaseException as error:
            shutil.rmtree(building, ignore_errors=True)
            if isinstance(error, OSError):
                lost_race = final.exists() and error.errno in (errno.EEXIST, errno.ENOTEMPTY)
                message = _exists(episode.slug) if lost_race else _cannot_write(error)
                raise InputError(message, path=str(self.root)) from None
            raise

    def sweep(self) -> None:
        """Remove what a killed ``add`` or ``remove`` left: temp folders whose process is
        gone. Best effort (a read-only library keeps them)."""
        try:
            entries = list(os.scandir(self.root))
        except OSError:
            return
        for entry in entries:
            match = _TEMP_FOLDER.match(entry.name)
            if match and not _alive(int(match.group("pid"))):
                shutil.rmtree(entry.path, ignore_errors=True)

    def remove(self, slug: str) -> Episode:
        episode = self.get(slug)
        if episode is None:
            raise InputError(f"no episode called {slug!r}; 'listenalong list' shows them")
        try:
            doomed = Path(tempfile.mkdtemp(prefix=f"{REMOVING}{slug}-{os.getpid()}-", dir=self.root))
            os.rename(self.root / slug, doomed / slug)
        except OSError as error:
            raise InputError(_cannot_write(error), path=str(self.root)) from None
        shutil.rmtree(doomed, ignore_errors=True)
        self._cache.pop(slug)
        self._listed.pop(slug)
        self._changed(slug, False)
        return episode

    def changed(self, slug: str) -> None:
        """Tell whoever follows the library that episode ``slug``'s files changed."""
        self._changed(slug, True)

    def _changed(self, slug: str, present: bool) -> None:
        if self.on_change is not None:
            self.on_change(slug, present)


def _mtime(path: Path | None) -> int | None:
    try:
        return path.stat().st_mtime_ns if path else None
    except OSError:
        return None


def _short(error: Exception) -> str:
    """An error's message without the file path it starts with."""
    text = str(error)
    return text.split(": ", 1)[1] if text.startswith("/") and ": " in text else text


def _exists(slug: str) -> str:
    return (f"an episode called {slug!r} exists already; choose another --slug, or "
            f"'listenalong remove {slug}' first")


def _cannot_write(error: OSError) -> str:
    return (f"cannot write in the library folder ({error.strerror or error}); check that it "
            f"is writable and has free space")


def _alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:   # it exists, but is not ours to signal
        return True
    return True


def _title_from(path: str) -> str:
    stem = Path(path).stem
    return re.sub(r"[_-]+", " ", stem).strip().capitalize() or "Untitled episode"
