"""Encodings and line endings (issue 2): UTF-8 with and without BOM, UTF-16 with BOM (LE
and BE) and cp1252 all read the same, smart quotes intact; LF, CRLF and CR give identical
cues. The variants are generated here from one source text."""
from __future__ import annotations

import codecs

import pytest

from webapp.core import read_transcript

ENCODINGS = {
    "utf-8": lambda text: text.encode("utf-8"),
    "utf-8-bom": lambda text: codecs.BOM_UTF8 + text.encode("utf-8"),
    "utf-16-le-bom": lambda text: codecs.BOM_UTF16_LE + text.encode("utf-16-le"),
    "utf-16-be-bom": lambda text: codecs.BOM_UTF16_BE + text.encode("utf-16-be"),
    "cp1252": lambda text: text.encode("cp1252"),
}
LINE_ENDINGS = {"LF": "\n", "CRLF": "\r\n", "CR": "\r"}


@pytest.fixture(scope="module")
def source(fixtures_dir):
    return (fixtures_dir / "encoding_source.txt").read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def expected(fixtures_dir):
    return read_transcript(fixtures_dir / "encoding_source.txt").cues


def test_the_source_has_what_cp1252_gets_wrong_most_often(expected):
    text = " ".join(c.text for c in expected)
    for char in "’“”—é":
        assert char in text
    assert expected[0].text == "It’s the “three sisters” method — corn, beans and squash together."


@pytest.mark.parametrize("encoding", ENCODINGS)
def test_every_encoding_reads_the_same(tmp_path, source, expected, encoding):
    data = ENCODINGS[encoding](source)
    path = tmp_path / f"{encoding}.txt"
    path.write_bytes(data)

    assert read_transcript(path).cues == expected


def test_cp1252_bytes_are_really_not_utf8(source):
    """The cp1252 variant exercises the fallback: its smart quotes are not valid UTF-8."""
    with pytest.raises(UnicodeDecodeError):
        ENCODINGS["cp1252"](source).decode("utf-8")


@pytest.mark.parametrize("encoding", ENCODINGS)
@pytest.mark.parametrize("ending", LINE_ENDINGS)
def test_line_endings_give_identical_cues(tmp_path, source, expected, encoding, ending):
    text = source.replace("\n", LINE_ENDINGS[ending])
    path = tmp_path / "episode.txt"
    path.write_bytes(ENCODINGS[encoding](text))

    cues = read_transcript(path).cues
    assert cues == expected
    assert all("\r" not in c.text for c in cues)
