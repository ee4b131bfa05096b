"""The transcript's cue list as HTML, rendered once per transcript and reused.

A long episode has thousands of cues; rendering them through Jinja on every request cost
more than the rest of the page. Each cue's HTML is cached (keyed by the transcript object,
which the library replaces when the episode's VTT changes); a request re-renders only the
few cues it marks (the ``?t=`` target and a range).
"""
from __future__ import annotations

import threading

from flask import current_app
from markupsafe import Markup

from ..core.model import Cue, Transcript

_rows: dict[str, tuple[Transcript, list[str]]] = {}
_lock = threading.Lock()


def _macro():
    return current_app.jinja_env.get_template("_cue.html").module.cue_row


def _speaker_shown(cues: list[Cue], index: int) -> bool:
    speaker = cues[index].speaker
    return bool(speaker) and (index == 0 or speaker != cues[index - 1].speaker)


def _plain_rows(slug: str, transcript: Transcript) -> list[str]:
    with _lock:
        hit = _rows.get(slug)
    if hit and hit[0] is transcript:
        return hit[1]
    row = _macro()
    cues = transcript.cues
    rows = [str(row(cue, i + 1, _speaker_shown(cues, i))) for i, cue in enumerate(cues)]
    with _lock:
        _rows[slug] = (transcript, rows)
    return rows


def cue_list(slug: str, transcript: Transcript, target: int | None = None,
             in_range=(), autofocus: bool = False) -> Markup:
    """Every cue's HTML; ``target`` and the ``in_range`` indices carry their classes, and
    with ``autofocus`` the target's timestamp link takes the focus (which scrolls it into
    view without JavaScript)."""
    rows = _plain_rows(slug, transcript)
    marked = set(in_range)
    if target is not None:
        marked.add(target)
    if not marked:
        return Markup("".join(rows))
    rows = list(rows)
    row = _macro()
    cues = transcript.cues
    for i in marked:
        rows[i] = str(row(cues[i], i + 1, _speaker_shown(cues, i), target=i == target,
                          in_range=i in in_range, autofocus=autofocus and i == target))
    return Markup("".join(rows))
