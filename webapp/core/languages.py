"""The language a transcript is in, and its direction: a code given (``add --language``, a
feed's ``language``) made into a BCP 47 tag, or, without one, the script the text is
written in where that names the language (Arabic, Hebrew, Chinese, Japanese, Korean and
Thai; Latin and Cyrillic script say too little, and stay unknown)."""
from __future__ import annotations

import functools
import re
import unicodedata

RIGHT_TO_LEFT = {"ar", "arc", "ckb", "dv", "fa", "he", "ks", "ku-arab", "ps", "sd", "syr", "ug", "ur", "yi"}
TAG = re.compile(r"^[a-z]{2,3}(-[a-z0-9]{2,8})*$")
SAMPLE = 4000   # characters of the text looked at


class LanguageError(ValueError):
    """A code that is not a language tag."""


def normalize(code: str | None) -> str:
    """``code`` as a BCP 47 tag (``pt-BR``, ``zh-Hant``, ``de``), "" for none; raises
    :class:`LanguageError` for what is not a tag."""
    text = (code or "").strip().replace("_", "-")
    if not text:
        return ""
    if not TAG.match(text.lower()):
        raise LanguageError(f"{code!r} is not a language code; use one like en, de, pt-BR or zh-Hant")
    parts = text.split("-")
    shaped = [parts[0].lower()]
    for part in parts[1:]:
        if len(part) == 2:
            shaped.append(part.upper())          # a region: BR
        elif len(part) == 4 and part.isalpha():
            shaped.append(part.title())          # a script: Hant
        else:
            shaped.append(part.lower())
    return "-".join(shaped)


def direction(tag: str) -> str:
    """"rtl" for a language written right to left, else "ltr"."""
    tag = (tag or "").lower()
    primary = tag.split("-")[0]
    if "-arab" in tag or "-hebr" in tag:
        return "rtl"
    if "-latn" in tag or "-cyrl" in tag:
        return "ltr"
    return "rtl" if primary in RIGHT_TO_LEFT or tag in RIGHT_TO_LEFT else "ltr"


def _script(ch: str) -> str | None:
    code = ord(ch)
    if 0x0590 <= code <= 0x05FF or 0xFB1D <= code <= 0xFB4F:
        return "he"
    if 0x0600 <= code <= 0x06FF or 0x0750 <= code <= 0x077F or 0x08A0 <= code <= 0x08FF \
            or 0xFB50 <= code <= 0xFDFF or 0xFE70 <= code <= 0xFEFF:
        return "ar"
    if 0x3040 <= code <= 0x30FF or 0x31F0 <= code <= 0x31FF:
        return "kana"
    if 0xAC00 <= code <= 0xD7AF or 0x1100 <= code <= 0x11FF or 0x3130 <= code <= 0x318F:
        return "ko"
    if 0x4E00 <= code <= 0x9FFF or 0x3400 <= code <= 0x4DBF or 0xF900 <= code <= 0xFAFF:
        return "han"
    if 0x0E00 <= code <= 0x0E7F:
        return "th"
    if unicodedata.category(ch).startswith("L"):
        return "other"
    return None


def detect(texts) -> str:
    """The language the script of ``texts`` names, or "" when it names none (or too little
    of the text is in one)."""
    counts: dict[str, int] = {}
    seen = 0
    for text in texts:
        for ch in text:
            script = _script(ch)
            if script:
                counts[script] = counts.get(script, 0) + 1
        seen += len(text)
        if seen >= SAMPLE:
            break
    letters = sum(counts.values())
    if not letters:
        return ""
    cjk = counts.get("han", 0) + counts.get("kana", 0)
    if counts.get("kana", 0) and cjk / letters > 0.3:
        return "ja"
    if cjk / letters > 0.3:
        return "zh"
    for script in ("ar", "he", "ko", "th"):
        if counts.get(script, 0) / letters > 0.3:
            return script
    return ""


def name(tag: str) -> str:
    """The language's name in English ("German", "Chinese (Traditional)"); the tag itself
    when it names no language known (and "" for none)."""
    return _names(tag)[0]


def autonym(tag: str) -> str:
    """The language's name in itself ("Deutsch", "日本語"), for a switcher between
    languages: each reader finds their own; the English name when it has none known."""
    return _names(tag)[1]


@functools.lru_cache(maxsize=256)
def _names(tag: str) -> tuple[str, str]:
    if not tag:
        return "", ""
    import langcodes   # (with language_data: about 40 ms, the first time a name is asked)

    try:
        found = langcodes.Language.get(tag)
        english = found.display_name()
        own = found.autonym()
    except (LookupError, ValueError):
        return tag, tag
    if english.startswith("Unknown language"):
        return tag, tag
    own = own if own and not own.startswith("Unknown language") else english
    return english, own[:1].upper() + own[1:]
