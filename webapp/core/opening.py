"""Opening a library: the one :class:`~webapp.core.episodes.Library` of a media folder
and the one :class:`~webapp.core.search.SearchIndex` that follows it, wired together the
same way for the web app and the command line."""
from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any, Callable, Mapping

from .episodes import Library
from .search import SearchIndex

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class OpenLibrary:
    library: Library
    index: SearchIndex


def open_library(config: Mapping[str, Any], warn: Callable[[str], None] = log.warning,
                 follow: bool = True) -> OpenLibrary:
    """The library of ``config["MEDIA_DIR"]`` and its search index (SQLite beside it, or
    the PostgreSQL database of ``config["DATABASE_URL"]``). With ``follow``, every write
    to the library updates the index (a failure there goes to ``warn``); without, the
    library is only read (listing, rebuilding the index)."""
    library = Library(config["MEDIA_DIR"])
    index = SearchIndex(library, config.get("SEARCH_SYNC_SECONDS", 10.0),
                        url=config.get("DATABASE_URL", ""), warn=warn)
    if follow:
        library.on_change = index.changed
    return OpenLibrary(library, index)
