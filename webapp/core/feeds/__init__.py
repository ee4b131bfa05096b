"""Podcast feeds in: fetch a feed (:mod:`.fetching`), read its items and Podcasting 2.0
tags (:mod:`.reading`, :mod:`.podcast_tags`), choose each item's transcript
(:mod:`.transcripts`) and import the new items (:mod:`.importing`). Our own feed out is
:mod:`webapp.core.feed_out`."""
from .importing import FeedUnreadable, Options, Outcome, Report, import_feed, known_feeds

__all__ = ["FeedUnreadable", "Options", "Outcome", "Report", "import_feed", "known_feeds"]
