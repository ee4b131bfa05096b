"""Lining up what was heard with what was written: anchors, and the stretches between.

The words heard (:mod:`.recognition`) and the transcript's words are two sequences that
agree where the audio holds the transcript. Three words in a row that occur once in the
transcript and are heard together are a candidate anchor; the longest chain of candidates
in the same order in both is kept (a longest increasing subsequence, so a phrase heard in
an ad or said twice cannot pull words out of order). Between two anchors, the words that
agree are matched too (difflib, in that short stretch only). Pure: no audio here.
"""
from __future__ import annotations

import bisect
import difflib
from collections import Counter

RUN = 3            # words in a row that make a candidate anchor
MIN_BETWEEN = 2    # words in a row matched between two anchors
MAX_BETWEEN = 400  # words on either side past which a stretch is not searched (no anchors near)


def anchor(written: list[str], heard: list[str]) -> list[int | None]:
    """For each written word, the index of the heard word it was heard as, or None. The
    indices found always increase."""
    matched: list[int | None] = [None] * len(written)
    chain = _chain(_candidates(written, heard))
    for i, j in chain:
        for k in range(RUN):
            matched[i + k] = j + k
    _keep_increasing(matched)
    if not chain:
        return matched
    last_i, last_j = -1, -1
    for i in range(len(written) + 1):
        j = len(heard) if i == len(written) else matched[i]
        if j is None:
            continue
        if 1 < i - last_i <= MAX_BETWEEN and 1 < j - last_j <= MAX_BETWEEN:
            _between(written, heard, last_i + 1, i, last_j + 1, j, matched)
        last_i, last_j = i, j
    return matched


def _keep_increasing(matched: list[int | None]) -> None:
    """Overlapping runs of a chain may give two words one heard word: keep the first."""
    last = -1
    for i, j in enumerate(matched):
        if j is not None:
            if j <= last:
                matched[i] = None
            else:
                last = j


def _candidates(written: list[str], heard: list[str]) -> list[tuple[int, int]]:
    """(written index, heard index) of every run of :data:`RUN` words that occurs once in
    the transcript and is heard."""
    runs = [tuple(written[i:i + RUN]) for i in range(len(written) - RUN + 1)]
    counts = Counter(runs)
    where = {run: i for i, run in enumerate(runs) if counts[run] == 1}
    out = []
    for j in range(len(heard) - RUN + 1):
        i = where.get(tuple(heard[j:j + RUN]))
        if i is not None:
            out.append((i, j))
    return out


def _chain(pairs: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """The longest chain of ``pairs`` (given in increasing heard order) whose written
    indices increase too: a longest increasing subsequence, O(n log n)."""
    tails: list[int] = []      # the smallest written index ending a chain of length k+1
    ends: list[int] = []       # the pair that ends it
    before = [-1] * len(pairs)
    for n, (i, _) in enumerate(pairs):
        k = bisect.bisect_left(tails, i)
        if k == len(tails):
            tails.append(i)
            ends.append(n)
        else:
            tails[k] = i
            ends[k] = n
        before[n] = ends[k - 1] if k else -1
    out, n = [], ends[-1] if ends else -1
    while n >= 0:
        out.append(pairs[n])
        n = before[n]
    return out[::-1]


def _between(written, heard, a0: int, a1: int, b0: int, b1: int, matched: list) -> None:
    """Match the words that agree in ``written[a0:a1]`` and ``heard[b0:b1]``."""
    blocks = difflib.SequenceMatcher(None, written[a0:a1], heard[b0:b1],
                                     autojunk=False).get_matching_blocks()
    for a, b, size in blocks:
        if size >= MIN_BETWEEN:
            for k in range(size):
                matched[a0 + a + k] = b0 + b + k
