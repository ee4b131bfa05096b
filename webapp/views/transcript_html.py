"""The transcript's cue list as HTML, rendered once per transcript and reused.

A long episode has thousands of cues; rendering them through Jinja on every request cost
more than the rest of the page, and so did copying a megabyte-long string through Jinja's
Markup and Flask's encoder. Each cue's HTML is cached (keyed by the episode's version:
:meth:`webapp.core.episodes.Library.version`), and so are the encoded bytes
of the whole list; a request re-renders only the few cues it marks (the ``?t=`` target and
a range), and the page around the list is rendered with a slot that the bytes fill.

The cues come in groups of ``GROUP`` (``<div class="cue-group">``): while the page loads,
the browser skips the layout and paint of the groups far from the screen
(content-visibility), which makes a long transcript parse and paint several times sooner.
Their heights are estimates until then, so the player shows the groups around any cue it
scrolls to first, and lays out the rest in idle time after the page is usable
(static/js/cue-layout.js).

An episode's chapters are headings (h3, the speakers then h4) put before the cue each
starts in (:func:`webapp.core.chapters.headings_at`); they are not cues, so cue *i* is
still the *i*-th ``.cue`` on the page.
"""
from __future__ import annotations

import bisect
import secrets

from flask import Response, current_app, render_template
from markupsafe import Markup

from ..core.bounded_cache import BoundedCache
from ..core.chapters import Chapter, headings_at, shown
from ..core.episodes import OpenEpisode
from ..core.model import Cue, Transcript

GROUP = 20
CACHED_TRANSCRIPTS = 64  # the most recently shown; a 2-hour episode holds about 0.3 MB
# Where the cue list goes in the rendered page: a comment no transcript, title or URL can
# forge, since it is random per process (and those are escaped anyway).
_OPEN, _CLOSE = '<div class="cue-group">', "</div>"
_SLOT = Markup(f"<!--cues-{secrets.token_hex(12)}-->")

_cache = BoundedCache(CACHED_TRANSCRIPTS)  # (slug, language) → (version, renderer, rows, encoded list)


def _macro(name: str = "cue_row"):
    return getattr(current_app.jinja_env.get_template("_cue.html").module, name)


class _Rows:
    """Renders cue rows, each with what goes before it: the marker of a gap in the
    transcript (audio it does not hold) and the chapter headings."""

    def __init__(self, transcript: Transcript, chapters: list[Chapter],
                 gaps: list[tuple[float, float]] = ()):
        self.cues = transcript.cues
        self.row = _macro()
        self.level = 4 if shown(chapters) else 3
        heading = _macro("chapter_heading")
        placed = headings_at(chapters, [c.start for c in self.cues], [c.end for c in self.cues])
        numbers = iter(range(1, len(chapters) + 1))
        self.headings = {i: "".join(str(heading(ch, next(numbers), i + 1)) for ch in found)
                         for i, found in sorted(placed.items())}
        self.gaps, self.after = _gap_markers(self.cues, gaps)

    def __call__(self, i: int, **marks) -> str:
        cue = self.cues[i]
        html = str(self.row(cue, i + 1, _speaker_shown(self.cues, i, i in self.headings),
                            speaker_level=self.level, **marks))
        before = self.gaps.get(i, "") + self.headings.get(i, "")
        return before + html + (self.after if i == len(self.cues) - 1 else "")


def _gap_markers(cues: list[Cue], gaps) -> tuple[dict[int, str], str]:
    """Each gap's marker, before the first cue that starts after it (after the last cue
    when none does): ``{cue index: html}`` and what goes after the last cue."""
    marker = _macro("gap_marker")
    starts = [c.start for c in cues]
    before: dict[int, str] = {}
    after = ""
    for start, end in gaps:
        index = bisect.bisect_left(starts, end - 0.5)
        html = str(marker(start, end))
        if index < len(cues):
            before[index] = before.get(index, "") + html
        else:
            after += html
    return before, after


def _speaker_shown(cues: list[Cue], index: int, after_heading: bool = False) -> bool:
    """A speaker's name opens their turn, and every chapter."""
    speaker = cues[index].speaker
    return bool(speaker) and (index == 0 or after_heading or speaker != cues[index - 1].speaker)


def _grouped(rows: list[str]) -> str:
    return "".join(_OPEN + "".join(rows[i:i + GROUP]) + _CLOSE
                   for i in range(0, len(rows), GROUP))


def _plain(opened: OpenEpisode) -> tuple[_Rows, list[str], bytes]:
    slug = (opened.episode.slug, opened.other_language)
    hit = _cache.get(slug)
    if hit and hit[0] == opened.version:
        return hit[1], hit[2], hit[3]
    render = _Rows(opened.transcript, opened.chapters, opened.gaps)
    rows = [render(i) for i in range(len(opened.transcript.cues))]
    whole = _grouped(rows).encode("utf-8")
    _cache.put(slug, (opened.version, render, rows, whole))
    return render, rows, whole


def cue_list(opened: OpenEpisode, target: int | None = None, in_range=(),
             autofocus: bool = False) -> bytes:
    """Every cue's HTML, encoded, with the chapters' headings; ``target`` and the
    ``in_range`` indices carry their classes, and with ``autofocus`` the target's timestamp
    link takes the focus (which scrolls it into view without JavaScript)."""
    render, rows, whole = _plain(opened)
    marked = set(in_range)
    if target is not None:
        marked.add(target)
    if not marked:
        return whole
    rows = list(rows)
    for i in marked:
        rows[i] = render(i, target=i == target, in_range=i in in_range,
                         autofocus=autofocus and i == target)
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
