"""Helpers for the search tests: episode folders written straight from cues."""
from __future__ import annotations

from pathlib import Path

from webapp.core.episodes import Episode, write_episode as write_folder
from webapp.core.model import Cue, Transcript

DUMMY_AUDIO = b"\xff\xfb\x90\x00" + bytes(100)  # the index never reads the audio


def write_episode(root: Path, slug: str, title: str, cues: list, added: str = "",
                  language: str = "") -> Path:
    """An episode folder holding ``cues`` — ``(start, end, speaker, text)`` tuples or bare
    texts (then 10 s each), in ``language`` — with a dummy audio file."""
    made = []
    for number, cue in enumerate(cues):
        if isinstance(cue, str):
            cue = (number * 10.0, number * 10.0 + 10.0, None, cue)
        start, end, speaker, text = cue
        made.append(Cue(start, end, text, speaker))
    episode = Episode(slug=slug, title=title, duration=made[-1].end if made else 1.0,
                      audio="audio.mp3", transcript="original.vtt", cues=len(made),
                      speakers=sorted({c.speaker for c in made if c.speaker}),
                      added=added or "2024-01-01T00:00:00+00:00", language=language)
    return write_folder(Path(root) / slug, episode, Transcript(cues=made), DUMMY_AUDIO,
                        b"WEBVTT\n")
