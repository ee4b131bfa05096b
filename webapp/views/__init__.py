"""Flask blueprints: thin layers over :mod:`webapp.core`.

One rule for a damaged episode, whatever the route: it is not found (404), with a page that
says what is wrong (and a log line), never a 500; the rest of the library keeps working.
"""
from flask import abort, current_app

from ..core.episodes import BrokenEpisode, Episode, Library, OpenEpisode

UNAVAILABLE = "This episode can't be shown right now: {}. Whoever runs this library can re-add it."


def library() -> Library:
    return current_app.extensions["library"]


def page_number(raw: str | None, pages: int, of: str) -> int:
    """The page asked for (``?page=``), 1 without one; a 404 naming the pages there are
    for one that is not there (``of``: "this library", "these results")."""
    if raw is None:
        return 1
    if not (raw.isascii() and raw.isdigit() and len(raw) <= 9 and 1 <= int(raw) <= pages):
        abort(404, description=f"There is no page “{raw[:20]}” of {of}: its pages "
                               f"are 1 to {pages}.")
    return int(raw)


def _unavailable(slug: str, error: BrokenEpisode):
    current_app.logger.warning("episode %s is unavailable: %s", slug, error)
    abort(404, description=UNAVAILABLE.format(error))


def _missing(slug: str):
    abort(404, description=f"There is no episode called “{slug}” in this library.")


def episode_or_404(slug: str) -> Episode:
    try:
        episode = library().load(slug)
    except BrokenEpisode as error:
        _unavailable(slug, error)
    if episode is None:
        _missing(slug)
    return episode


def opened_or_404(slug: str, words: bool = True, lang: str | None = None) -> OpenEpisode:
    """The episode with its transcript, chapters and words (see :meth:`Library.open`); a
    404 when there is none, or it is damaged beyond repair. ``lang`` (a ``?lang=``) asks
    for its transcript in one of its other languages: the main one when it has none in
    that language, or ``lang`` is the main one's."""
    try:
        opened = library().open(slug, words=words)
    except BrokenEpisode as error:
        _unavailable(slug, error)
    if opened is None:
        _missing(slug)
    if lang and lang.lower() != (opened.episode.language or "").lower():
        try:
            opened = library().open_language(slug, lang) or opened
        except BrokenEpisode as error:   # that language's files are both damaged: the main
            current_app.logger.warning("episode %s in %s is unavailable: %s", slug, lang[:40], error)
    return opened
