"""Sharing beyond the page: audio clips of a range, the embeddable player, and oEmbed.

``/episodes/<slug>/clip.mp3?t=A,B`` is that range as MP3 (:mod:`webapp.core.clips`; at
most five minutes, cached, Range requests served); ``/episodes/<slug>/embed`` is the
player for iframes (the only page other sites may frame); ``/oembed?url=…`` describes an
episode page or embed of this site for oEmbed consumers, answering JSON even for errors.
"""
from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

from flask import Blueprint, Response, abort, current_app, jsonify, request, send_file
from markupsafe import Markup
from werkzeug.exceptions import HTTPException

from ..core.clip_slots import ClipBusy
from ..core.clips import MAX_SECONDS, ClipUnavailable, cached, get_clip, snap
from ..core.moments import lang_query, parse_moment, parse_range
from ..core.previews import EMBED_HEIGHT, EMBED_WIDTH
from ..core.rate_limit import RateLimit
from ..core.timecode import clock, short_clock
from ..security import absolute_url, frameable, is_own_url
from . import library, opened_or_404
from .episodes import render_player_page

bp = Blueprint("share", __name__)

PROVIDER = "Listenalong"
NOT_AN_EPISODE = "That address is not an episode in this library."
EPISODE_ENDPOINTS = ("episodes.page", "share.embed")


@bp.get("/episodes/<slug>/clip.mp3")
def clip(slug: str):
    opened = opened_or_404(slug)
    episode = opened.episode
    audio_path = library().file(slug, episode.audio)
    if audio_path is None:
        abort(404, description="This episode's audio file is missing.")
    try:
        start, end = parse_range(request.args.get("t"), episode.duration, MAX_SECONDS)
    except ValueError as error:
        abort(400, description=str(error))
    # on word boundaries when the words are timed, then on the cache's grid
    start, end = snap(*opened.words.snap(start, end), episode.duration)
    path = cached(current_app.config["CLIP_CACHE_DIR"], slug, audio_path, start, end)
    if path is None:
        path = _make_clip(episode, audio_path, start, end)
        if isinstance(path, Response):
            return path
    name = f"{slug}-{clock(start).replace(':', '.')}-{clock(end).replace(':', '.')}.mp3"
    return send_file(path, mimetype="audio/mpeg", conditional=True, etag=True,
                     max_age=86400, download_name=name)


def _refused(status: int, message: str, retry_after: int) -> Response:
    """A short plain answer for a refused clip: a flood of them must stay cheap."""
    return Response(message + "\n", status, mimetype="text/plain",
                    headers={"Retry-After": str(retry_after), "Cache-Control": "no-store"})


def _make_clip(episode, audio_path, start: float, end: float):
    """Encode a clip that is not cached yet, within the client's rate and the encoders;
    a 429 or 503 answer (with Retry-After) when either is used up."""
    config = current_app.config
    limit = current_app.extensions.get("clip_rate")
    if limit is None:   # one per app (per worker process), made on first use
        limit = current_app.extensions["clip_rate"] = RateLimit(config["CLIP_RATE_PER_MINUTE"])
    if not limit.allow(request.remote_addr or "-"):
        return _refused(429, "You have made many new clips in a short time; wait a moment "
                        "and try again.", limit.retry_after())
    tags = {"title": f"{episode.title} ({short_clock(start)}–{short_clock(end)})",
            "artist": ", ".join(episode.speakers), "album": episode.title}
    try:
        return get_clip(config["CLIP_CACHE_DIR"], episode.slug, audio_path, start, end,
                        tags=tags, keep=config["CLIP_CACHE_SIZE"],
                        encoders=config["CLIP_ENCODERS"], niceness=config["CLIP_NICENESS"])
    except ClipBusy as busy:
        return _refused(503, "Many clips are being made right now; try again in a few "
                        "seconds.", busy.retry_after)
    except ClipUnavailable as error:
        current_app.logger.error("clip %s %s–%s: %s", episode.slug, start, end, error)
        abort(503, description="We can't make audio clips right now. Try again later.")


@bp.get("/episodes/<slug>/embed")
def embed(slug: str):
    # no autofocus in a frame: it must not take the focus from the page around it
    return frameable(render_player_page("embed.html", slug, autofocus=False))


def _positive(name: str) -> int | None:
    raw = request.args.get(name, "")
    return int(raw) if raw.isdigit() and 0 < int(raw) < 100_000 else None


def _oembed_error(status: int, message: str):
    """oEmbed consumers read JSON: errors are ``{"error": message}`` with their status."""
    return jsonify({"error": message}), status


def episode_slug_of(url: str) -> str | None:
    """The slug of ``url`` when it is an episode page or embed of this site (matched with
    the app's own URL map), else None."""
    if not is_own_url(url):
        return None
    parts = urlsplit(url)
    adapter = current_app.url_map.bind(request.host, script_name=request.script_root or "/")
    try:
        endpoint, args = adapter.match(parts.path or "/", method="GET")
    except HTTPException:  # no route, or a redirect (e.g. a trailing slash)
        return None
    return args.get("slug") if endpoint in EPISODE_ENDPOINTS else None


@bp.get("/oembed")
def oembed():
    fmt = request.args.get("format", "json").strip().lower() or "json"
    if fmt != "json":
        return _oembed_error(501, "Only format=json is available.")
    url = request.args.get("url", "").strip()
    if not url:
        return _oembed_error(400, "Give the episode's address as ?url=….")
    slug = episode_slug_of(url)
    episode = library().get(slug) if slug else None
    if episode is None:
        return _oembed_error(404, NOT_AN_EPISODE)
    parts = urlsplit(url)
    raw_t = (parse_qs(parts.query).get("t") or [None])[0]
    if raw_t is None and parts.fragment.startswith("t="):
        raw_t = parts.fragment[2:].split("&", 1)[0]
    moment = parse_moment(raw_t, episode.duration)
    src = absolute_url("share.embed", slug=episode.slug)
    lang = (parse_qs(parts.query).get("lang") or [""])[0][:40]
    known = {o["language"] for o in episode.other_transcripts}
    lang = lang if lang in known else ""      # a language it has, as the page would show
    if moment.start is not None:
        src += "?t=" + moment.t + lang_query(lang, "&")
    else:
        src += lang_query(lang)
    maxwidth, maxheight = _positive("maxwidth"), _positive("maxheight")
    width = min(EMBED_WIDTH, maxwidth) if maxwidth else EMBED_WIDTH
    height = min(EMBED_HEIGHT, maxheight) if maxheight else EMBED_HEIGHT
    html = Markup('<iframe src="{}" width="{}" height="{}" title="{}" loading="lazy" '
                  'frameborder="0" allow="autoplay; clipboard-write"></iframe>').format(
        src, width, height, f"{episode.title} · {PROVIDER}")
    return jsonify({
        "type": "rich", "version": "1.0", "title": episode.title,
        "provider_name": PROVIDER, "provider_url": absolute_url("library.index"),
        "html": str(html), "width": width, "height": height, "cache_age": 86400,
    })
