"""The Podcasting 2.0 namespace of a feed, read in a pass of our own over the XML.

feedparser keeps only the last of several ``<podcast:transcript>`` tags of an item, so
every ``transcript``, ``chapters``, ``person`` and ``soundbite`` is read here with
defusedxml (which refuses entity declarations: an XML bomb never expands). Items are
keyed as :mod:`webapp.core.feeds.reading` keys them: guid, else enclosure URL, else link.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import ParseError, fromstring

PODCAST_NS = "https://podcastindex.org/namespace/1.0"
# feeds in the wild also use the namespace's older spellings
_NAMESPACES = (PODCAST_NS, "https://github.com/Podcastindex-org/podcast-namespace/blob/main/docs/1.0.md")


@dataclass
class TranscriptLink:
    url: str
    type: str = ""
    language: str = ""
    rel: str = ""


@dataclass
class Person:
    name: str
    role: str = "host"
    group: str = "cast"
    href: str = ""
    img: str = ""


@dataclass
class Soundbite:
    start: float
    duration: float
    title: str = ""


@dataclass
class PodcastTags:
    transcripts: list[TranscriptLink] = field(default_factory=list)
    chapters: str = ""          # the chapters file's URL
    chapters_type: str = ""
    persons: list[Person] = field(default_factory=list)
    soundbites: list[Soundbite] = field(default_factory=list)


class UnsafeFeed(ValueError):
    """The XML declares entities or is not well-formed: the pass reads none of it."""


def _tag(element, name: str) -> bool:
    return any(element.tag == f"{{{ns}}}{name}" for ns in _NAMESPACES)


def _children(item, name: str):
    return [child for child in item if _tag(child, name)]


def _number(text: str | None) -> float | None:
    try:
        value = float(text) if text is not None else None
    except ValueError:
        return None
    return value if value is not None and 0 <= value < 3_600_000 else None


def _item_tags(item) -> PodcastTags:
    tags = PodcastTags()
    for link in _children(item, "transcript"):
        url = (link.get("url") or "").strip()
        if url:
            tags.transcripts.append(TranscriptLink(url, (link.get("type") or "").strip().lower(),
                                                   link.get("language") or "", link.get("rel") or ""))
    for chapters in _children(item, "chapters")[:1]:
        tags.chapters = (chapters.get("url") or "").strip()
        tags.chapters_type = (chapters.get("type") or "").strip().lower()
    for person in _children(item, "person"):
        name = " ".join((person.text or "").split())
        if name:
            tags.persons.append(Person(name, (person.get("role") or "host").lower(),
                                       (person.get("group") or "cast").lower(),
                                       person.get("href") or "", person.get("img") or ""))
    for bite in _children(item, "soundbite"):
        start, length = _number(bite.get("startTime")), _number(bite.get("duration"))
        if start is not None and length:
            tags.soundbites.append(Soundbite(start, length, " ".join((bite.text or "").split())))
    return tags


def item_key(guid: str, enclosure: str, link: str, title: str) -> str:
    """An item's identity in its feed: guid, else enclosure URL (a rotating token in its
    query left out: see :func:`stable_url`), else link, else title."""
    return guid.strip() or stable_url(enclosure.strip()) or link.strip() or f"title:{title.strip()}"


AUDIO_PATH = re.compile(r"\.(?:mp3|m4a|aac|mp4|ogg|oga|opus|flac|wav)$", re.I)


def stable_url(url: str) -> str:
    """An enclosure URL without what changes from fetch to fetch: the query of a URL whose
    path names the audio file itself (``/ep12.mp3?token=…``: hosts and trackers rotate
    tokens there), and any fragment. A path that does not name a file keeps its query
    (``/download?id=12``: the query is the file)."""
    head = url.split("#", 1)[0]
    path, _, query = head.partition("?")
    return path if query and AUDIO_PATH.search(path) else head


def _text(item, name: str) -> str:
    found = item.find(name)
    return (found.text or "").strip() if found is not None else ""


def read_podcast_tags(data: bytes) -> dict[str, PodcastTags]:
    """Each item's Podcasting 2.0 tags, by item key. Raises :class:`UnsafeFeed` for a
    feed that declares entities (or that is not well-formed XML at all)."""
    try:
        root = fromstring(data, forbid_dtd=False, forbid_entities=True, forbid_external=True)
    except DefusedXmlException as error:
        raise UnsafeFeed(f"it declares XML entities ({type(error).__name__}); refused, as an "
                         f"XML bomb could be hiding there") from None
    except (ParseError, LookupError, ValueError) as error:   # LookupError: an unknown encoding
        raise UnsafeFeed(f"it is not well-formed XML ({error})") from None
    found: dict[str, PodcastTags] = {}
    for item in root.iter("item"):
        enclosure = item.find("enclosure")
        key = item_key(_text(item, "guid"), enclosure.get("url", "") if enclosure is not None else "",
                       _text(item, "link"), _text(item, "title"))
        found.setdefault(key, _item_tags(item))
    return found
