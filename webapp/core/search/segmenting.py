"""Text written without spaces between its words — Chinese, Japanese — and Korean, whose
words carry their particles (서울에서, "in Seoul"), made searchable by both engines'
word tokenizers: every Han, kana and Hangul character becomes a word of its own.

:func:`segment` puts :data:`SEP` (U+001F, a control character: a separator to SQLite's
``unicode61`` and to PostgreSQL's parser in any locale) between each such character and
the next letter or digit, in the text indexed and in what is searched for, so a query of
several characters is a phrase of consecutive characters: 灯塔 finds 老灯塔的故事, and
ランプ finds ランプを揺らしました. Snippets come back with the separators in them;
:func:`unsegment` takes them out again, leaving the text as it was.
"""
from __future__ import annotations

import re

SEP = "\x1f"
# Han (with extension A, compatibility ideographs and the supplementary planes), kana
# (with the phonetic extensions and half-width forms), Hangul syllables and jamo
_CLOSE = ("\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003134f"
          "\u3040-\u30ff\u31f0-\u31ff\uff66-\uff9f\uac00-\ud7af\u1100-\u11ff\u3130-\u318f")
# a close-written character and the letter or digit after it, or a letter or digit and
# the close-written character after it
_BETWEEN = re.compile(f"(?<=[{_CLOSE}])(?=[^\\W_])|(?<=[^\\W_])(?=[{_CLOSE}])")
_ANY = re.compile(f"[{_CLOSE}]")


def segment(text: str) -> str:
    """``text`` with :data:`SEP` on each side of every close-written character that
    touches another letter or digit (text without any is returned as it is)."""
    if not _ANY.search(text):
        return text
    return _BETWEEN.sub(SEP, text)


def unsegment(text: str) -> str:
    """What :func:`segment` made, as it was before."""
    return text.replace(SEP, "") if SEP in text else text
