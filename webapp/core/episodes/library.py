"""The episode library on disk: one folder per episode, the source of truth, and this
class the one owner of those folders.

Everything that reads or writes an episode's files goes through :class:`Library`:

* reading — :meth:`Library.open` gives the episode record, its transcript, chapters and
  word timings, all read at one :meth:`Library.version`, and keeps them until that
  version changes; :meth:`Library.scan` lists the library;
* writing — :meth:`Library.add` / :meth:`Library.add_parsed` build a folder under a temp
  name and rename it into place (a failed add leaves nothing), :meth:`Library.remove`,
  :meth:`Library.save_alignment` (word timings and the re-timed cues); the feed importer
  asks for a :meth:`Library.download_folder` and a :meth:`Library.free_slug`.

Every write tells ``on_change`` (the search index, wired by
:func:`webapp.core.opening.open_library`), whoever makes it. File names and the folder's
layout are in :mod:`.files`; the record in :mod:`.record`.
"""
from __future__ import annotations

import contextlib
import datetime
import errno
import json
import logging
import os
import re
import shutil
import tempfile
import time
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Callable, Iterator

from .. import audio, languages, settings
from ..alignment.lookup import WordIndex
from ..atomic import TEMP_PREFIX, write_text, write_texts
from ..bounded_cache import BoundedCache
from ..chapters import Chapter, find_chapters, read_chapters_file, settle
from ..errors import InputError
from ..model import Cue, Transcript
from ..reading import read_transcript
from ..writing import to_vtt
from .files import (CHAPTERS_FILE, EPISODE_FILE, VTT_FILE, WORDS_FILE, OtherTranscript,
                    Source, audio_name, original_name, read_words, version_of, words_json,
                    write_episode)
from .record import SLUG, BrokenEpisode, Episode, slugify

log = logging.getLogger(__name__)

CACHED_TRANSCRIPTS = 64  # opened episodes kept in memory, the most recently read
CACHED_EPISODES = 50_000  # parsed episode.json files kept for listing the library
ADDING, REMOVING = ".adding-", ".removing-"  # + slug-pid-random: folders being built or removed
_TEMP_FOLDER = re.compile(r"^\.(?:adding|removing)-.*-(?P<pid>\d+)-[^-]+$")
FEEDS_FOLDER = ".feeds"   # what the feed importer remembers of each feed
STALE_SECONDS = 3600      # a temp file in an episode folder this old was left by a killed write
_RETRIES = 3              # reads of an episode that a write overtook, before serving the last


@dataclass(frozen=True)
class OpenEpisode:
    """An episode as read at one version: nothing in it is older or newer than the rest."""

    episode: Episode
    transcript: Transcript
    chapters: list[Chapter]
    version: str
    words_data: dict | None = None   # words.json as read (None: not aligned)
    words: WordIndex | None = None   # None only inside the library: not read yet
    other_language: str = ""   # the transcript is this one of its other_transcripts

    @property
    def has_words(self) -> bool:
        return self.words_data is not None

    @property
    def gaps(self) -> list[tuple[float, float]]:
        """Stretches of the audio the transcript does not hold (an inserted ad, music),
        ``(start, end)`` in seconds, as the alignment found them."""
        found = (self.words_data or {}).get("gaps")
        out: list[tuple[float, float]] = []
        for gap in found if isinstance(found, list) else []:
            if isinstance(gap, list) and len(gap) == 2 and all(
                    isinstance(x, int) and not isinstance(x, bool) for x in gap) \
                    and 0 <= gap[0] < gap[1] and (not out or gap[0] >= out[-1][1] * 1000):
                out.append((gap[0] / 1000, gap[1] / 1000))
        return out


OnChange = Callable[[str, bool], None]  # (slug, present): True after add, False after remove


