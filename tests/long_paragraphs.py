"""A fixture episode of long paragraphs (two to three minutes each) with word timings and
three chapters:
what a reader on a phone follows for minutes without a paragraph break. The text is made
up here (sentences drawn from a fixed vocabulary, the same every run); each word's onset
comes from its length, with a pause after each sentence, as speech has; the audio is
silence of the episode's length."""
from __future__ import annotations

import json
import random
from pathlib import Path

from support import make_audio
from webapp.core.episodes import Library
from webapp.core.model import Cue

VOCABULARY = (
    "the a harbour keeper light lantern evening tide rope boat night we they it was is "
    "counted climbed ninety steps fog rolled in from over every window glass wind brought "
    "salt and rain to stone walls of old tower above quiet village where fishermen waited "
    "for morning bells that rang twice before dawn while gulls circled slowly around "
    "distant rocks beneath clouds heavy with weather nobody expected this season because "
    "summer had been long warm generous"
).split()
SPEAKERS = ("Ada", "Ben")
# Minutes of each paragraph: long ones, with a short one among them as real shows have.
LENGTHS = (150, 40, 170, 130, 175)


def _sentence(rng: random.Random) -> list[str]:
    words = [rng.choice(VOCABULARY) for _ in range(rng.randint(8, 22))]
    words[0] = words[0].capitalize()
    words[-1] += rng.choice(".....?!")
    if len(words) > 12:
        words[rng.randint(4, len(words) - 5)] += ","
    return words


def _duration(word: str) -> float:
    """Seconds a word takes: longer words longer; a pause after a sentence or a comma."""
    seconds = 0.14 + 0.045 * len(word.strip(".,?!"))
    if word[-1] in ".?!":
        seconds += 0.45
    elif word[-1] == ",":
        seconds += 0.2
    return seconds


def paragraphs(seed: int = 7) -> list[tuple[str, str, float, list[tuple[float, int, int]]]]:
    """(speaker, text, start, words) per paragraph; words are (onset s, from, to)."""
    rng = random.Random(seed)
    out = []
    at = 1.0
    for n, length in enumerate(LENGTHS):
        start, words, text = at, [], ""
        while at - start < length:
            for word in _sentence(rng):
                if text:
                    text += " "
                words.append((round(at, 3), len(text), len(text) + len(word)))
                text += word
                at += _duration(word)
        out.append((SPEAKERS[n % 2], text, start, words))
        at += 0.8
    return out


def _clock(seconds: float) -> str:
    seconds = int(seconds)
    return f"{seconds // 3600:02d}:{seconds // 60 % 60:02d}:{seconds % 60:02d}"


def add_long_episode(media: Path, slug: str = "long") -> dict:
    """Add the episode to the library in ``media`` with its word timings; returns
    {"slug", "duration", "paragraphs"}."""
    media.mkdir(parents=True, exist_ok=True)
    made = paragraphs()
    duration = made[-1][3][-1][0] + 3.0
    work = media.parent / f"{slug}-source"
    work.mkdir(exist_ok=True)
    transcript = work / "long.txt"
    transcript.write_text("".join(f"{speaker} ({_clock(start)}):\n{text}\n\n"
                                  for speaker, text, start, _ in made), "utf-8")
    audio = make_audio(work / "long.mp3", duration)
    chapters = work / "chapters.json"
    chapters.write_text(json.dumps({"version": "1.2.0", "chapters": [
        {"startTime": made[n][2], "title": title}
        for n, title in ((0, "The lighthouse"), (2, "Fog over the harbour"), (4, "Morning bells"))]}))
    library = Library(media)
    library.add(str(transcript), str(audio), title="Long paragraphs", slug=slug,
                chapters_file=str(chapters))
    cues, entries = [], []
    for n, (speaker, text, start, words) in enumerate(made):
        end = made[n + 1][2] if n + 1 < len(made) else duration
        cues.append(Cue(start, end, text, speaker=speaker))
        entries.append({"start": round(start * 1000),
                        "words": [[round(t * 1000), a, b] for t, a, b in words]})
    library.save_alignment(slug, {"version": 1, "cues": entries}, cues)
    return {"slug": slug, "duration": duration, "paragraphs": made}
