"""Bytes → text lines: BOMs, UTF-8, UTF-16, cp1252, and any line ending."""
from __future__ import annotations

import codecs

from .errors import InputError

_BOMS = (
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
_TEXT_CONTROLS = {"\t", "\n", "\r", "\f", "\v"}


def decode(data: bytes) -> str:
    """Decode a transcript's bytes and normalise line endings to ``\\n``.

    UTF-8 (with or without BOM) and UTF-16 with BOM are read as such; other
    bytes that are not valid UTF-8 are read as cp1252, the encoding of text
    exported on Windows (smart quotes come out as ’ and “”).
    """
    if not data.strip():
        raise InputError("the file is empty; export the transcript again, with its text")
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            try:
                text = data.decode(encoding)
            except UnicodeDecodeError:
                raise InputError(f"the file starts with a {encoding} byte-order mark but is not "
                                 f"valid {encoding}; save it again as UTF-8") from None
            break
    else:
        if b"\x00" in data:
            raise InputError("this is a binary file, not a transcript; give the transcript's "
                             "text file (.txt, .srt, .vtt or .json)")
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError:
            text = data.decode("cp1252", errors="replace")
    _reject_binary(text)
    return text.replace("\r\n", "\n").replace("\r", "\n")


def _reject_binary(text: str) -> None:
    sample = text[:4096]
    controls = sum(1 for ch in sample if ch < " " and ch not in _TEXT_CONTROLS)
    if controls > max(2, len(sample) // 100):
        raise InputError("this is a binary file, not a transcript; give the transcript's "
                         "text file (.txt, .srt, .vtt or .json)")
