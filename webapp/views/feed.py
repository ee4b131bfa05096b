"""``/feed.xml``: the library as a podcast feed (RSS 2.0, iTunes and Podcasting 2.0
namespaces), each item with its transcripts and chapters (webapp.core.feed_out)."""
from __future__ import annotations

from flask import Blueprint, Response, current_app, request

from ..core.audio import audio_type
from ..core.episodes import Episode
from ..core.feed_out import TRANSCRIPT_TYPES, Channel, ItemLinks, feed_xml
from ..security import absolute_url
from . import library

bp = Blueprint("feed", __name__)


def _links(episode: Episode) -> ItemLinks | None:
    lib = library()
    audio = lib.file(episode.slug, episode.audio)
    if audio is None:
        return None
    transcripts = [(absolute_url("episodes.transcript_file", slug=episode.slug, fmt=fmt), kind, "")
                   for fmt, kind in TRANSCRIPT_TYPES]
    if lib.words_file(episode.slug) is not None:   # listed after the paragraphs
        transcripts.append((absolute_url("episodes.transcript_file", slug=episode.slug,
                                         fmt="json", words=1), "application/json", ""))
    for other in episode.other_transcripts:        # then each other language
        transcripts += [(absolute_url("episodes.transcript_file", slug=episode.slug, fmt=fmt,
                                      lang=other["language"]), kind, other["language"])
                        for fmt, kind in TRANSCRIPT_TYPES]
    has_chapters = lib.chapters_file(episode.slug) is not None
    return ItemLinks(page=absolute_url("episodes.page", slug=episode.slug),
                     audio=absolute_url("episodes.audio", slug=episode.slug),
                     audio_type=audio_type(episode.audio), audio_bytes=audio.stat().st_size,
                     transcripts=transcripts,
                     chapters=absolute_url("episodes.chapters_file", slug=episode.slug)
                     if has_chapters else None)


@bp.get("/feed.xml")
def feed():
    channel = Channel(title=current_app.config["FEED_TITLE"],
                      link=absolute_url("library.index"), self_url=absolute_url("feed.feed"),
                      image=absolute_url("static", filename="artwork-512.png"))
    for episode in library().episodes():
        links = _links(episode)
        if links is not None:
            channel.items.append((episode, links))
    response = Response(feed_xml(channel), content_type="application/rss+xml; charset=utf-8")
    response.add_etag()
    return response.make_conditional(request)
