"""A podcast feed's bytes → :class:`Feed`: its items, each with its enclosure, date, notes
and Podcasting 2.0 tags.

feedparser reads the items (RSS and Atom, dates, broken feeds); the Podcasting 2.0 tags
come from our own pass (:mod:`.podcast_tags`), since feedparser keeps only the last
transcript of an item. A feed that declares XML entities is refused before feedparser sees
it; an HTML page is named as such (with the feed it links to, when it links one).
"""
from __future__ import annotations

import calendar
import datetime
import re
from dataclasses import dataclass, field
from html.parser import HTMLParser

import feedparser

from .. import languages
from ..timecode import parse_duration
from .bounded import FeedTooHeavy, check_shape
from .podcast_tags import PodcastTags, Person, Soundbite, TranscriptLink, UnsafeFeed, \
    item_key, read_podcast_tags


class FeedError(ValueError):
    """The feed itself cannot be used; the message says why, in one line."""


@dataclass
class Item:
    key: str                    # guid, else enclosure URL, else link, else title
    title: str
    audio_url: str = ""
    audio_type: str = ""
    audio_length: int = 0
    published: datetime.datetime | None = None
    notes: str = ""
    link: str = ""
    duration: float | None = None   # itunes:duration, when given
    tags: PodcastTags = field(default_factory=PodcastTags)


@dataclass
class Feed:
    title: str
    link: str
    items: list[Item]
    warnings: list[str] = field(default_factory=list)
    language: str = ""          # the channel's <language>, as a BCP 47 tag ("" none or unusable)


def language_tag(code) -> str:
    """A feed's language code as a tag; "" for none, or for what is not a language code."""
    try:
        return languages.normalize(code if isinstance(code, str) else "")
    except languages.LanguageError:
        return ""


class _Text(HTMLParser):
    """HTML show notes as plain text: paragraphs and line breaks kept as new lines."""

    BLOCKS = {"p", "br", "div", "li", "ul", "ol", "h1", "h2", "h3", "h4", "tr", "blockquote"}

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag in self.BLOCKS:
            self.parts.append("\n")

    def handle_endtag(self, tag):
        if tag in self.BLOCKS:
            self.parts.append("\n")

    def handle_data(self, data):
        self.parts.append(data)


def plain_text(html: str) -> str:
    parser = _Text()
    parser.feed(html)
    parser.close()
    lines = (" ".join(line.split()) for line in "".join(parser.parts).split("\n"))
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()


def read_duration(value) -> float | None:
    """``itunes:duration``: seconds, ``MM:SS``, ``H:MM:SS`` (or an ISO duration); None
    for anything else, or nothing."""
    try:
        return parse_duration(value) or None
    except ValueError:
        return None


def _enclosure(entry) -> tuple[str, str, int]:
    for link in entry.get("links", []):
        if link.get("rel") == "enclosure" and link.get("href"):
            length = str(link.get("length") or "")
            return link["href"].strip(), (link.get("type") or "").lower(), \
                int(length) if length.isdigit() else 0
    return "", "", 0


FUTURE_SLACK = datetime.timedelta(days=2)   # time zones and clocks a little ahead


def _published(entry) -> datetime.datetime | None:
    """The item's date; None when it has none, or one that cannot be true (more than two
    days ahead: a date of 20 nines must not pin an item to the top for ever)."""
    parsed = entry.get("published_parsed") or entry.get("updated_parsed")
    if not parsed:
        return None
    try:
        when = datetime.datetime.fromtimestamp(calendar.timegm(parsed), datetime.timezone.utc)
    except (OverflowError, OSError, ValueError):
        return None
    return None if when > datetime.datetime.now(datetime.timezone.utc) + FUTURE_SLACK else when


def _fallback_tags(entry) -> PodcastTags:
    """What feedparser kept of the namespace (the last transcript only), for a feed our
    own pass could not read."""
    tags = PodcastTags()
    link = entry.get("podcast_transcript")
    if isinstance(link, dict) and link.get("url"):
        tags.transcripts.append(TranscriptLink(link["url"], (link.get("type") or "").lower()))
    chapters = entry.get("podcast_chapters")
    if isinstance(chapters, dict) and chapters.get("url"):
        tags.chapters, tags.chapters_type = chapters["url"], chapters.get("type") or ""
    return tags


def _notes(entry) -> str:
    contents = entry.get("content") or []
    html = next((c.get("value") for c in contents if c.get("value")), None)
    return plain_text(html or entry.get("summary") or "")


def _item(entry, ours: dict[str, PodcastTags] | None) -> Item:
    url, kind, length = _enclosure(entry)
    title = " ".join((entry.get("title") or "").split())
    guid = entry.get("id") or ""
    key = item_key(guid, url, entry.get("link") or "", title)
    tags = ours.get(key, PodcastTags()) if ours is not None else _fallback_tags(entry)
    return Item(key=key, title=title, audio_url=url, audio_type=kind, audio_length=length,
                published=_published(entry), notes=_notes(entry), link=entry.get("link") or "",
                duration=read_duration(entry.get("itunes_duration")), tags=tags)


def _html_page(data: bytes) -> FeedError | None:
    head = data[:4096].lstrip().lower()
    if not (head.startswith(b"<!doctype html") or head.startswith(b"<html")):
        return None
    match = re.search(rb"<link[^>]+type=[\"']application/(?:rss|atom)\+xml[\"'][^>]*>", data[:65536], re.I)
    href = re.search(rb"href=[\"']([^\"']+)[\"']", match.group(0)) if match else None
    hint = (f"; the page links a feed at {href.group(1).decode('utf-8', 'replace')}"
            if href else "; give the show's RSS feed address")
    return FeedError("this is an HTML page, not a podcast feed" + hint)


def _reason(error: BaseException) -> str:
    return " ".join(str(error).split())[:100] or type(error).__name__


def read_feed(data: bytes) -> Feed:
    """The feed in ``data``, or :class:`FeedError`."""
    page = _html_page(data)
    if page:
        raise page
    try:
        check_shape(data)
    except FeedTooHeavy as error:
        raise FeedError(f"the feed is refused: {error}") from None
    warnings = []
    try:
        ours = read_podcast_tags(data)
    except UnsafeFeed as error:
        if "entities" in str(error):
            raise FeedError(f"the feed {error}") from None
        ours = None
        warnings.append(f"the feed is not well-formed XML; read what could be read, with "
                        f"one transcript per item at most ({error})")
    try:
        parsed = feedparser.parse(data, sanitize_html=True, resolve_relative_uris=False)
    except (LookupError, ValueError, RecursionError) as error:
        raise FeedError(f"the feed cannot be read ({_reason(error)}); check its XML "
                        f"declaration's encoding") from None
    if not parsed.get("version") and not parsed.entries:
        why = getattr(parsed.get("bozo_exception"), "getMessage", lambda: "")()
        raise FeedError("this is not an RSS or Atom feed" + (f" ({why})" if why else ""))
    feed = parsed.feed
    items = [_item(entry, ours) for entry in parsed.entries]
    for entry, item in zip(parsed.entries, items):
        if item.published is None and (entry.get("published_parsed") or entry.get("updated_parsed")):
            warnings.append(f"item {item.title[:60]!r}: its date is impossible or in the future; "
                            f"read as undated")
    return Feed(title=" ".join((feed.get("title") or "").split()), link=feed.get("link") or "",
                items=items, warnings=warnings, language=language_tag(feed.get("language")))


__all__ = ["Feed", "FeedError", "Item", "Person", "Soundbite", "TranscriptLink", "read_feed"]
