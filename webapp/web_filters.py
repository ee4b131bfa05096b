"""Jinja filters: clock times, and episode notes with their links made clickable safely."""
from __future__ import annotations

import re

from markupsafe import Markup, escape

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


def seconds_attr(value: float) -> str:
    """Seconds for a data attribute: no needless zeros (``31``, ``31.5``)."""
    return f"{value:.3f}".rstrip("0").rstrip(".")


def register_filters(app) -> None:
    app.jinja_env.filters.update(clock=clock, short_clock=short_clock, linkify=linkify,
                                 seconds=seconds_attr)
