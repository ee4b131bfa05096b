"""webapp.core.episodes: the one owner of an episode's folder — its version, an episode
opened at one version, and the writes (an alignment stored, a download folder, a free
slug), each telling whoever follows the library."""
from __future__ import annotations

import json
import os

import pytest

from search_support import write_episode
from webapp.core.episodes import WORDS_FILE, Library
from webapp.core.errors import InputError
from webapp.core.model import Cue
from webapp.core.opening import open_library

TEXTS = ["The lighthouse keeper counted ninety steps.", "Fog rolled in from the harbour."]
WORDS = {"version": 1, "cues": [
    {"start": 200, "words": [[200, 0, 3], [500, 4, 14], [1100, 15, 21], [1500, 22, 29],
                             [2000, 30, 36], [2400, 37, 43]]},
    {"start": 10300, "words": [[10300, 0, 3], [10700, 4, 10], [11100, 11, 13], [11300, 14, 18],
                               [11500, 19, 22], [11800, 23, 31]]}]}


@pytest.fixture
def library(tmp_path):
    write_episode(tmp_path, "talk", "Talk", TEXTS)
    changes = []
    found = Library(tmp_path, on_change=lambda slug, present: changes.append((slug, present)))
    found.changes = changes
    return found


def _store(library, slug="talk"):
    cues = [Cue(0.2, 10.3, TEXTS[0]), Cue(10.3, 20.0, TEXTS[1])]
    library.save_alignment(slug, WORDS, cues)


def test_the_version_changes_with_every_file_of_the_episode(library, tmp_path):
    seen = {library.version("talk")}
    _store(library)                                   # words.json and transcript.vtt
    seen.add(library.version("talk"))
    (tmp_path / "talk" / "chapters.json").write_text('{"version": "1.2.0", "chapters": []}')
    seen.add(library.version("talk"))
    episode = json.loads((tmp_path / "talk" / "episode.json").read_text())
    (tmp_path / "talk" / "episode.json").write_text(json.dumps({**episode, "title": "Retitled"}))
    seen.add(library.version("talk"))
    assert len(seen) == 4 and None not in seen
    assert library.version("nobody") is None and library.version("../talk") is None


def test_an_opened_episode_is_kept_until_its_version_changes(library):
    first = library.open("talk")
    assert library.open("talk") is first and not first.has_words
    assert [c.text for c in first.transcript.cues] == TEXTS and first.chapters == []
    _store(library)
    second = library.open("talk")
    assert second is not first and second.version == library.version("talk")
    assert second.has_words and second.words.time_at(1, 4) == 10.7
    assert [c.start for c in second.transcript.cues] == [0.2, 10.3]   # at the same version


def test_words_are_read_only_when_asked_for_and_then_kept(library):
    _store(library)
    plain = library.open("talk", words=False)
    assert plain.words is None
    full = library.open("talk")
    assert full.words.time_at(0, 5) == 0.5 and full.transcript is plain.transcript
    assert library.open("talk", words=False) is full


def test_storing_an_alignment_writes_both_files_and_tells_the_index(library, tmp_path):
    _store(library)
    folder = tmp_path / "talk"
    assert json.loads((folder / WORDS_FILE).read_text()) == WORDS
    assert "00:00:00.200 --> 00:00:10.300" in (folder / "transcript.vtt").read_text()
    assert library.changes == [("talk", True)]
    assert not [p for p in os.listdir(folder) if p.startswith(".")]
    with pytest.raises(InputError, match="no episode called 'gone'"):
        library.save_alignment("gone", WORDS, [])


def test_a_download_folder_is_inside_the_library_and_gone_afterwards(library, tmp_path):
    with pytest.raises(RuntimeError):
        with library.download_folder() as folder:
            assert folder.parent == tmp_path and folder.name.startswith(".adding-download-")
            (folder / "audio.mp3").write_bytes(b"x")
            raise RuntimeError("the download failed")
    assert not folder.exists()


def test_a_free_slug_is_one_no_episode_has(library):
    assert library.free_slug("Talk!") == "talk-2"
    assert library.free_slug("Another talk") == "another-talk"


def test_search_results_come_with_the_time_they_play_from(tmp_path):
    write_episode(tmp_path, "talk", "Talk", TEXTS)
    write_episode(tmp_path, "plain", "Plain", ["The harbour again, untimed."])
    opened = open_library({"MEDIA_DIR": str(tmp_path)})
    _store(opened.library)
    opened.index.ensure()
    hits = {h.episode: h for h in opened.index.search("harbour")}
    assert hits["talk"].play_at == 11.8          # the matched word, not the cue's start
    assert hits["plain"].play_at == hits["plain"].start == 0.0
