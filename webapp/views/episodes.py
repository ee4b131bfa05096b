"""An episode: its page (also as the embed), its transcript in every format, its audio.

Deep links. ``/episodes/<slug>?t=`` takes a time (``754``, ``12:34``, ``1h2m3s``…) or a
range (``754,800``), read by :mod:`webapp.core.moments`; an unusable value never errs: the
page starts at the beginning with a notice. The server marks the cue at ``t``
(``cue--target``) and the cues of a range (``cue--in-range``), and gives ``<main>``
``data-start-at``/``data-end-at`` for the player (static/js/time.js reads them).

Landing on the cue without JavaScript: the server never sees a URL's ``#fragment``, so a
redirect to ``?t=X#cue-N`` would only loop. Instead (1) the links we make — timestamp links
and share links — carry the anchor themselves (``?t=S#cue-N``), and (2) for a bare
``?t=`` link the target cue's timestamp link gets the ``autofocus`` attribute: focusing it
on load scrolls it into view (CSS ``scroll-margin-top`` keeps it clear of the sticky
player bar). With JavaScript the player then seeks there and scrolls to the same cue, so
the two agree. ``#t=`` media fragments are the browser's business only (time.js).

A ``?t=`` page carries link previews for the quote at ``t`` (:mod:`webapp.core.previews`,
``templates/_share_meta.html``).

Languages. ``?lang=de`` shows the episode's transcript in German when it has one (its
``other_transcripts``), and every link the page makes keeps it; the switcher lists each
language by its own name. A ``?lang=`` it does not have shows the main transcript, saying
so. Word timings are the main transcript's alone.
"""
from __future__ import annotations

from flask import Blueprint, Response, abort, g, request, send_file, url_for

from ..core import OUTPUT_FORMATS, render
from ..core.audio import audio_type
from ..core.alignment.export import to_podcasting_words, to_vtt_words
from ..core import languages
from ..core.chapters import Chapter, chapter_at, shown
from ..core.episodes import Episode, OpenEpisode
from ..core.model import Cue
from ..core.moments import Landing, landing
from ..core.previews import Links, Preview, episode_preview, moment_preview
from ..security import absolute_url
from . import episode_or_404, library, opened_or_404
from .transcript_html import cue_list, page_with_cues

bp = Blueprint("episodes", __name__, url_prefix="/episodes")
WORD_WRITERS = {"json": to_podcasting_words, "vtt": to_vtt_words}


@bp.get("/<slug>")
def page(slug: str):
    return render_player_page("episode.html", slug, autofocus=True)


def render_player_page(template: str, slug: str, autofocus: bool) -> Response:
    """An episode's player page (the full one or the embed) as opened with ``?t=`` and
    ``?lang=``."""
    asked = request.args.get("lang", "")[:40]
    opened = opened_or_404(slug, lang=asked)   # its words hold the gaps, marked in the transcript
    episode, cues, chapters = opened.episode, opened.transcript.cues, opened.chapters
    g.transcript_lang = opened.other_language   # kept by every moment link (web_filters)
    land = landing(cues, request.args.get("t"), episode.duration)
    cues_html = cue_list(opened, land.target, land.in_range, autofocus)
    language = opened.other_language or episode.language
    missing = asked if asked and asked.lower() != language.lower() else ""
    damaged = bool(missing) and any(o["language"].lower() == missing.lower()
                                    for o in episode.other_transcripts)
    return page_with_cues(template, cues_html, episode=episode, cues=cues,
                          moment=land.moment, chapters=shown(chapters),
                          preview=preview(episode, cues, land, chapters, opened.other_language),
                          gaps=opened.gaps, language=language, other_language=opened.other_language,
                          switcher=switcher(opened), missing_language=missing,
                          language_damaged=damaged, cues_speakers=opened.transcript.speakers,
                          has_words=not opened.other_language and
                          library().words_file(slug) is not None,
                          version=library().version(slug))


