"""The transcript's cue list as HTML, rendered once per transcript and reused.

A long episode has thousands of cues; rendering them through Jinja on every request cost
more than the rest of the page, and so did copying a megabyte-long string through Jinja's
Markup and Flask's encoder. Each cue's HTML is cached (keyed by the transcript object,
which the library replaces when the episode's VTT changes), and so are the encoded bytes
of the whole list; a request re-renders only the few cues it marks (the ``?t=`` target and
a range), and the page around the list is rendered with a slot that the bytes fill.

The cues come in groups of ``GROUP`` (``<div class="cue-group">``): while the page loads,
the browser skips the layout and paint of the groups far from the screen
(content-visibility), which makes a long transcript parse and paint several times sooner.
Their heights are estimates until then, so the player shows the groups around any cue it
scrolls to first, and lays out the rest in idle time after the page is usable
(static/js/cue-layout.js).
"""
from __future__ import annotations

import secrets

from flask import Response, current_app, render_template
from markupsafe import Markup

from ..core.bounded_cache import BoundedCache
from ..core.model import Cue, Transcript

GROUP = 20
CACHED_TRANSCRIPTS = 64  # the most recently shown; a 2-hour episode holds about 0.3 MB
# Where the cue list goes in the rendered page: a comment no transcript, title or URL can
# forge, since it is random per process (and those are escaped anyway).
_OPEN, _CLOSE = '<div class="cue-group">', "</div>"
_SLOT = Markup(f"<!--cues-{secrets.token_hex(12)}-->")

_cache = BoundedCache(CACHED_TRANSCRIPTS)  # slug → (transcript, cue rows, encoded list)


def _macro():
    return current_app.jinja_env.get_template("_cue.html").module.cue_row


def _speaker_shown(cues: list[Cue], index: int) -> bool:
    speaker = cues[index].speaker
    return bool(speaker) and (index == 0 or speaker != cues[index - 1].speaker)


def _grouped(rows: list[str]) -> str:
    return "".join(_OPEN + "".join(rows[i:i + GROUP]) + _CLOSE
                   for i in range(0, len(rows), GROUP))


def _plain(slug: str, transcript: Transcript) -> tuple[list[str], bytes]:
    hit = _cache.get(slug)
    if hit and hit[0] is transcript:
        return hit[1], hit[2]
    row = _macro()
    cues = transcript.cues
    rows = [str(row(cue, i + 1, _speaker_shown(cues, i))) for i, cue in enumerate(cues)]
    whole = _grouped(rows).encode("utf-8")
    _cache.put(slug, (transcript, rows, whole))
    return rows, whole


def cue_list(slug: str, transcript: Transcript, target: int | None = None,
             in_range=(), autofocus: bool = False) -> bytes:
    """Every cue's HTML, encoded; ``target`` and the ``in_range`` indices carry their
    classes, and with ``autofocus`` the target's timestamp link takes the focus (which
    scrolls it into view without JavaScript)."""
    rows, whole = _plain(slug, transcript)
    marked = set(in_range)
    if target is not None:
        marked.add(target)
    if not marked:
        return whole
    rows = list(rows)
    row = _macro()
    cues = transcript.cues
    for i in marked:
        rows[i] = str(row(cues[i], i + 1, _speaker_shown(cues, i), target=i == target,
                          in_range=i in in_range, autofocus=autofocus and i == target))
    return _grouped(rows).encode("utf-8")


def page_with_cues(template: str, cues_html: bytes, **context) -> Response:
    """``template`` rendered with ``cue_list`` standing for ``cues_html``: the page around
    the list goes through Jinja, the list's cached bytes are joined in as they are."""
    page = render_template(template, cue_list=_SLOT, **context)
    head, slot, tail = page.partition(_SLOT)
    if not slot:
        raise RuntimeError(f"{template} does not show cue_list")
    body = b"".join((head.encode("utf-8"), cues_html, tail.encode("utf-8")))
    return Response(body, content_type="text/html; charset=utf-8")
