"""Jinja filters: times (each formatted by its one function in the core), and episode
notes with their links made clickable safely."""
from __future__ import annotations

import datetime
import re

from markupsafe import Markup, escape

from .core.languages import direction, name as language_name
from flask import g

from .core.moments import format_time, moment_href
from .core.timecode import clock, short_clock

URL = re.compile(r"https?://[^\s<>\"']+[^\s<>\"'.,;:!?)\]]")


def linkify(text: str | None) -> Markup:
    """Escape ``text`` and turn http(s) URLs into links; nothing else becomes markup."""
    rest = text or ""
    out = []
    last = 0
    for match in URL.finditer(rest):
        out.append(escape(rest[last:match.start()]))
        url = match.group(0)
        out.append(Markup('<a href="{0}" rel="nofollow noopener noreferrer">{0}</a>').format(url))
        last = match.end()
    out.append(escape(rest[last:]))
    return Markup("").join(out)


def day(iso: str | None) -> str:
    """``2026-11-02T10:00:00+00:00`` → ``2 Nov 2026`` (nothing for a value that is no date)."""
    try:
        when = datetime.date.fromisoformat((iso or "")[:10])
    except ValueError:
        return ""
    return f"{when.day} {when:%b %Y}"


def moment_href_here(start: float, end: float | None = None, cue_number: int | None = None) -> str:
    """:func:`moment_href` keeping the transcript language the page shows (its ``?lang=``,
    which the view puts in ``g.transcript_lang``)."""
    return moment_href(start, end, cue_number, g.get("transcript_lang", ""))


def register_filters(app) -> None:
    app.jinja_env.filters.update(clock=clock, short_clock=short_clock, linkify=linkify,
                                 seconds=format_time, moment_href=moment_href_here, day=day,
                                 direction=direction, language_name=language_name)
