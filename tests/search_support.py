"""Helpers for the search tests: episode folders written straight from cues."""
from __future__ import annotations

import json
from dataclasses import asdict
from pathlib import Path

from webapp.core.library import EPISODE_FILE, VTT_FILE, Episode
from webapp.core.model import Cue, Transcript
from webapp.core.writing import to_vtt


def write_episode(root: Path, slug: str, title: str, cues: list, added: str = "") -> Path:
    """An episode folder holding ``cues`` — ``(start, end, speaker, text)`` tuples or bare
    texts (then 10 s each) — with a dummy audio file (the index never reads it)."""
    made = []
    for number, cue in enumerate(cues):
        if isinstance(cue, str):
            cue = (number * 10.0, number * 10.0 + 10.0, None, cue)
        start, end, speaker, text = cue
        made.append(Cue(start, end, text, speaker))
    folder = Path(root) / slug
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "audio.mp3").write_bytes(b"\xff\xfb\x90\x00" + bytes(100))
    (folder / "original.vtt").write_text("WEBVTT\n", "utf-8")
    (folder / VTT_FILE).write_text(to_vtt(Transcript(cues=made)), "utf-8")
    episode = Episode(slug=slug, title=title, duration=made[-1].end if made else 1.0,
                      audio="audio.mp3", transcript="original.vtt", cues=len(made),
                      speakers=sorted({c.speaker for c in made if c.speaker}),
                      added=added or "2024-01-01T00:00:00+00:00")
    (folder / EPISODE_FILE).write_text(json.dumps(asdict(episode)), "utf-8")
    return folder
