"""Sharing moments: link previews for ``?t=`` pages, audio clips, the embed and oEmbed.

Deep links. ``/episodes/<slug>?t=`` takes a time (``754``, ``12:34``, ``1h2m3s``…) or a
range (``754,800``), read by :mod:`webapp.core.moments`; an unusable value never errs: the
page starts at the beginning with a notice. The server marks the cue at ``t``
(``cue--target``) and the cues of a range (``cue--in-range``), and gives ``<main>``
``data-start-at``/``data-end-at`` for the player (static/js/share.js pauses at the end).

Landing on the cue without JavaScript: the server never sees a URL's ``#fragment``, so a
redirect to ``?t=X#cue-N`` would only loop. Instead (1) the links we make — timestamp links
and share links — carry the anchor themselves (``?t=S#cue-N``), and (2) for a bare
``?t=`` link the target cue's timestamp link gets the ``autofocus`` attribute: focusing it
on load scrolls it into view (CSS ``scroll-margin-top`` keeps it clear of the sticky
player bar). With JavaScript the player then seeks there and scrolls to the same cue, so
the two agree. ``#t=`` media fragments (``#t=754``, ``#t=12:34,13:00``, ``#t=npt:754``)
are the browser's business only: share.js handles them.

Link previews: a ``?t=`` page carries Open Graph / Twitter tags for the quote at ``t``
(``templates/_share_meta.html``, autoescaped), with ``og:audio`` pointing at a clip of
that moment and ``twitter:player`` at the embed. ``/episodes/<slug>/clip.mp3?t=A,B`` is
that clip (webapp.core.clips; at most five minutes, cached, Range requests served);
``/episodes/<slug>/embed`` is the player for iframes (the only page with
``frame-ancestors *``); ``/oembed?url=…`` describes it for oEmbed consumers.
"""
from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import parse_qs, urlsplit
from urllib.parse import quote as quote_url

from flask import Blueprint, Response, abort, current_app, jsonify, request, send_file, url_for
from markupsafe import Markup

from ..core.clips import MAX_SECONDS, ClipUnavailable, get_clip
from ..core.moments import (Moment, cue_at, cues_in_range, format_t, parse_moment,
                            parse_range, quote)
from ..core.timecode import clock, short_clock
from . import episode_or_404, library
from .transcript_html import cue_list, page_with_cues

bp = Blueprint("share", __name__)

PROVIDER = "Listenalong"
EMBED_WIDTH = 640
EMBED_HEIGHT = 400
PREVIEW_CLIP_SECONDS = 120  # og:audio of a single moment: its cue, at most this long
_EPISODE_PATH = re.compile(r"^/episodes/([a-z0-9-]{1,80})(?:/embed)?/?$")


# ---- what a page shows for ?t= ----------------------------------------------------------

def human_duration(seconds: float) -> str:
    whole = int(seconds)
    hours, rest = divmod(whole, 3600)
    minutes, secs = divmod(rest, 60)
    if hours:
        return f"{hours} h {minutes:02d} min"
    if minutes:
        return f"{minutes} min {secs:02d} s" if secs else f"{minutes} min"
    return f"{secs} s"


def _names(speakers: list[str]) -> str:
    if len(speakers) <= 1:
        return "".join(speakers)
    return ", ".join(speakers[:-1]) + " and " + speakers[-1]


def preview_range(cues, moment: Moment, target: int | None, duration: float):
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


def render_moment_page(template: str, slug: str, autofocus: bool) -> Response:
    """An episode's page (the full one or the embed) as opened with ``?t=``."""
    episode = episode_or_404(slug)
    transcript = library().transcript(slug)
    if transcript is None:
        abort(404)
    # ?t= (a time or a range; bad values fall back with a notice)
    moment = moment_context(episode, transcript.cues, request.args.get("t"))
    cues_html = cue_list(slug, transcript, moment["target"], moment["in_range"], autofocus)
    return page_with_cues(template, cues_html, episode=episode, cues=transcript.cues, **moment)


def moment_context(episode, cues, raw_t: str | None) -> dict:
    """Template variables for a page opened with ``?t=raw_t``: ``start``, ``end``,
    ``notice``, ``target`` (index of the cue at start), ``in_range`` (indices of the cues
    in a range) and ``share`` (canonical/preview/oEmbed URLs and the preview's text)."""
    moment = parse_moment(raw_t, episode.duration)
    target = cue_at(cues, moment.start) if moment.start is not None and cues else None
    in_range = (cues_in_range(cues, moment.start, moment.end)
                if moment.is_range and cues else range(0))
    page_url = url_for("episodes.page", slug=episode.slug, _external=True)
    embed_url = url_for("share.embed", slug=episode.slug, _external=True)
    share = {"page_url": page_url, "url": page_url, "embed": embed_url,
             "title": episode.title, "audio": None, "card": "summary",
             "width": EMBED_WIDTH, "height": EMBED_HEIGHT}
    if moment.start is not None and target is not None:
        t = moment.t
        share["url"] = f"{page_url}?t={t}"
        share["embed"] = f"{embed_url}?t={t}"
        when = (f"{short_clock(moment.start)}–{short_clock(moment.end)}" if moment.is_range
                else short_clock(moment.start))
        share["title"] = f"{episode.title} at {when}"
        last = in_range[-1] if in_range else target
        speaker, text = quote(cues, target, last)
        share["description"] = f"{speaker}: “{text}”" if speaker else f"“{text}”"
        clip = preview_range(cues, moment, target, episode.duration)
        share["audio"] = url_for("share.clip", slug=episode.slug, _external=True) + \
            "?t=" + format_t(*clip)
        share["card"] = "player"
    else:
        parts = []
        if episode.speakers:
            parts.append(f"With {_names(episode.speakers)}")
        parts.append(f"{human_duration(episode.duration)} of audio with a synced transcript")
        share["description"] = " · ".join(parts)
    share["oembed"] = (url_for("share.oembed", _external=True)
                       + f"?url={quote_url(share['url'], safe='')}&format=json")
    return {"start": moment.start, "end": moment.end, "notice": moment.notice,
            "target": target, "in_range": in_range, "share": share}