class Library:
    def __init__(self, root: str | os.PathLike | None = None, on_change: OnChange | None = None):
        self.root = Path(root) if root else settings.media_dir()
        self.on_change = on_change
        self._cache = BoundedCache(CACHED_TRANSCRIPTS)  # slug → OpenEpisode
        self._listed = BoundedCache(CACHED_EPISODES)    # slug → (episode.json's version, Episode)
        self._others = BoundedCache(CACHED_TRANSCRIPTS)  # (slug, language) → OpenEpisode

    # ---- reading -------------------------------------------------------------------
    def folder(self, slug: str) -> Path | None:
        """The episode's folder, or None for a slug that is not a safe, existing name, or a
        folder that is a symbolic link (it could lead anywhere on the machine)."""
        if not isinstance(slug, str) or not SLUG.match(slug):
            return None
        path = self.root / slug
        return path if (path / EPISODE_FILE).is_file() and not path.is_symlink() else None

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
        key = version_of(os.path.join(self.root, slug), (EPISODE_FILE,))
        if key is None:
            return None
        hit = self._listed.get(slug)
        if hit is not None and hit[0] == key:
            return hit[1]
        episode = self.load(slug)
        if episode is not None:
            self._listed.put(slug, (key, episode))
        return episode

    def episodes(self) -> list[Episode]:
        return self.scan()[0]

    def version(self, slug: str) -> str | None:
        """The episode's version: it changes with every write of any of its files (see
        :func:`.files.version_of`); None when there is no such episode. Every cache of
        anything read from an episode is kept while its version stays the same."""
        if not isinstance(slug, str) or not SLUG.match(slug):
            return None
        return version_of(self.root / slug)

    def open(self, slug: str, words: bool = True) -> OpenEpisode | None:
        """The episode with its transcript, chapters and (``words``) word timings, all at
        one version; kept until that version changes. None when there is no such episode;
        :class:`BrokenEpisode` when its episode.json, or its transcript and the original
        both, cannot be used. A damaged ``transcript.vtt`` is made again from the original
        transcript (and written back when the folder is writable)."""
        opened = None
        for _ in range(_RETRIES):
            version = self.version(slug)
            if version is None:
                return None
            opened = self._cache.get(slug)
            if opened is not None and opened.version == version:
                if opened.words is not None or not words:
                    return opened       # the common case: nothing to read
            else:
                opened = self._read(slug, version)
                if opened is None:
                    return None
            if words and opened.words is None:
                data = read_words(self.file(slug, WORDS_FILE))
                opened = replace(opened, words_data=data,
                                 words=WordIndex(data, [c.text for c in opened.transcript.cues]))
            if self.version(slug) == version:    # no write overtook the reading
                self._cache.put(slug, opened)
                return opened
        return opened

    def _read(self, slug: str, version: str) -> OpenEpisode | None:
        episode = self.load(slug)
        path = self.folder(slug)
        if episode is None or path is None:
            return None
        vtt = self.file(slug, VTT_FILE)   # None when missing or leading out of the folder
        try:
            if vtt is None:
                raise InputError("transcript.vtt is missing, or is not a file inside the folder")
            transcript = read_transcript(vtt, "vtt")
        except InputError as error:
            transcript = self._rebuild_vtt(episode, path, error)
        transcript.notes = episode.notes
        return OpenEpisode(episode, transcript, self._chapters(slug), version)

    def open_language(self, slug: str, language: str) -> OpenEpisode | None:
        """The episode with its transcript in ``language`` (one of its
        ``other_transcripts``; the tag compared without regard to case) in place of the
        main one, and no word timings (only the main transcript is aligned). None when the
        episode has no transcript in that language."""
        opened = self.open(slug, words=False)
        if opened is None:
            return None
        entry = _other_entry(opened.episode, language)
        if entry is None:
            return None
        key = (slug, entry["language"])
        hit = self._others.get(key)
        if hit is not None and hit.version == opened.version:
            return hit
        path = self.file(slug, entry["vtt"])
        try:
            if path is None:
                raise InputError(f"{entry['vtt']} is missing, or is not a file inside the folder")
            transcript = read_transcript(path, "vtt")
        except InputError as error:
            transcript = self._rebuild_vtt(opened.episode, self.folder(slug), error,
                                           entry["vtt"], entry["original"])
        found = OpenEpisode(opened.episode, transcript, opened.chapters, opened.version,
                            words=WordIndex(None, [c.text for c in transcript.cues]),
                            other_language=entry["language"])
        self._others.put(key, found)
        return found

    def transcript(self, slug: str) -> Transcript | None:
        """The episode's cues (see :meth:`open`)."""
        opened = self.open(slug, words=False)
        return opened.transcript if opened else None

    def chapters(self, slug: str) -> list[Chapter]:
        """The episode's chapters (none when it has no chapters.json, or it is damaged)."""
        try:
            opened = self.open(slug, words=False)
        except BrokenEpisode:
            return []
        return opened.chapters if opened else []

    def _chapters(self, slug: str) -> list[Chapter]:
        path = self.file(slug, CHAPTERS_FILE)
        if path is None:
            return []
        try:
            return read_chapters_file(path)
        except InputError as error:
            log.warning("%s: chapters.json cannot be used (%s)", slug, _short(error))
            return []

    def _rebuild_vtt(self, episode: Episode, path: Path, damage: InputError,
                     vtt_name: str = VTT_FILE, original_name: str | None = None) -> Transcript:
        """The transcript made again from its original (``original_name``, default the
        main one's) after ``vtt_name`` turned out damaged, and written back when it can."""
        original_name = original_name or episode.transcript
        original = self.file(episode.slug, original_name)
        try:
            if original is None:
                raise InputError("the original transcript is missing")
            transcript = read_transcript(original, None, episode.duration, untimed=_plain(original))
        except InputError as error:
            raise BrokenEpisode(f"its transcript cannot be read ({_short(damage)}), and "
                                f"the original cannot be converted again ({_short(error)})") from None
        log.warning("%s: %s was damaged (%s); made it again from %s",
                    episode.slug, vtt_name, _short(damage), original_name)
        try:
            if (path / vtt_name).is_symlink():
                (path / vtt_name).unlink()   # never write through a link out of the folder
            write_text(path / vtt_name, to_vtt(transcript))
        except OSError as error:  # a read-only library: serve it, keep the damaged file
            log.warning("%s: could not write the repaired %s (%s)",
                        episode.slug, vtt_name, error.strerror)
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

    def vtt_file(self, slug: str, language: str = "") -> Path | None:
        """The episode's transcript.vtt, or with ``language`` that of its transcript in
        that language (one of its ``other_transcripts``)."""
        if not language:
            return self.file(slug, VTT_FILE)
        entry = _other_entry(self.get(slug), language)
        return self.file(slug, entry["vtt"]) if entry else None

    def words_file(self, slug: str) -> Path | None:
        """The episode's words.json, once aligned (None before)."""
        return self.file(slug, WORDS_FILE)

    def chapters_file(self, slug: str) -> Path | None:
        return self.file(slug, CHAPTERS_FILE)

    @property
    def feeds_folder(self) -> Path:
        """Where the feed importer keeps what it knows of each feed (not an episode)."""
        return self.root / FEEDS_FOLDER

    # ---- writing -------------------------------------------------------------------
    def add(self, transcript_path: str, audio_path: str, title: str | None = None,
            slug: str | None = None, fmt: str | None = None,
            chapters_file: str | None = None, language: str | None = None,
            others: list[tuple[str, str | None]] = ()) -> tuple[Episode, list]:
        """Check every file, convert, and create the episode folder atomically; its
        chapters come from ``chapters_file``, else the audio's ID3 frames, else the notes;
        its ``language`` (a BCP 47 tag) from the caller, else from the text's script.
        ``others``: ``(path, language)`` of the same episode's transcripts in other
        languages (each language told from the script when not given).

        Returns the episode and the conversion warnings.
        """
        length = audio.duration(audio_path)
        transcript = read_transcript(transcript_path, fmt, length, untimed=_plain(transcript_path))
        chapters = find_chapters(chapters_file, audio_path, transcript.notes)
        original_ext = os.path.splitext(transcript_path)[1].lower() or ".txt"
        tag = _tag(language, transcript_path)
        more = []
        for path, code in others:
            other = read_transcript(path, None, length, untimed=_plain(path))
            more.append(OtherTranscript(
                _tag(code, path) or languages.detect(c.text for c in other.cues), other, path,
                os.path.splitext(path)[1].lower() or ".txt"))
            if not more[-1].language:
                raise InputError("its language cannot be told from its text; give it with "
                                 "--language CODE after --transcript", path=path)
            more[-1].transcript.warnings = [f"{os.path.basename(path)}: {w}"
                                            for w in other.warnings]
        return self.add_parsed(transcript, audio_path, transcript_path, original_ext,
                               (title or "").strip() or _title_from(transcript_path),
                               slug, chapters, duration=length, others=more,
                               **({"language": tag} if tag else {}))

    def add_parsed(self, transcript: Transcript, audio_path: str, original: Source,
                   original_ext: str, title: str, slug: str | None = None,
                   chapters: list[Chapter] = (), duration: float | None = None,
                   move_audio: bool = False, others: list[OtherTranscript] = (),
                   **about) -> tuple[Episode, list]:
        """Add an episode whose transcript is read already (``original`` is its source, a
        path or the bytes); ``about`` sets Episode fields (guid, feed, published, notes);
        ``others``: its transcripts in other languages."""
        length = duration or audio.duration(audio_path)
        slug = slug or slugify(title)
        if not SLUG.match(slug):
            raise InputError(f"slug {slug!r} must be lower-case letters, digits and dashes; "
                             f"choose another with --slug")
        chapters, warnings = settle(list(chapters), length)
        episode = Episode(
            slug=slug, title=title, duration=length,
            audio=audio_name(audio_path),
            transcript=original_name(original_ext), speakers=transcript.speakers,
            notes=transcript.notes, cues=len(transcript.cues),
            added=datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
        )
        for name, value in about.items():
            if name not in Episode.__dataclass_fields__:
                raise TypeError(f"Episode has no field {name!r}")
            setattr(episode, name, value)
        if not episode.language:
            episode.language = languages.detect(cue.text for cue in transcript.cues)
        episode.other_transcripts = _listed_others(episode.language, others)
        self._place(episode, transcript, audio_path, original, chapters, move_audio, others)
        self._changed(slug, True)
        return episode, transcript.warnings + warnings + \
            [w for other in others for w in other.transcript.warnings]

    def _place(self, episode: Episode, transcript: Transcript, audio_path: str,
               original: Source, chapters: list[Chapter], move_audio: bool = False,
               others: list[OtherTranscript] = ()) -> None:
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
                          move_audio, others)
            os.chmod(building, 0o755)
            os.rename(building, final)
        except BaseException as error:
            shutil.rmtree(building, ignore_errors=True)
            if isinstance(error, OSError):
                if final.exists() and error.errno in (errno.EEXIST, errno.ENOTEMPTY):
                    raise InputError(_exists(episode.slug)) from None  # another add won
                raise InputError(_cannot_write(error), path=str(self.root)) from None
            raise

    def update(self, episode: Episode, transcript: Transcript | None = None,
               original: Source | None = None, original_ext: str = "",
               audio_path: str | None = None, chapters: list[Chapter] | None = None,
               others: list[OtherTranscript] | None = None) -> None:
        """Replace what changed of episode ``episode.slug`` (its record, and the transcript,
        audio, chapters or transcripts in other languages given; None keeps the current
        ones). The folder is built anew
        under a temp name, the kept audio hard-linked, and swapped in with two renames, so
        a reader sees the old episode or the new one. Word timings are kept only when
        neither transcript nor audio changed. ``audio_path`` is moved in (a download)."""
        slug = episode.slug
        current = self.get(slug)
        final = self.root / slug
        if current is None:
            raise InputError(f"no episode called {slug!r}; 'listenalong list' shows them")
        if transcript is None:
            transcript = self.transcript(slug)
            original, episode.transcript = final / current.transcript, current.transcript
        else:
            episode.transcript = original_name(original_ext)
        chapters = self.chapters(slug) if chapters is None else \
            settle(list(chapters), episode.duration)[0]
        episode.cues, episode.speakers = len(transcript.cues), transcript.speakers
        if others is None:
            others = self._current_others(slug, current)
        episode.other_transcripts = _listed_others(episode.language, others)
        try:
            building = Path(tempfile.mkdtemp(prefix=f"{ADDING}{slug}-{os.getpid()}-", dir=self.root))
            try:
                self._rebuild(building, current, episode, transcript, original, audio_path,
                              chapters, others)
                self._swap_in(building, slug)
            finally:
                shutil.rmtree(building, ignore_errors=True)
        except OSError as error:
            raise InputError(_cannot_write(error), path=str(self.root)) from None
        self._cache.pop(slug)
        self._listed.pop(slug)
        self._changed(slug, True)

    def _rebuild(self, building: Path, current: Episode, episode: Episode,
                 transcript: Transcript, original: Source, audio_path: str | None,
                 chapters: list[Chapter], others: list[OtherTranscript]) -> None:
        """Write ``episode``'s files into ``building``: the current audio hard-linked when
        no new one comes, the word timings copied when neither audio nor words changed."""
        final = self.root / episode.slug
        kept = audio_path is None
        if kept:
            audio_path = str(building / current.audio)
            episode.audio = current.audio
            _link_or_copy(final / current.audio, audio_path)
        else:
            episode.audio = audio_name(audio_path)
        write_episode(building, episode, transcript, audio_path, original, chapters,
                      move_audio=True, others=others)
        if kept and original == final / current.transcript and (final / WORDS_FILE).exists():
            shutil.copyfile(final / WORDS_FILE, building / WORDS_FILE)

    def _current_others(self, slug: str, current: Episode) -> list[OtherTranscript]:
        """The episode's transcripts in other languages as they are, to be written again
        (those that no longer read are left out, with a log line)."""
        kept = []
        for entry in current.other_transcripts:
            try:
                opened = self.open_language(slug, entry["language"])
            except BrokenEpisode:
                opened = None
            original = self.file(slug, entry["original"])
            if opened is None or original is None:
                log.warning("%s: its %s transcript is unreadable and was left out",
                            slug, entry["language"])
                continue
            kept.append(OtherTranscript(entry["language"], opened.transcript, original,
                                        os.path.splitext(entry["original"])[1], entry.get("url", "")))
        return kept

    def _swap_in(self, building: Path, slug: str) -> None:
        """Put the folder ``building`` in the place of episode ``slug``'s (two renames; the
        old one is put back if the second fails)."""
        final = self.root / slug
        os.chmod(building, 0o755)
        doomed = Path(tempfile.mkdtemp(prefix=f"{REMOVING}{slug}-{os.getpid()}-", dir=self.root))
        os.rename(final, doomed / slug)
        try:
            os.rename(building, final)
        except OSError:
            os.rename(doomed / slug, final)
            raise
        shutil.rmtree(doomed, ignore_errors=True)

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

    def save_alignment(self, slug: str, words: dict, cues: list[Cue]) -> None:
        """Store an alignment of episode ``slug``: its word timings (``words.json``) and
        its cues re-timed to start at their first word (``transcript.vtt``): both or neither."""
        folder = self.folder(slug)
        if folder is None:
            raise InputError(f"no episode called {slug!r}; 'listenalong list' shows them")
        _sweep_temp_files(folder)
        try:
            write_texts({folder / WORDS_FILE: words_json(words),
                         folder / VTT_FILE: to_vtt(Transcript(cues=cues))})
        except OSError as error:
            raise InputError(_cannot_write(error), path=str(folder)) from None
        self._cache.pop(slug)
        self._changed(slug, True)

    @contextlib.contextmanager
    def download_folder(self) -> Iterator[Path]:
        """A temp folder in the library for a download on its way into an episode (so that
        :meth:`add_parsed` can move it in); removed afterwards, and by :meth:`sweep` after
        a killed run."""
        try:
            self.root.mkdir(parents=True, exist_ok=True)
            folder = Path(tempfile.mkdtemp(prefix=f"{ADDING}download-{os.getpid()}-",
                                           dir=self.root))
        except OSError as error:
            raise InputError(_cannot_write(error), path=str(self.root)) from None
        try:
            yield folder
        finally:
            shutil.rmtree(folder, ignore_errors=True)

    def free_slug(self, title: str) -> str:
        """A slug made from ``title`` that no episode has yet (``title-2``, ``-3``…)."""
        base = slugify(title)[:56].strip("-") or "episode"
        slug, n = base, 1
        while (self.root / slug).exists():
            n += 1
            slug = f"{base}-{n}"
        return slug

    def _changed(self, slug: str, present: bool) -> None:
        if self.on_change is not None:
            self.on_change(slug, present)


