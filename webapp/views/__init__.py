"""Flask blueprints: thin layers over :mod:`webapp.core`.

One rule for a damaged episode, whatever the route: it is not found (404), with a page that
says what is wrong (and a log line), never a 500; the rest of the library keeps working.
"""
from flask import abort, current_app

from ..core.library import BrokenEpisode, Episode, Library
from ..core.model import Transcript

UNAVAILABLE = "This episode can't be shown right now: {}. Whoever runs this library can re-add it."


def library() -> Library:
    return current_app.extensions["library"]


def _unavailable(slug: str, error: BrokenEpisode):
    current_app.logger.warning("episode %s is unavailable: %s", slug, error)
    abort(404, description=UNAVAILABLE.format(error))


def episode_or_404(slug: str) -> Episode:
    try:
        episode = library().load(slug)
    except BrokenEpisode as error:
        _unavailable(slug, error)
    if episode is None:
        abort(404, description=f"There is no episode called “{slug}” in this library.")
    return episode


def transcript_or_503(slug: str) -> Transcript:
    """The episode's transcript; a 404 when it has none or it is damaged beyond repair
    (see :meth:`Library.transcript`)."""
    try:
        transcript = library().transcript(slug)
    except BrokenEpisode as error:
        _unavailable(slug, error)
    if transcript is None:
        abort(404)
    return transcript