def switcher(opened: OpenEpisode) -> list[dict]:
    """The episode's transcripts, the main one first, for the language switcher: each
    language's tag, its own name and English name, its page, and whether it is shown
    (nothing when the episode has one transcript)."""
    episode = opened.episode
    if not episode.other_transcripts:
        return []
    tags = [episode.language] + [o["language"] for o in episode.other_transcripts]
    shown_now = opened.other_language or episode.language
    return [{"tag": tag, "own": languages.autonym(tag) or "Original",
             "english": languages.name(tag) or "the original language",
             "href": url_for("episodes.page", slug=episode.slug,
                             lang=tag if number else None),
             "current": tag == shown_now, "main": not number}
            for number, tag in enumerate(tags)]


def preview(episode: Episode, cues: list[Cue], land: Landing,
            chapters: list[Chapter] = (), lang: str = "") -> Preview:
    links = Links(page=absolute_url("episodes.page", slug=episode.slug),
                  embed=absolute_url("share.embed", slug=episode.slug),
                  clip=absolute_url("share.clip", slug=episode.slug),
                  oembed=absolute_url("share.oembed"), lang=lang)
    if land.target is None:
        return episode_preview(episode, links)
    chapter = chapter_at(chapters, land.moment.start)
    return moment_preview(episode, cues, land.moment, land.target, land.in_range, links,
                          chapter.title if chapter else None)


@bp.get("/<slug>/transcript.<fmt>")
def transcript_file(slug: str, fmt: str):
    if fmt not in OUTPUT_FORMATS:
        abort(404)
    by_word = bool(request.args.get("words"))
    # repairs a damaged VTT when it can
    opened = opened_or_404(slug, words=by_word, lang=request.args.get("lang", "")[:40])
    transcript = opened.transcript
    if opened.other_language:
        by_word = False            # the main transcript's alone
    if fmt == "vtt" and not by_word:
        path = library().vtt_file(slug, opened.other_language)
        if path is None:
            abort(404)
        return shared(send_file(path, mimetype="text/vtt", conditional=True, etag=True))
    if by_word and opened.words_data and fmt in WORD_WRITERS:
        body = WORD_WRITERS[fmt](transcript, opened.words_data)
    else:
        body = render(transcript, fmt)
    response = Response(body, content_type=OUTPUT_FORMATS[fmt][1])
    if request.args.get("download"):
        name = f"{slug}.{opened.other_language}" if opened.other_language else slug
        response.headers["Content-Disposition"] = f'attachment; filename="{name}.{fmt}"'
    response.add_etag()
    return shared(response.make_conditional(request))


def shared(response: Response) -> Response:
    """A transcript or chapters file, readable by podcast apps' web players on other
    sites: Podcasting 2.0 asks for CORS on them."""
    response.headers["Access-Control-Allow-Origin"] = "*"
    response.headers["Access-Control-Expose-Headers"] = "ETag, Last-Modified"
    return response


def _shared_file(slug: str, path, mimetype: str, missing: str) -> Response:
    """One of the episode's JSON files as it is on disk, with validators and CORS."""
    episode_or_404(slug)
    if path is None:
        abort(404, description=missing)
    return shared(send_file(path, mimetype=mimetype, conditional=True, etag=True))


@bp.get("/<slug>/chapters.json")
def chapters_file(slug: str):
    """The episode's chapters (Podcasting 2.0 JSON)."""
    return _shared_file(slug, library().chapters_file(slug), "application/json+chapters",
                        "This episode has no chapters.")


@bp.get("/<slug>/words.json")
def words(slug: str):
    """The episode's word timings (see webapp.core.episodes.files), for the page."""
    return _shared_file(slug, library().words_file(slug), "application/json",
                        "This episode has no word timings yet.")


@bp.get("/<slug>/audio")
def audio(slug: str):
    episode = episode_or_404(slug)
    path = library().file(slug, episode.audio)
    if path is None:
        abort(404)
    return send_file(path, mimetype=audio_type(episode.audio), conditional=True, etag=True)
