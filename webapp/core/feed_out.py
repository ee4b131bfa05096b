"""Our own podcast feed: RSS 2.0 with the iTunes and Podcasting 2.0 namespaces, an item per
episode, each with its ``<podcast:transcript>`` files (JSON, WebVTT, SRT and, once
aligned, word-level JSON; then the same formats of each of its other languages, each
tag with its ``language``), its ``<podcast:chapters>``, people and soundbites.

Built with ElementTree, which escapes every title and note. The view passes the absolute
URLs (:class:`ItemLinks`); nothing here knows Flask.
"""
from __future__ import annotations

import datetime
import email.utils
import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field

from .feeds.podcast_tags import PODCAST_NS
from .episodes import Episode

ITUNES_NS = "http://www.itunes.com/dtds/podcast-1.0.dtd"
ATOM_NS = "http://www.w3.org/2005/Atom"
ET.register_namespace("itunes", ITUNES_NS)
ET.register_namespace("podcast", PODCAST_NS)
ET.register_namespace("atom", ATOM_NS)
TRANSCRIPT_TYPES = (("json", "application/json"), ("vtt", "text/vtt"), ("srt", "application/srt"))


@dataclass
class ItemLinks:
    page: str
    audio: str
    audio_type: str
    audio_bytes: int
    # (url, MIME type, language: "" for the episode's own), best first
    transcripts: list[tuple[str, str, str]]
    chapters: str | None = None


@dataclass
class Channel:
    title: str
    link: str
    self_url: str
    image: str
    description: str = "Episodes with synced, searchable transcripts."
    items: list[tuple[Episode, ItemLinks]] = field(default_factory=list)


_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def _clean(value) -> str:
    """``value`` as text XML 1.0 can hold (ElementTree escapes, but writes control
    characters as they are, which no feed reader accepts)."""
    return _NOT_XML.sub("", str(value))


def _sub(parent, tag: str, text: str | None = None, **attrs) -> ET.Element:
    element = ET.SubElement(parent, tag, {k: _clean(v) for k, v in attrs.items()
                                          if v not in (None, "")})
    if text is not None:
        element.text = _clean(text)
    return element


def _date(episode: Episode) -> str:
    for value in (episode.published, episode.added):
        try:
            when = datetime.datetime.fromisoformat(value)
        except (TypeError, ValueError):
            continue
        return email.utils.format_datetime(when if when.tzinfo else
                                           when.replace(tzinfo=datetime.timezone.utc))
    return email.utils.format_datetime(datetime.datetime.now(datetime.timezone.utc))


def _podcast(name: str) -> str:
    return f"{{{PODCAST_NS}}}{name}"


def _item(channel: ET.Element, episode: Episode, links: ItemLinks) -> None:
    item = _sub(channel, "item")
    _sub(item, "title", episode.title)
    _sub(item, "guid", episode.guid or links.page, isPermaLink="false" if episode.guid else "true")
    _sub(item, "link", links.page)
    _sub(item, "pubDate", _date(episode))
    if episode.notes:
        _sub(item, "description", episode.notes)
    _sub(item, "enclosure", url=links.audio, length=links.audio_bytes, type=links.audio_type)
    _sub(item, f"{{{ITUNES_NS}}}duration", str(int(round(episode.duration))))
    for url, kind, language in links.transcripts:
        _sub(item, _podcast("transcript"), url=url, type=kind,
             language=language or episode.language or "en")
    if links.chapters:
        _sub(item, _podcast("chapters"), url=links.chapters, type="application/json+chapters")
    for person in episode.people:
        _sub(item, _podcast("person"), person["name"], role=person.get("role"),
             group=person.get("group"), href=person.get("href"), img=person.get("img"))
    for bite in episode.soundbites:
        _sub(item, _podcast("soundbite"), bite.get("title") or None,
             startTime=f"{bite['start']:g}", duration=f"{bite['duration']:g}")


def feed_xml(channel: Channel) -> bytes:
    rss = ET.Element("rss", {"version": "2.0"})
    head = _sub(rss, "channel")
    _sub(head, "title", channel.title)
    _sub(head, "link", channel.link)
    _sub(head, "description", channel.description)
    _sub(head, "language", "en")
    _sub(head, f"{{{ATOM_NS}}}link", href=channel.self_url, rel="self", type="application/rss+xml")
    _sub(head, "generator", "Listenalong")
    image = _sub(head, "image")
    for tag, text in (("url", channel.image), ("title", channel.title), ("link", channel.link)):
        _sub(image, tag, text)
    _sub(head, f"{{{ITUNES_NS}}}image", href=channel.image)
    _sub(head, f"{{{ITUNES_NS}}}explicit", "false")
    for episode, links in channel.items:
        _item(head, episode, links)
    ET.indent(rss, space=" ")
    return ET.tostring(rss, encoding="utf-8", xml_declaration=True) + b"\n"
