"""Questions the server asks of an episode's word timings: when is character N of cue i
said (search results start at the matched word), and where do a range's edges fall on
word boundaries (clips never cut a word in two)."""
from __future__ import annotations

import bisect


class WordIndex:
    def __init__(self, words: dict | None, texts: list[str]):
        entries = (words or {}).get("cues") or []
        self.entries = entries if len(entries) == len(texts) else [None] * len(texts)
        self.texts = texts
        self.onsets = sorted(w[0] / 1000 for e in self.entries if e for w in e["words"])

    def __bool__(self) -> bool:
        return bool(self.onsets)

    def time_at(self, cue: int, offset: int) -> float | None:
        """Onset of the word holding (or last before) character ``offset`` of cue ``cue``."""
        entry = self.entries[cue] if 0 <= cue < len(self.entries) else None
        if not entry or not entry["words"]:
            return None
        found = entry["words"][0]
        for word in entry["words"]:
            if word[1] > offset:
                break
            found = word
        return found[0] / 1000

    def time_of(self, cue: int, fragment: str) -> float | None:
        """Onset of the first word of cue ``cue`` where ``fragment`` (a matched search
        term, as the snippet shows it) occurs, case ignored."""
        if not fragment or not 0 <= cue < len(self.texts):
            return None
        at = self.texts[cue].casefold().find(fragment.casefold())
        return self.time_at(cue, at) if at >= 0 else None

    def snap(self, start: float, end: float) -> tuple[float, float]:
        """``start`` moved back to the onset of the word it falls in, ``end`` on to the
        onset of the next word (unchanged where there are no words around them)."""
        if not self.onsets:
            return start, end
        before = bisect.bisect_right(self.onsets, start + 1e-6) - 1
        after = bisect.bisect_left(self.onsets, end - 1e-6)
        new_start = self.onsets[before] if before >= 0 else start
        new_end = self.onsets[after] if after < len(self.onsets) else end
        return round(new_start, 3), round(new_end, 3)
