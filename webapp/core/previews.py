"""Link previews: what a shared episode page says about itself to other sites (Open Graph,
Twitter cards, oEmbed discovery), for a page opened at a moment (``?t=``) or not.

A preview of a moment quotes the cues heard there, offers a clip of it (``og:audio``) and
the embed player (``twitter:player``). Flask-free: the view passes the absolute URLs.
"""
from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import quote as quote_url

from .clips import MAX_SECONDS
from .episodes import Episode
from .model import Cue
from .moments import Moment, format_t, lang_query, quote
from .timecode import short_clock

EMBED_WIDTH, EMBED_HEIGHT = 640, 400  # the embed's size, as oEmbed and twitter:player say
PREVIEW_CLIP_SECONDS = 120  # og:audio of a single moment: its cue, at most this long


@dataclass(frozen=True)
class Links:
    """Absolute URLs of the episode's pages, without query strings."""

    page: str
    embed: str
    clip: str
    oembed: str
    lang: str = ""   # the transcript in another language the page shows (?lang=)


@dataclass(frozen=True)
class Preview:
    page_url: str     # the episode page, no moment: where share links start from
    url: str          # the canonical URL of this page (with ?t= for a moment)
    embed: str        # the embed player, at the same moment
    oembed: str       # oEmbed discovery for ``url``
    title: str
    description: str
    audio: str | None = None   # a clip of the moment (og:audio)
    card: str = "summary"      # "player" for a moment
    width: int = EMBED_WIDTH
    height: int = EMBED_HEIGHT


def human_duration(seconds: float) -> str:
    whole = int(seconds)
    hours, rest = divmod(whole, 3600)
    minutes, secs = divmod(rest, 60)
    if hours:
        return f"{hours} h {minutes:02d} min"
    if minutes:
        return f"{minutes} min {secs:02d} s" if secs else f"{minutes} min"
    return f"{secs} s"


def names(speakers: list[str]) -> str:
    """``A``, ``A and B``, ``A, B and C``."""
    if len(speakers) <= 1:
        return "".join(speakers)
    return ", ".join(speakers[:-1]) + " and " + speakers[-1]


def preview_range(cues: list[Cue], moment: Moment, target: int | None,
                  duration: float) -> tuple[float, float] | None:
    """The clip a link preview offers (og:audio): the range asked for (its first five
    minutes), or the cue at a single moment from that moment (at most two minutes)."""
    if moment.start is None:
        return None
    start = moment.start
    if moment.end is not None:
        return start, min(moment.end, start + MAX_SECONDS)
    end = cues[target].end if target is not None and cues else start
    if end - start < 5:
        end = start + 30
    return start, round(min(end, start + PREVIEW_CLIP_SECONDS, duration), 3)


def _oembed(links: Links, url: str) -> str:
    return f"{links.oembed}?url={quote_url(url, safe='')}&format=json"


def episode_preview(episode: Episode, links: Links) -> Preview:
    """The preview of the episode page itself: who is in it and how long it is."""
    parts = [f"With {names(episode.speakers)}"] if episode.speakers else []
    parts.append(f"{human_duration(episode.duration)} of audio with a synced transcript")
    url = links.page + lang_query(links.lang)
    return Preview(page_url=links.page, url=url, embed=links.embed + lang_query(links.lang),
                   oembed=_oembed(links, url), title=episode.title,
                   description=" · ".join(parts))


def moment_preview(episode: Episode, cues: list[Cue], moment: Moment, target: int,
                   in_range: range, links: Links, chapter: str | None = None) -> Preview:
    """The preview of a page opened at ``moment`` (whose first cue is ``target``), in
    ``chapter`` (its title) when the episode has chapters."""
    t = moment.t + lang_query(links.lang, "&")
    url = f"{links.page}?t={t}"
    when = (f"{short_clock(moment.start)}–{short_clock(moment.end)}" if moment.is_range
            else short_clock(moment.start))
    speaker, text = quote(cues, target, in_range[-1] if in_range else target)
    clip = preview_range(cues, moment, target, episode.duration)
    return Preview(page_url=links.page, url=url, embed=f"{links.embed}?t={t}",
                   oembed=_oembed(links, url),
                   title=f"{episode.title} at {when}" + (f" · {chapter}" if chapter else ""),
                   description=f"{speaker}: “{text}”" if speaker else f"“{text}”",
                   audio=f"{links.clip}?t={format_t(*clip)}", card="player")
