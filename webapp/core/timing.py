"""Timing rules shared by every format: starts strictly increase, each cue ends where the
next starts (or earlier, if its file says so), the last ends at the audio's duration or
at an estimate from its words, and no cue has zero length."""
from __future__ import annotations

from .errors import InputError
from .formats import Draft
from .model import Cue
from .timecode import clock

WORDS_PER_SECOND = 2.5
_MIN_CUE = 0.001


def spoken_length(text: str) -> float:
    """Roughly how long ``text`` takes to say, in seconds (at least one)."""
    return max(1.0, round(len(text.split()) / WORDS_PER_SECOND, 3))


def _at(draft: Draft) -> str:
    return f"line {draft.line}" if draft.line else "the cue before"


def check_order(drafts: list[Draft]) -> None:
    for before, after in zip(drafts, drafts[1:]):
        if after.start <= before.start:
            how = "is the same as" if after.start == before.start else "goes back before"
            raise InputError(
                f"time {clock(after.start)} {how} {clock(before.start)} at {_at(before)}; "
                f"each timestamp must come after the one before it: fix one of the two",
                line=after.line)


MAX_CUES = 20_000     # 11 hours of 2-second subtitles; the reference episode has 198


def to_cues(drafts: list[Draft], duration: float | None = None) -> list[Cue]:
    """Apply the timing rules to drafts that are already in order."""
    if not drafts:
        raise InputError("no cues found: the file has timestamps but no text after them")
    if len(drafts) > MAX_CUES:
        raise InputError(f"{len(drafts):,} cues, more than the {MAX_CUES:,} one transcript may "
                         f"have; is this one episode's transcript?", line=drafts[MAX_CUES].line)
    check_order(drafts)
    last = drafts[-1]
    if duration is not None and duration <= last.start:
        raise InputError(f"the audio lasts {clock(duration)} but the last cue starts at "
                         f"{clock(last.start)}; check that the audio (or --duration) is this episode's",
                         line=last.line)
    cues = []
    for i, draft in enumerate(drafts):
        if i + 1 < len(drafts):
            limit = drafts[i + 1].start
            end = draft.end if draft.end and draft.start < draft.end <= limit else limit
        elif duration is not None:
            end = min(draft.end, duration) if draft.end and draft.end > draft.start else duration
        elif draft.end and draft.end > draft.start:
            end = draft.end
        else:
            end = draft.start + spoken_length(draft.text)
        end = round(max(end, draft.start + _MIN_CUE), 3)
        cues.append(Cue(start=round(draft.start, 3), end=end, text=draft.text, speaker=draft.speaker))
    return cues
