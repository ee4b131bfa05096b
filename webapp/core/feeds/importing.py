"""Import a podcast feed into the library: each new item with an audio enclosure and a
readable transcript becomes an episode, with its chapters, people and soundbites.

- Idempotent by item: an item whose key (guid, else enclosure URL, else link) is an
  episode's ``guid`` already is left alone; importing again only adds new items.
- The feed is fetched conditionally (ETag / Last-Modified kept in ``<library>/.feeds/``):
  a 304 costs one request and nothing else. ``refresh`` re-checks every feed kept there.
- The enclosure is downloaded once, streamed to a temp folder in the library and moved into
  the episode's folder: with dynamic ad insertion every fetch is different audio, so the
  copy we align and clip is the copy we serve.
- One item failing (a 404, a transcript that does not read, audio shorter than its
  transcript) is one line in the report; the others go on. Only a feed that cannot be
  read at all raises :class:`FeedUnreadable`.
"""
from __future__ import annotations

import contextlib
import datetime
import fcntl
import hashlib
import json
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from .. import audio
from ..atomic import write_text
from ..chapters import Chapter, chapters_from_id3, chapters_from_notes, read_chapters_text
from ..decoding import decode
from ..errors import InputError
from ..episodes import Library
from ..episodes.files import OtherTranscript
from ..reading import parse_text
from . import fetching
from .fetching import FetchError, Limits
from .bounded import FeedTooHeavy, in_child
from .podcast_tags import stable_url
from .reading import Feed, FeedError, Item, read_feed
from .transcripts import Chosen, by_language, choose

MAX_FEED_BYTES = 20 * 2**20
MAX_CHAPTERS_BYTES = 5 * 2**20
MAX_AUDIO_BYTES = 2 * 2**30
EXTENSION_OF_TYPE = {"audio/mpeg": ".mp3", "audio/mp3": ".mp3", "audio/mp4": ".m4a",
                     "audio/x-m4a": ".m4a", "audio/m4a": ".m4a", "audio/aac": ".aac",
                     "audio/ogg": ".ogg", "audio/opus": ".opus", "audio/flac": ".flac",
                     "audio/x-flac": ".flac", "audio/wav": ".wav", "audio/x-wav": ".wav",
                     "audio/wave": ".wav"}
SOURCE_EXTENSION = {"json": ".json", "vtt": ".vtt", "srt": ".srt", "html": ".html"}
RECHECK_NEWEST = 3   # known items whose transcript is fetched again at each import, newest first


class FeedUnreadable(Exception):
    """The feed itself could not be fetched or read (one line: where and why)."""


@dataclass
class Outcome:
    kind: str            # "added", "updated", "skipped" or "failed"
    title: str
    detail: str
    slug: str = ""
    realign: bool = False   # updated: its audio or transcript changed and it had word timings


@dataclass
class Report:
    source: str
    title: str = ""
    outcomes: list[Outcome] = field(default_factory=list)
    unchanged: bool = False     # a 304: nothing fetched but the answer
    present: int = 0            # items in the library already
    left_out: int = 0           # items past --limit or before --since
    warnings: list[str] = field(default_factory=list)

    def count(self, kind: str) -> int:
        return sum(1 for o in self.outcomes if o.kind == kind)


@dataclass
class Options:
    limit: int | None = None
    since: datetime.datetime | None = None
    max_audio_bytes: int = MAX_AUDIO_BYTES
    on_item: Callable[[Outcome], None] | None = None        # each item as it is done
    on_bytes: Callable[[int, int], None] | None = None      # the enclosure downloading
    allow_private: bool = False     # fetch from loopback and private addresses (a local feed)
    align: bool = False             # new episodes will be aligned (so re-align corrected ones)


