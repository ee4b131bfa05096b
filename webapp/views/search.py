"""Search across the library: the ``/search`` page and the ``/api/search`` JSON.

Both parse the query with :mod:`webapp.core.search.query` (user input never reaches FTS5
syntax raw). Over-long queries are a 400 with a clear message; queries with nothing to
search for (``"``, ``*``, ``(``) are simply no results.

``/search?q=…[&episode=slug][&page=n]`` shows :data:`PAGE_SIZE` results to a page, best
first. ``/api/search?q=…[&episode=slug][&limit=n][&offset=n]`` answers::

    {"query": "…", "episode": null, "results": [
        {"episode": slug, "title": …, "cue": N, "start": s, "end": s, "speaker": … | null,
         "url": "/episodes/slug?t=s", "language": "zh",
         "snippet": "plain text around the match…",
         "highlights": [[from, to], …]}]}

``snippet`` is plain text (never HTML); ``highlights`` are ``[from, to)`` offsets of the
matched words in it, counted in Unicode code points. ``language`` is that of the transcript
the cue is in ("" when unknown); a cue of one of the episode's other transcripts links to
the page in that language (``?t=s&lang=de``). ``cue`` is the 1-based number of the
cue on the episode page (element ``#cue-N``). ``limit`` defaults to 20, at most 100;
``offset`` skips that many of the best (the next page), up to the 500 best in all.
"""
from __future__ import annotations

from flask import Blueprint, abort, current_app, jsonify, render_template, request, url_for

from ..core import languages
from ..core.moments import moment_href
from ..core.search import (DEFAULT_LIMIT, MAX_LIMIT, MAX_QUERY_CHARS, RANK_CANDIDATES, Query,
                           QueryTooLong, SearchIndex, SearchUnavailable, clean, parse_query)
from . import library, page_number

bp = Blueprint("search", __name__)

PAGE_SIZE = 50     # results to a page of /search (``&page=2`` for the next)
PAGES = RANK_CANDIDATES // PAGE_SIZE   # the best RANK_CANDIDATES are ranked, no further


def search_index() -> SearchIndex:
    return current_app.extensions["search"]


def _limit(raw: str | None) -> int:
    try:
        return max(1, min(int(raw), MAX_LIMIT)) if raw else DEFAULT_LIMIT
    except ValueError:
        return DEFAULT_LIMIT


def _offset(raw: str | None) -> int:
    return int(raw) if raw and raw.isascii() and raw.isdigit() and len(raw) <= 9 else 0


def _run(query: Query, episode: str | None, limit: int, offset: int = 0):
    index = search_index()
    index.ensure()
    return index.search(query, episode=episode, limit=limit, offset=offset)


def hit_url(hit) -> str:
    """The result's link: its episode at the time it plays from (set by the core), in the
    language of the transcript it was found in."""
    start = hit.start if hit.play_at is None else hit.play_at
    return url_for("episodes.page", slug=hit.episode) + \
        moment_href(start, lang=hit.language if hit.alternate else "")


@bp.get("/search")
def page():
    raw = request.args.get("q", "")
    slug = request.args.get("episode") or None
    scope = library().get(slug) if slug else None
    page_asked = page_number(request.args.get("page"), PAGES, "these results")
    context = dict(q=clean(raw[:MAX_QUERY_CHARS]), scope=scope, unknown_scope=bool(slug and not scope),
                   groups=[], total=0, searched=False, error=None, hit_url=hit_url,
                   language_name=languages.name,
                   page=page_asked, first=(page_asked - 1) * PAGE_SIZE, more=False)
    try:
        query = parse_query(raw)
    except QueryTooLong as error:
        context["error"] = str(error)
        return render_template("search.html", **context), 400
    context["q"] = query.text
    if not query.text:
        return render_template("search.html", **context)
    context["searched"] = True
    if not query:
        return render_template("search.html", **context)
    try:
        hits = _run(query, scope.slug if scope else None, PAGE_SIZE + 1, context["first"])
    except SearchUnavailable as error:
        current_app.logger.error("search failed: %s", error)
        context["error"] = "Search is not available right now; please try again later."
        return render_template("search.html", **context), 503
    context["more"] = len(hits) > PAGE_SIZE and page_asked < PAGES
    hits = hits[:PAGE_SIZE]
    if page_asked > 1 and not hits:
        abort(404, description=f"There are fewer than {context['first'] + 1} matches for "
                               f"“{query.text}”: the results end on an earlier page.")
    groups: dict[str, dict] = {}
    for hit in hits:  # best first: groups come in the order of their best hit
        group = groups.setdefault(hit.episode, {"slug": hit.episode, "title": hit.title,
                                                "hits": []})
        group["hits"].append(hit)
    for group in groups.values():
        group["hits"].sort(key=lambda h: h.start)   # within an episode: in listening order
    context.update(groups=list(groups.values()), total=len(hits))
    return render_template("search.html", **context)


@bp.get("/api/search")
def api():
    raw = request.args.get("q", "")
    slug = request.args.get("episode") or None
    try:
        query = parse_query(raw)
    except QueryTooLong as error:
        return jsonify(error=str(error)), 400
    if slug is not None and library().get(slug) is None:
        return jsonify(error=f"There is no episode called “{slug[:80]}” in this library."), 404
    try:
        hits = _run(query, slug, _limit(request.args.get("limit")),
                    _offset(request.args.get("offset"))) if query else []
    except SearchUnavailable as error:
        current_app.logger.error("search failed: %s", error)
        return jsonify(error="Search is not available right now; please try again later."), 503
    return jsonify(query=query.text, episode=slug, results=[
        {"episode": h.episode, "title": h.title, "cue": h.cue + 1, "start": h.start,
         "end": h.end, "speaker": h.speaker, "url": hit_url(h), "language": h.language,
         "snippet": h.snippet, "highlights": h.highlights}
        for h in hits])
