"""The cue model: what every reader produces and every writer consumes."""
from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class Cue:
    """One stretch of speech. Times are seconds, rounded to the millisecond."""

    start: float
    end: float
    text: str
    speaker: str | None = None


@dataclass
class Transcript:
    """An episode's cues in time order, plus the notes that came with them."""

    cues: list[Cue]
    notes: str = ""
    warnings: list = field(default_factory=list)

    @property
    def speakers(self) -> list[str]:
        """Speakers in order of first appearance."""
        seen: dict[str, None] = {}
        for cue in self.cues:
            if cue.speaker:
                seen.setdefault(cue.speaker, None)
        return list(seen)

    @property
    def end(self) -> float:
        return self.cues[-1].end if self.cues else 0.0
