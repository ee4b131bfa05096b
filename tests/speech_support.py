"""Synthetic speech with known word onsets, for the alignment tests and benchmark.

Debian's ``flite`` speaks clearly enough to align, and ``flite -psdur`` prints each phone's
end time. A word's phones are counted by speaking the word alone, so the phones of a
sentence can be cut into words: a word starts where the phone before its first one ends.
"""
from __future__ import annotations

import functools
import re
import shutil
import subprocess
import wave
from pathlib import Path

import pytest

_PHONE = re.compile(r"(\S+):(\d+(?:\.\d+)?)")


def flite() -> str:
    found = shutil.which("flite")
    if found is None:
        import os

        if os.environ.get("CI"):
            pytest.fail("flite is missing in CI: apt-get install flite")
        pytest.skip("flite is not installed (apt-get install flite)")
    return found


def _phones(text: str, out: Path | None = None) -> list[tuple[str, float]]:
    command = [flite(), "-psdur", "-t", text] + (["-o", str(out)] if out else ["-o", "none"])
    done = subprocess.run(command, capture_output=True, text=True, check=True)
    return [(p, float(t)) for p, t in _PHONE.findall(done.stdout + done.stderr)]


@functools.lru_cache(maxsize=None)
def phone_count(word: str) -> int:
    return sum(1 for p, _ in _phones(word) if p != "pau")


def speak(text: str, out: Path) -> tuple[float, list[float]]:
    """Speak ``text`` into the WAV ``out``; returns its length and each word's onset."""
    phones = _phones(text, out)
    spoken = [(p, t) for p, t in phones]
    onsets, at = [], 0
    for word in re.findall(r"[A-Za-z']+", text):
        while at < len(spoken) and spoken[at][0] == "pau":
            at += 1
        onsets.append(spoken[at - 1][1] if at > 0 else 0.0)
        at += phone_count(word)
    with wave.open(str(out)) as handle:
        length = handle.getnframes() / handle.getframerate()
    return length, onsets


PAUSE = 0.7


def speech_episode(folder: Path, paragraphs: list[tuple[str, str]]) -> tuple[Path, Path, list[list[float]]]:
    """A WAV of each (speaker, text) paragraph spoken in turn, with a pause between, and
    its Rev transcript (timestamps cut to whole seconds, as Rev exports them). Returns the
    audio, the transcript and each paragraph's true word onsets in the episode."""
    folder.mkdir(parents=True, exist_ok=True)
    frames, truth, lines, at = [], [], [], 0.0
    params = None
    for n, (speaker, text) in enumerate(paragraphs):
        part = folder / f"part-{n}.wav"
        length, onsets = speak(text, part)
        with wave.open(str(part)) as handle:
            params = params or handle.getparams()
            frames.append(handle.readframes(handle.getnframes()))
        truth.append([round(at + o, 3) for o in onsets])
        lines += [f"{speaker} ({int(at) // 60:02d}:{int(at) % 60:02d}):", "", text, ""]
        at += length + PAUSE
    audio = folder / "episode.wav"
    gap = bytes(int(PAUSE * params.framerate) * params.sampwidth * params.nchannels)
    with wave.open(str(audio), "wb") as joined:
        joined.setparams(params)
        joined.writeframes(gap.join(frames))
    transcript = folder / "episode.txt"
    transcript.write_text("\n".join(lines), "utf-8")
    return audio, transcript, truth


def align_and_store(library, slug: str, workers: int):
    """Align an episode and store it, as ``listenalong align`` does; the report."""
    from webapp.core.alignment.episode import align_episode

    alignment = align_episode(library, slug, workers=workers)
    library.save_alignment(slug, alignment.words, alignment.cues)
    return alignment.report
