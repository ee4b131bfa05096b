"""An episode: its page, its transcript in every format, and its audio."""
from __future__ import annotations

from flask import Blueprint, Response, abort, request, send_file

from ..core import OUTPUT_FORMATS, render
from ..core.audio import audio_type
from ..core.library import VTT_FILE
from . import episode_or_404, library
from .share import render_moment_page

bp = Blueprint("episodes", __name__, url_prefix="/episodes")


@bp.get("/<slug>")
def page(slug: str):
    return render_moment_page("episode.html", slug, autofocus=True)


@bp.get("/<slug>/transcript.<fmt>")
def transcript_file(slug: str, fmt: str):
    if fmt not in OUTPUT_FORMATS:
        abort(404)
    episode_or_404(slug)
    if fmt == "vtt":
        path = library().file(slug, VTT_FILE)
        if path is None:
            abort(404)
        return send_file(path, mimetype="text/vtt", conditional=True)
    transcript = library().transcript(slug)
    body = render(transcript, fmt)
    response = Response(body, content_type=OUTPUT_FORMATS[fmt][1])
    if request.args.get("download"):
        response.headers["Content-Disposition"] = f'attachment; filename="{slug}.{fmt}"'
    return response


@bp.get("/<slug>/audio")
def audio(slug: str):
    episode = episode_or_404(slug)
    path = library().file(slug, episode.audio)
    if path is None:
        abort(404)
    return send_file(path, mimetype=audio_type(episode.audio), conditional=True, etag=True)
