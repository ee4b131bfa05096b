"""Episodes: the one owner of an episode's folder, its files and its version.

* :mod:`.record` — the episode record (``episode.json``) and slugs;
* :mod:`.files` — every file name, the layout of a new folder, the version of a folder;
* :mod:`.library` — :class:`Library`: open an episode at one version, list, add, remove,
  store an alignment, and tell the search index of every write.
"""
from .files import (CHAPTERS_FILE, EPISODE_FILE, VTT_FILE, WORDS_FILE, read_words,
                    version_of, write_episode)
from .library import ADDING, FEEDS_FOLDER, Library, OpenEpisode
from .record import SLUG, BrokenEpisode, Episode, slugify

__all__ = [
    "Library", "OpenEpisode", "Episode", "BrokenEpisode", "SLUG", "slugify", "ADDING",
    "FEEDS_FOLDER", "EPISODE_FILE", "VTT_FILE", "WORDS_FILE", "CHAPTERS_FILE",
    "read_words", "version_of", "write_episode",
]