class Http:
    """The fetching functions the importer uses (tests and benchmarks may count calls):
    public addresses only unless ``allow_private`` (see :mod:`.fetching`)."""

    def __init__(self, allow_private: bool = False):
        self.allow_private = allow_private

    def get(self, url: str, limits: Limits, **conditions) -> fetching.Response:
        limits.allow_private = self.allow_private
        return fetching.get(url, limits, **conditions)

    def download(self, url: str, destination, limits: Limits, progress=None) -> fetching.Response:
        limits.allow_private = self.allow_private
        return fetching.download(url, destination, limits, progress)


# ---- where feeds are remembered ---------------------------------------------------------------
def _state_path(library: Library, source: str) -> Path:
    digest = hashlib.sha256(source.encode("utf-8")).hexdigest()[:20]
    return library.feeds_folder / f"{digest}.json"


def _load_state(library: Library, source: str) -> dict:
    try:
        data = json.loads(_state_path(library, source).read_text("utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) and data.get("source") == source else {}


def _save_state(library: Library, source: str, state: dict) -> None:
    path = _state_path(library, source)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        write_text(path, json.dumps({"source": source, **state}, ensure_ascii=False, indent=1))
    except OSError:
        pass   # only conditional GETs are lost: the next import fetches the whole feed


def known_feeds(library: Library) -> list[str]:
    """The sources of every feed imported into this library, as given then."""
    sources = []
    folder = library.feeds_folder
    for path in sorted(folder.glob("*.json")) if folder.is_dir() else []:
        try:
            source = json.loads(path.read_text("utf-8")).get("source")
        except (OSError, ValueError, AttributeError):
            continue
        if isinstance(source, str):
            sources.append(source)
    return sources


# ---- the feed ---------------------------------------------------------------------------------
def is_url(source: str) -> bool:
    return source.split(":", 1)[0].lower() in ("http", "https")


def _feed_bytes(source: str, state: dict, http: Http) -> tuple[bytes | None, dict]:
    """The feed's bytes (None: not modified since the validators in ``state``) and the
    validators to keep."""
    if "://" in source and not is_url(source):
        raise FeedUnreadable(f"{source}: not an http(s) address; give the feed's http(s) URL "
                             f"or a file")
    if not is_url(source):
        from ..reading import read_bytes
        try:
            return read_bytes(source, MAX_FEED_BYTES), {}
        except InputError as error:
            raise FeedUnreadable(str(error)) from None
    try:
        response = http.get(source, Limits(max_bytes=MAX_FEED_BYTES, deadline=60),
                            etag=state.get("etag"), last_modified=state.get("last_modified"))
    except FetchError as error:
        raise FeedUnreadable(str(error)) from None
    validators = {k: response.headers[h] for k, h in (("etag", "etag"),
                                                      ("last_modified", "last-modified"))
                  if response.headers.get(h)}
    return (None if response.not_modified else response.body), validators or {
        k: state[k] for k in ("etag", "last_modified") if k in state}


def _chosen_items(feed: Feed, options: Options) -> tuple[list[Item], int]:
    """The items to consider, newest first: at most ``limit``, none before ``since``."""
    items = sorted(feed.items, key=lambda i: i.published.timestamp() if i.published else 0,
                   reverse=True) if all(i.published for i in feed.items) else list(feed.items)
    kept = [i for i in items if not (options.since and i.published and i.published < options.since)]
    if options.limit is not None:
        kept = kept[:options.limit]
    return kept, len(items) - len(kept)


@contextlib.contextmanager
def _one_import_at_a_time(library: Library, source: str):
    """Two imports of one feed at once (a cron ``refresh`` and a person) take turns, so an
    item is never added twice. Best effort: a library we cannot write has no lock."""
    path = _state_path(library, source).with_suffix(".lock")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        handle = open(path, "a")
    except OSError:
        yield
        return
    with handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        yield


def import_feed(library: Library, source: str, options: Options | None = None,
                http: Http | None = None) -> Report:
    """Import the new items of the feed at ``source`` (a URL, or a file)."""
    with _one_import_at_a_time(library, source):
        options = options or Options()
        return _import(library, source, options, http or Http(options.allow_private))


def parse_feed(data: bytes) -> Feed:
    """:func:`read_feed` in a child process with a CPU limit (see :mod:`.bounded`)."""
    return in_child(read_feed, data)


def _import(library: Library, source: str, options: Options, http: Http) -> Report:
    state = _load_state(library, source)
    if state.get("failed"):   # some items failed last time: fetch it all, to try them again
        state = {k: v for k, v in state.items() if k not in ("etag", "last_modified")}
    data, validators = _feed_bytes(source, state, http)
    report = Report(source, title=state.get("title", ""))
    if data is None:
        report.unchanged = True
        return report
    try:
        feed = parse_feed(data)
    except (FeedError, FeedTooHeavy) as error:
        raise FeedUnreadable(f"{source}: {error}") from None
    report.title, report.warnings = feed.title, list(feed.warnings)
    known = {e.guid: e for e in library.episodes() if e.guid and e.feed == source}
    items, report.left_out = _chosen_items(feed, options)
    rechecked = 0
    for item in items:
        episode = known.get(item.key)
        if episode is not None:
            recheck = rechecked < RECHECK_NEWEST
            rechecked += 1
            outcome = _update_item(library, item, episode, recheck, options, http, feed.language)
            if outcome is None:
                report.present += 1
                continue
        else:
            outcome = _import_item(library, source, item, options, http, feed.language)
            if outcome.kind == "added":
                known[item.key] = library.get(outcome.slug)
        report.outcomes.append(outcome)
        if options.on_item:
            options.on_item(outcome)
    _save_state(library, source, {"title": feed.title, **validators, "checked": _now(),
                                  "failed": report.count("failed")})
    return report


def _now() -> str:
    return datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds")


# ---- one item ---------------------------------------------------------------------------------
def _import_item(library: Library, source: str, item: Item, options: Options,
                 http: Http, feed_language: str = "") -> Outcome:
    title = item.title or "Untitled episode"
    if not item.audio_url:
        return Outcome("skipped", title, "no audio enclosure")
    if not item.tags.transcripts:
        return Outcome("skipped", title, "no transcript in the feed (podcast:transcript)")
    language, links, others = by_language(item.tags.transcripts, feed_language)
    chosen, tried = choose(links, http.get)
    if chosen is None:
        return Outcome("failed", title, "no transcript could be read: " + "; ".join(tried))
    try:
        return _add(library, source, item, title, chosen, options, http, language,
                    _others_chosen(others, http))
    except (FetchError, InputError) as error:
        return Outcome("failed", title, str(error))
    except OSError as error:    # the disk filled or went read-only while downloading
        return Outcome("failed", title, f"cannot write the library ({error.strerror or error}); "
                                        f"free some space and import again")


def enclosure_id(item: Item) -> str:
    """What identifies an item's audio: its URL without a rotating token, and the length
    the feed declares (dynamic ad insertion changes one or the other)."""
    return f"{stable_url(item.audio_url)} {item.audio_length or ''}".strip()


def _others_chosen(others: dict, http: Http) -> tuple[dict[str, Chosen], list[str]]:
    """The best transcript of each other language (``{tag: Chosen}``), and a line for each
    language none of whose links read."""
    found, failed = {}, []
    for tag, links in others.items():
        chosen, tried = choose(links, http.get)
        if chosen is None:
            failed.append(f"its {tag} transcript could not be read: " + "; ".join(tried))
        else:
            found[tag] = chosen
    return found, failed


def _others_read(others: dict[str, Chosen], item: Item, length: float) -> list[OtherTranscript]:
    return [OtherTranscript(tag, _converted(chosen, item, length), chosen.body,
                            SOURCE_EXTENSION.get(chosen.format, ".txt"), chosen.link.url)
            for tag, chosen in others.items()]


def _update_item(library: Library, item: Item, episode, recheck: bool, options: Options,
                 http: Http, feed_language: str = "") -> Outcome | None:
    """Apply what changed of an item already imported: a corrected title, a corrected or
    moved transcript, new audio (new ads). None when nothing changed. The transcript is
    fetched again when the item's audio or transcript link changed, and for the newest
    items (``recheck``), whose corrections are likeliest."""
    title = item.title or episode.title
    links = [t.url for t in item.tags.transcripts]
    new_audio = bool(episode.enclosure) and bool(item.audio_url) and enclosure_id(item) != episode.enclosure
    moved = bool(episode.transcript_url) and episode.transcript_url not in links
    changed = ["title"] if item.title and item.title != episode.title else []
    if not (new_audio or moved or recheck or changed) or not links:
        return None
    chosen, others = None, None
    if new_audio or moved or recheck:
        chosen, others, found = _transcripts_now(library, item, episode, feed_language, http)
        if chosen is None:
            return Outcome("failed", title, "could not check its transcript: " + found[0],
                           episode.slug) if (new_audio or moved) else None
        changed += found
    if new_audio:
        changed.append("audio")
    if not changed:
        return None
    had_words = library.words_file(episode.slug) is not None
    try:
        detail = _apply(library, item, episode, title, chosen if set(changed) - {"title"} else None,
                        new_audio, options, http, others)
    except (FetchError, InputError) as error:
        return Outcome("failed", title, f"could not apply its correction: {error}", episode.slug)
    except OSError as error:
        return Outcome("failed", title, f"cannot write the library ({error.strerror or error})",
                       episode.slug)
    return Outcome("updated", title, f"{', '.join(changed)} changed in the feed; {detail}",
                   episode.slug, realign=bool(set(changed) & {"transcript", "audio"})
                   and (had_words or options.align))


def _transcripts_now(library: Library, item: Item, episode, feed_language: str,
                     http: Http) -> tuple[Chosen | None, dict[str, Chosen] | None, list[str]]:
    """The item's transcripts as the feed has them now: ``(main, {other language: its
    transcript}, what differs from the episode's)``; ``(None, {}, [why])`` when the main
    one does not read. When one of the other languages does not read (a server's bad
    moment), the episode's other languages are left as they are (``None``)."""
    _, main_links, other_links = by_language(item.tags.transcripts, feed_language)
    chosen, tried = choose(main_links, http.get)
    if chosen is None:
        return None, {}, ["; ".join(tried)]
    changed = []
    original = library.file(episode.slug, episode.transcript)
    if original is None or original.read_bytes() != chosen.body:
        changed.append("transcript")
    others, failed = _others_chosen(other_links, http)
    if failed:
        others = None
    elif _others_changed(library, episode, others):
        changed.append("other languages")
    return chosen, others, changed


def _others_changed(library: Library, episode, others: dict[str, Chosen]) -> bool:
    """Whether the feed's transcripts in other languages differ from the episode's: a
    language more or fewer, or one whose file changed."""
    kept = {o["language"]: o for o in episode.other_transcripts}
    if set(kept) != set(others):
        return True
    for tag, chosen in others.items():
        original = library.file(episode.slug, kept[tag]["original"])
        if original is None or original.read_bytes() != chosen.body:
            return True
    return False


def _apply(library: Library, item: Item, episode, title: str, chosen: Chosen | None,
           new_audio: bool, options: Options, http: Http,
           others: dict[str, Chosen] | None = None) -> str:
    """Rebuild the episode from the item as the feed has it now; what was done, in words.
    ``others`` (when fetched) replace its transcripts in other languages."""
    import dataclasses

    updated = dataclasses.replace(episode, title=title)
    if chosen is not None:
        updated.transcript_url = chosen.link.url
    with library.download_folder() as folder:
        path, length, chapters = None, episode.duration, None
        if new_audio:
            path, length = _download_audio(item, folder, options, http)
            updated.duration, updated.enclosure = length, enclosure_id(item)
        transcript = None
        if chosen is not None:
            transcript = _converted(chosen, item, length)
            updated.notes = transcript.notes
        if new_audio:
            chapters, _ = _chapters(item, path, updated.notes, http)
        library.update(updated, transcript, chosen.body if chosen else None,
                       SOURCE_EXTENSION.get(chosen.format, ".txt") if chosen else "",
                       str(path) if path else None, chapters,
                       None if others is None else _others_read(others, item, length))
    done = "re-converted" if chosen is not None else "renamed"
    return done + (", the new audio downloaded" if new_audio else "")


def _audio_extension(item: Item) -> str:
    ext = EXTENSION_OF_TYPE.get(item.audio_type.split(";")[0].strip())
    if ext:
        return ext
    path_ext = os.path.splitext(item.audio_url.split("?")[0])[1].lower()
    if path_ext in audio.AUDIO_TYPES:
        return path_ext
    raise InputError(f"the enclosure's type ({item.audio_type or 'none given'}) is not "
                     f"audio we play (MP3, M4A/AAC, Ogg/Opus, FLAC, WAV)")


def _add(library: Library, source: str, item: Item, title: str, chosen: Chosen,
         options: Options, http: Http, language: str = "",
         others: tuple[dict[str, Chosen], list[str]] = ({}, [])) -> Outcome:
    with library.download_folder() as folder:
        path, length = _download_audio(item, folder, options, http)
        transcript = _converted(chosen, item, length)
        chapters, why = _chapters(item, path, transcript.notes, http)
        more = _others_read(others[0], item, length)
        episode, warnings = library.add_parsed(
            transcript, str(path), chosen.body, SOURCE_EXTENSION.get(chosen.format, ".txt"),
            title, library.free_slug(title), chapters, duration=length, move_audio=True,
            guid=item.key, feed=source, notes=transcript.notes, enclosure=enclosure_id(item),
            transcript_url=chosen.link.url,
            published=item.published.isoformat(timespec="seconds") if item.published else "",
            people=[vars(p) for p in item.tags.persons],
            soundbites=[vars(s) for s in item.tags.soundbites], others=more,
            **({"language": language} if language else {}))
    detail = f"{chosen.format} transcript, {len(transcript.cues)} paragraphs"
    if more:
        detail += f", also in {', '.join(o.language for o in more)}"
    if chapters:
        detail += f", {len(chapters)} chapters ({why})"
    elif why:
        detail += f", no chapters ({why})"
    detail += "".join(f"; warning: {w}" for w in (others[1] + warnings)[:3])
    return Outcome("added", title, detail, episode.slug)


def _download_audio(item: Item, folder: Path, options: Options, http: Http) -> tuple[Path, float]:
    """The item's enclosure downloaded into ``folder``, and its length in seconds."""
    path = folder / f"audio{_audio_extension(item)}"
    http.download(item.audio_url, path, Limits(max_bytes=options.max_audio_bytes, deadline=3600),
                  options.on_bytes)
    return path, audio.duration(path)


def _converted(chosen: Chosen, item: Item, length: float):
    """The chosen transcript read for audio of ``length``, the item's notes as its notes."""
    transcript = parse_text(chosen.text, chosen.format, length)
    transcript.notes = item.notes or transcript.notes
    return transcript


def _chapters(item: Item, audio_path: Path, notes: str, http: Http) -> tuple[list[Chapter], str]:
    """The item's chapters and where they came from (or, with none, why its chapters file
    was no use): its chapters file, else the audio's ID3 frames, else a timestamp list in
    its notes."""
    failed = ""
    if item.tags.chapters:
        try:
            response = http.get(item.tags.chapters, Limits(max_bytes=MAX_CHAPTERS_BYTES, deadline=60))
            return read_chapters_text(decode(response.body)), "podcast:chapters"
        except (FetchError, InputError) as error:
            failed = f"chapters {error}"   # the audio or the notes may still have them
    for source, read in (("ID3", lambda: chapters_from_id3(audio_path) if audio_path.suffix == ".mp3"
                          else []), ("from the notes", lambda: chapters_from_notes(notes))):
        try:
            found = read()
        except InputError as error:
            failed = "; ".join(filter(None, (failed, f"chapters {source}: {error}")))
            continue
        if found:
            return found, source + (f"; {failed}" if failed else "")
    return [], failed
