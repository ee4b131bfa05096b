"""An item's best transcript in each language: its ``<podcast:transcript>`` tags grouped
by their ``language`` (:func:`by_language`), and of each group JSON first, then WebVTT,
SRT, HTML and plain text; each is fetched and read in that order until one reads.

The type a feed declares is only a hint (feeds send ``text/srt``, ``application/srt``,
``text/plain`` for VTT…): it orders the tries, and the format is then told from the
content itself (:func:`webapp.core.reading.detect`).
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

from .. import languages
from ..decoding import decode
from ..errors import InputError
from ..model import Transcript
from ..reading import MAX_BYTES, detect, parse_text
from .fetching import FetchError, Limits, Response
from .podcast_tags import TranscriptLink

PREFERENCE = ("json", "vtt", "srt", "html", "text")
DECLARED = {
    "application/json": "json", "application/json+transcript": "json", "text/json": "json",
    "text/vtt": "vtt", "application/vtt": "vtt",
    "application/srt": "srt", "application/x-subrip": "srt", "text/srt": "srt",
    "text/x-srt": "srt", "application/x-srt": "srt",
    "text/html": "html", "application/xhtml+xml": "html",
    "text/plain": "text",
}
_EXTENSIONS = {".json": "json", ".vtt": "vtt", ".srt": "srt", ".html": "html", ".htm": "html",
               ".txt": "text"}


def declared_kind(link: TranscriptLink) -> str:
    """What the feed says a transcript is (its type, else its URL's extension)."""
    kind = DECLARED.get(link.type.split(";")[0].strip())
    if kind:
        return kind
    path = link.url.split("?")[0].lower()
    return next((k for ext, k in _EXTENSIONS.items() if path.endswith(ext)), "")


def ranked(links: list[TranscriptLink]) -> list[TranscriptLink]:
    """The links in the order to try them: by declared kind, unknown kinds last, the feed's
    own order kept between equals."""
    order = {kind: n for n, kind in enumerate(PREFERENCE)}
    return sorted(links, key=lambda link: order.get(declared_kind(link), len(PREFERENCE)))


def by_language(links: list[TranscriptLink], feed_language: str = "") -> tuple[
        str, list[TranscriptLink], dict[str, list[TranscriptLink]]]:
    """``(main language, its links, {other language: its links})``. The main transcript is
    in the feed's language, else in the first language a link names; links naming none
    (or naming what is no language code) are taken to be in it. Each language's links
    keep the feed's order."""
    tagged = []
    for link in links:
        try:
            tag = languages.normalize(link.language)
        except languages.LanguageError:
            tag = ""
        tagged.append((tag, link))
    named = [tag for tag, _ in tagged if tag]
    main = feed_language if feed_language and (
        feed_language.lower() in {t.lower() for t in named} or len(named) < len(tagged)) \
        else (named[0] if named else feed_language)
    groups: dict[str, list[TranscriptLink]] = {main: []}
    for tag, link in tagged:
        tag = tag or main
        key = next((k for k in groups if k.lower() == tag.lower()), tag)
        groups.setdefault(key, []).append(link)
    return main, groups.pop(main), groups


def _kind(link: TranscriptLink) -> str:
    return declared_kind(link) or link.type or "transcript"


@dataclass
class Chosen:
    link: TranscriptLink
    text: str           # decoded
    format: str         # as detected from the content
    transcript: Transcript
    body: bytes


Getter = Callable[[str, Limits], Response]


def choose(links: list[TranscriptLink], get: Getter,
           duration: float | None = None) -> tuple[Chosen | None, list[str]]:
    """The first transcript in :func:`ranked` order that fetches and reads, and why each
    one before it did not (one line each)."""
    tried = []
    for link in ranked(links):
        try:
            response = get(link.url, Limits(max_bytes=MAX_BYTES, deadline=120))
            text = decode(response.body)
            fmt = detect(text)
            transcript = parse_text(text, fmt, duration)
        except FetchError as error:       # names the URL itself
            tried.append(f"{_kind(link)} {error}")
            continue
        except InputError as error:
            tried.append(f"{_kind(link)} {link.url}: {error}")
            continue
        return Chosen(link, text, fmt, transcript, response.body), tried
    return None, tried
