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


def _frames(path: Path) -> tuple[bytes, "wave._wave_params"]:
    with wave.open(str(path)) as handle:
        return handle.readframes(handle.getnframes()), handle.getparams()


def spoken_ad(text: str, folder: Path, params) -> bytes:
    """An ad read by another voice (flite's awb), as frames matching ``params``."""
    import subprocess

    from support import ffmpeg

    raw, resampled = folder / "ad-16k.wav", folder / "ad.wav"
    subprocess.run([flite(), "-voice", "awb", "-t", text, "-o", str(raw)], check=True)
    subprocess.run([ffmpeg(), "-v", "error", "-y", "-i", str(raw), "-ar", str(params.framerate),
                    "-ac", "1", "-sample_fmt", "s16", str(resampled)], check=True)
    return _frames(resampled)[0]


def music(seconds: float, params) -> bytes:
    """A music bed: chords of sine tones that change every half second, faded in and out."""
    import array
    import math

    rate = params.framerate
    chords = ((220, 277, 330), (247, 311, 370), (196, 247, 294), (262, 330, 392))
    samples = array.array("h")
    total = int(seconds * rate)
    for n in range(total):
        chord = chords[int(n / rate * 2) % len(chords)]
        fade = min(1.0, n / rate, (total - n) / rate)
        value = sum(math.sin(2 * math.pi * f * n / rate) for f in chord) / len(chord)
        samples.append(int(9000 * fade * value))
    return samples.tobytes()


def _stamp(seconds: float) -> str:
    seconds = max(0, int(seconds))
    hours, rest = divmod(seconds, 3600)
    return (f"{hours}:" if hours else "") + f"{rest // 60:02d}:{rest % 60:02d}"


def speech_episode(folder: Path, paragraphs: list[tuple[str, str]], inserts: dict | None = None,
                   shift: float = 0.0, stamps: bool = True) -> tuple[Path, Path, list[list[float]]]:
    """A WAV of each (speaker, text) paragraph spoken in turn, with a pause between, and
    its Rev transcript (timestamps cut to whole seconds, as Rev exports them). Returns the
    audio, the transcript and each paragraph's true word onsets in the episode.

    ``inserts`` puts audio the transcript does not hold before paragraph N:
    ``{N: frames}`` (``spoken_ad``, ``music``), as dynamic ad insertion does after the
    transcript was made: the stamps stay where they were. ``shift`` moves every stamp by
    that many seconds; without ``stamps`` the transcript is plain paragraphs."""
    folder.mkdir(parents=True, exist_ok=True)
    frames, truth, lines, at, inserted = [], [], [], 0.0, 0.0
    params = None
    for n, (speaker, text) in enumerate(paragraphs):
        part = folder / f"part-{n}.wav"
        length, onsets = speak(text, part)
        spoken, params = _frames(part)
        extra = (inserts or {}).get(n)
        if extra:
            frames.append(extra)
            inserted += len(extra) / (params.framerate * params.sampwidth) + PAUSE
        frames.append(spoken)
        truth.append([round(at + inserted + o, 3) for o in onsets])
        if stamps:
            lines += [f"{speaker} ({_stamp(at + shift)}):", "", text, ""]
        else:
            lines += [f"{speaker}: {text}", ""]
        at += length + PAUSE
    audio = folder / "episode.wav"
    gap = bytes(int(PAUSE * params.framerate) * params.sampwidth * params.nchannels)
    with wave.open(str(audio), "wb") as joined:
        joined.setparams(params)
        joined.writeframes(gap.join(frames))
    transcript = folder / "episode.txt"
    transcript.write_text("\n".join(lines), "utf-8")
    return audio, transcript, truth


SEED = Path(__file__).resolve().parents[2] / "shared" / "seeds" / "000_a039187f8522a416.txt"
WORDS_PER_SECOND = 2.9   # flite's pace, to pick enough paragraphs for the minutes asked


def seed_paragraphs(minutes: float, skip: int = 0) -> list[tuple[str, str]]:
    """Paragraphs of the reference transcript as plain words (and sentence punctuation:
    flite and our normaliser say numbers differently), enough for ``minutes`` of flite
    speech, after the first ``skip``."""
    from webapp.core import read_transcript

    out, words = [], 0
    for cue in read_transcript(SEED).cues[skip:]:
        text = " ".join(w for w in cue.text.split() if re.fullmatch(r"[A-Za-z']+[.,?!]?", w))
        if len(text.split()) < 5:
            continue
        out.append((cue.speaker or "Host", text))
        words += len(text.split())
        if words / WORDS_PER_SECOND >= minutes * 60:
            break
    return out


def align_and_store(library, slug: str, workers: int):
    """Align an episode and store it, as ``listenalong align`` does; the report."""
    from webapp.core.alignment.episode import align_episode

    alignment = align_episode(library, slug, workers=workers)
    library.save_alignment(slug, alignment.words, alignment.cues)
    return alignment.report
