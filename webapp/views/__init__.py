"""Flask blueprints: thin layers over :mod:`webapp.core`.

One rule for a damaged episode, whatever the route: it is not found (404), with a page that
says what is wrong (and a log line), never a 500; the rest of the library keeps working.
"""
from flask import abort, current_app

from ..core.alignment.episode import WORDS_FILE, read_words
from ..core.alignment.lookup import WordIndex
from ..core.bounded_cache import BoundedCache
from ..core.library import BrokenEpisode, Episode, Library
from ..core.model import Transcript

_word_indexes = BoundedCache(64)  # slug → (words.json mtime, transcript, WordIndex)
NO_WORDS = WordIndex(None, [])

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


def word_index(slug: str) -> WordIndex:
    """The episode's word timings for lookups (empty when it has none or is damaged)."""
    path = library().file(slug, WORDS_FILE)
    if path is None:                 # not aligned: nothing to read (the common case)
        return NO_WORDS
    try:
        transcript = library().transcript(slug)
        mtime = path.stat().st_mtime_ns
    except (BrokenEpisode, OSError):
        return NO_WORDS
    if transcript is None:
        return NO_WORDS
    hit = _word_indexes.get(slug)
    if hit and hit[0] == mtime and hit[1] is transcript:
        return hit[2]
    index = WordIndex(read_words(path), [c.text for c in transcript.cues])
    _word_indexes.put(slug, (mtime, transcript, index))
    return index
