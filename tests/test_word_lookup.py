"""webapp/core/alignment/lookup.py finds a cue's word at a character offset as
static/js/player-words.js does: both run tests/fixtures/word_cases.json
(tests/js/player-words.test.mjs)."""
from __future__ import annotations

import json

import pytest

from support import FIXTURES
from webapp.core.alignment.lookup import WordIndex

CASES = json.loads((FIXTURES / "word_cases.json").read_text("utf-8"))["cases"]


@pytest.mark.parametrize("case", CASES, ids=lambda c: c["text"][:20])
def test_the_word_at_an_offset_is_the_one_the_page_finds(case):
    index = WordIndex({"cues": [{"start": case["words"][0][0], "words": case["words"]}]},
                      [case["text"]])
    for offset, onset in case["at_offset"]:
        assert index.time_at(0, offset) == onset / 1000, offset


def test_a_cue_without_words_has_no_time():
    index = WordIndex({"cues": [None]}, ["Untimed"])
    assert index.time_at(0, 3) is None and not index
