"""Plain text with no timestamps: paragraphs separated by blank lines, each maybe opened
by its speaker (``Name: …``). Read only when the audio comes along (``add``): the
paragraphs then get starts spread over the audio by their words, an estimate that the
alignment replaces with where each paragraph really starts."""
from __future__ import annotations

import re

from ..errors import Warn
from . import Draft, Parsed

# "Name:" at a paragraph's start: one to four capitalised words, nothing else before it
SPEAKER = re.compile(r"^(?P<name>[A-Z][\w.'’-]*(?: [A-Z][\w.'’-]*){0,3}):(?:\s+(?P<text>\S.*))?$", re.S)


def read_plain(text: str, duration: float) -> Parsed:
    """The paragraphs of ``text``, started in proportion to the words before them."""
    blocks: list[tuple[int, str]] = []
    lines: list[str] = []
    first = 0
    for number, line in enumerate(text.split("\n") + [""], start=1):
        if line.strip():
            first = first or number
            lines.append(line.strip())
        elif lines:
            blocks.append((first, " ".join(lines)))
            lines, first = [], 0
    words = [len(block.split()) for _, block in blocks]
    total, before, drafts = max(1, sum(words)), 0, []
    speaker = None
    for (line, block), count in zip(blocks, words):
        found = SPEAKER.match(block)
        if found:
            speaker, block = found.group("name"), found.group("text")
            if not block:
                continue              # "Name:" alone: the speaker of the next paragraph
        drafts.append(Draft(start=round(duration * before / total, 3), text=block,
                            speaker=speaker, line=line))
        before += count
    return Parsed(cues=drafts, warnings=[Warn(
        "no timestamps: each paragraph's start is an estimate until its words are aligned "
        "(add does it; with --no-align, run 'listenalong align')", None)] if drafts else [])