def _other_entry(episode: Episode | None, language: str) -> dict | None:
    """The entry of ``episode``'s ``other_transcripts`` in ``language`` (tags compared
    without regard to case), or None."""
    wanted = (language or "").lower()
    return next((o for o in (episode.other_transcripts if episode else ())
                 if o["language"].lower() == wanted), None)


def _tag(code: str | None, path: str) -> str:
    """``code`` as a language tag ("" for none); a wrong one is an error naming ``path``."""
    try:
        return languages.normalize(code)
    except languages.LanguageError as error:
        raise InputError(str(error), path=path) from None


def _listed_others(language: str, others: list[OtherTranscript]) -> list[dict]:
    """The record's ``other_transcripts``; an error when two share a language, or one has
    the main transcript's."""
    seen = {language.lower()} if language else set()
    for other in others:
        if other.language.lower() in seen:
            raise InputError(f"two transcripts are in {other.language}; give each language "
                             f"once (--language CODE after each --transcript)")
        seen.add(other.language.lower())
    return [other.record() for other in others]


def _link_or_copy(source: Path, destination: str) -> None:
    try:
        os.link(source, destination)
    except OSError:
        shutil.copyfile(source, destination)


def _sweep_temp_files(folder: Path) -> None:
    """Remove temp files a killed write left in an episode folder (an hour old or more)."""
    now = time.time()
    for stale in folder.glob(TEMP_PREFIX + "*"):
        with contextlib.suppress(OSError):
            if now - stale.stat().st_mtime > STALE_SECONDS:
                stale.unlink()


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


def _plain(path) -> bool:
    """Whether a transcript with no timestamps may be plain paragraphs: a text file (a
    .vtt, .srt, .json or .html without them is broken, not plain)."""
    return os.path.splitext(os.fspath(path))[1].lower() in ("", ".txt", ".text", ".md")


def _title_from(path: str) -> str:
    stem = Path(path).stem
    return re.sub(r"[_-]+", " ", stem).strip().capitalize() or "Untitled episode"