# ---- clips ------------------------------------------------------------------------------

def clip_cache_dir() -> Path:
    configured = current_app.config.get("CLIP_CACHE_DIR")
    return Path(configured) if configured else library().root / ".cache" / "clips"


@bp.get("/episodes/<slug>/clip.mp3")
def clip(slug: str):
    episode = episode_or_404(slug)
    audio_path = library().file(slug, episode.audio)
    if audio_path is None:
        abort(404, description="This episode's audio file is missing.")
    try:
        start, end = parse_range(request.args.get("t"), episode.duration, MAX_SECONDS)
    except ValueError as error:
        abort(400, description=str(error))
    tags = {"title": f"{episode.title} ({clock(start)}–{clock(end)})",
            "artist": ", ".join(episode.speakers), "album": episode.title}
    try:
        path = get_clip(clip_cache_dir(), slug, audio_path, start, end, tags=tags)
    except ClipUnavailable as error:
        current_app.logger.error("clip %s %s–%s: %s", slug, start, end, error)
        abort(503, description="We can't make audio clips right now. Try again later.")
    name = f"{slug}-{clock(start).replace(':', '.')}-{clock(end).replace(':', '.')}.mp3"
    return send_file(path, mimetype="audio/mpeg", conditional=True, etag=True,
                     max_age=86400, download_name=name)


# ---- embed and oEmbed -------------------------------------------------------------------

def embed_policy() -> str:
    from ..app import CONTENT_SECURITY_POLICY

    return re.sub(r"frame-ancestors [^;]+", "frame-ancestors *", CONTENT_SECURITY_POLICY)


@bp.get("/episodes/<slug>/embed")
def embed(slug: str):
    # no autofocus in a frame: it must not take the focus from the page around it
    response = render_moment_page("embed.html", slug, autofocus=False)
    # Only this page may be framed by other sites.
    response.headers["Content-Security-Policy"] = embed_policy()
    return response


def _positive(name: str) -> int | None:
    raw = request.args.get(name, "")
    return int(raw) if raw.isdigit() and 0 < int(raw) < 100_000 else None


NOT_AN_EPISODE = "That address is not an episode in this library."


def _oembed_error(status: int, message: str):
    """oEmbed consumers read JSON: errors are ``{"error": message}`` with their status."""
    return jsonify({"error": message}), status


@bp.get("/oembed")
def oembed():
    fmt = request.args.get("format", "json").strip().lower() or "json"
    if fmt != "json":
        return _oembed_error(501, "Only format=json is available.")
    url = request.args.get("url", "").strip()
    if not url:
        return _oembed_error(400, "Give the episode's address as ?url=….")
    parts = urlsplit(url)
    match = _EPISODE_PATH.match(parts.path)
    if (parts.scheme not in ("http", "https") or parts.netloc.lower() != request.host.lower()
            or not match):
        return _oembed_error(404, NOT_AN_EPISODE)
    episode = library().get(match.group(1))
    if episode is None:
        return _oembed_error(404, NOT_AN_EPISODE)
    raw_t = (parse_qs(parts.query).get("t") or [None])[0]
    if raw_t is None and parts.fragment.startswith("t="):
        raw_t = parts.fragment[2:].split("&", 1)[0]
    moment = parse_moment(raw_t, episode.duration)
    src = url_for("share.embed", slug=episode.slug, _external=True)
    if moment.start is not None:
        src += "?t=" + moment.t
    maxwidth, maxheight = _positive("maxwidth"), _positive("maxheight")
    width = min(EMBED_WIDTH, maxwidth) if maxwidth else EMBED_WIDTH
    height = min(EMBED_HEIGHT, maxheight) if maxheight else EMBED_HEIGHT
    html = Markup('<iframe src="{}" width="{}" height="{}" title="{}" loading="lazy" '
                  'frameborder="0" allow="autoplay; clipboard-write"></iframe>').format(
        src, width, height, f"{episode.title} · {PROVIDER}")
    return jsonify({
        "type": "rich", "version": "1.0", "title": episode.title,
        "provider_name": PROVIDER, "provider_url": url_for("library.index", _external=True),
        "html": str(html), "width": width, "height": height, "cache_age": 86400,
    })
