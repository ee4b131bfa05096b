"""Flask blueprints: thin layers over :mod:`webapp.core`."""
from flask import abort, current_app

from ..core.library import Episode, Library


def library() -> Library:
    return current_app.extensions["library"]


def episode_or_404(slug: str) -> Episode:
    episode = library().get(slug)
    if episode is None:
        abort(404, description=f"There is no episode called “{slug}” in this library.")
    return episode
