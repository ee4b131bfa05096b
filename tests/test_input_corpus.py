"""A corpus of hostile and unlucky transcripts — binary, empty, every encoding, hostile
names, broken timings, huge lines, deep JSON — each through ``listenalong convert``: it
exits 0, or 2 with exactly one ``error:`` line. Never a traceback (an exception escaping
``main`` fails the test), and never a half-written output file."""
from __future__ import annotations

import codecs
import json
import random

import pytest

from webapp import cli

REV = "Ana (00:00):\n\nHello there.\n\nBen (00:05):\n\nHi, Ana.\n"
NAMES = ["\u202eevil\u202c", "Zero\u200bWidth", "😀 Emoji", "<script>x</script>", "A" * 500,
         "Dr. A. \"Ace\" Smith", "Jane (Host)", "[studio]", "tab\tname", "x" * 5000]


def encodings() -> dict[str, bytes]:
    out = {}
    for name in ("utf-8", "utf-8-sig", "utf-16", "utf-16-le", "utf-16-be", "utf-32", "cp1252",
                 "latin-1", "shift_jis", "koi8-r"):
        try:
            out[f"enc-{name}"] = REV.replace("Hello", "Héllo “quoted”").encode(name, "replace")
        except LookupError:
            continue
    out["bom-utf8-then-latin1"] = codecs.BOM_UTF8 + "Ana (00:00):\n\ncafé\n".encode("latin-1")
    out["bom-utf16-odd-length"] = codecs.BOM_UTF16_LE + b"A\x00n\x00a"
    return out


def binary(rng: random.Random) -> dict[str, bytes]:
    return {f"binary-{n}": bytes(rng.randrange(256) for _ in range(rng.choice([1, 100, 5000])))
            for n in range(12)} | {
        "png": b"\x89PNG\r\n\x1a\n" + bytes(200), "zip": b"PK\x03\x04" + bytes(200),
        "nul-in-text": REV.encode().replace(b"Hello", b"He\x00llo"),
    }


def shapes() -> dict[str, str]:
    return {
        "empty": "", "spaces": "   \n\t\n", "one-line": "Ana (00:00):", "no-times": "just words\n" * 50,
        "backwards": "A (00:10):\n\nx\n\nB (00:05):\n\ny\n", "same-time": "A (00:10):\n\nx\n\nB (00:10):\n\ny\n",
        "overflow": "A (99:99):\n\nx\n", "negative": "A (-00:05):\n\nx\n", "huge-hours": "A (999:59:59):\n\nx\n",
        "many-colons": "A (1:2:3:4):\n\nx\n", "bracket": "[00:00] A: x\n[00:03] B: y\n",
        "otter": "Ana  0:00\nhello\n\nBen  0:05\nhi\n",
        "long-line": "A (00:00):\n\n" + "word " * 200_000 + "\n",
        "many-cues": "".join(f"S (00:{i % 60:02d}):\n\nt{i}\n\n" for i in range(0, 59)),
        "crlf": REV.replace("\n", "\r\n"), "cr": REV.replace("\n", "\r"),
        "srt-no-hours": "1\n00:01,000 --> 00:02,000\nx\n", "srt-garbage-timing": "1\nAA --> BB\nx\n",
        "srt-backwards": "1\n00:00:05,000 --> 00:00:01,000\nx\n",
        "vtt-no-header": "00:00.000 --> 00:01.000\nx\n", "vtt-only-header": "WEBVTT\n",
        "vtt-tags": "WEBVTT\n\n00:00.000 --> 00:01.000\n<v A><b><unk>x</b></v>&amp;&lt;\n",
        "html-ok": "<cite>A:</cite><time>0:00</time><p>x</p>", "html-unclosed": "<time>0:00<p>x",
        "html-deep": "<time>0:00</time><p>" + "<b>" * 50_000 + "x", "html-no-p": "<time>0:00</time>" * 9,
        "html-comment": "<!-- <time>0:00</time><p>x</p> -->", "html-time-attr": '<time datetime="P">x</time><p>y</p>',
        "vtt-huge-settings": "WEBVTT\n\n00:00.000 --> 00:01.000 " + "align:start " * 5000 + "\nx\n",
        **{f"name-{i}": f"{name} (00:00):\n\nhello\n" for i, name in enumerate(NAMES)},
    }


def json_cases() -> dict[str, str]:
    seg = {"startTime": 0, "endTime": 1, "body": "x"}
    return {
        "json-empty-object": "{}", "json-list": "[]", "json-null": "null", "json-number": "7",
        "json-string": '"segments"', "json-segments-object": '{"segments": {}}',
        "json-segment-strings": '{"segments": ["a", "b"]}',
        "json-bad-times": json.dumps({"segments": [{**seg, "startTime": "soon"}]}),
        "json-nan": '{"segments": [{"startTime": NaN, "endTime": 1, "body": "x"}]}',
        "json-infinity": '{"segments": [{"startTime": Infinity, "endTime": 1, "body": "x"}]}',
        "json-bool-time": json.dumps({"segments": [{**seg, "startTime": True}]}),
        "json-body-object": json.dumps({"segments": [{**seg, "body": {"a": 1}}]}),
        "json-deep": "[" * 200_000, "json-deep-closed": "[" * 3000 + "]" * 3000,
        "json-digits": '{"segments": [{"startTime": 1' + "0" * 4400 + ', "endTime": 2, "body": "x"}]}',
        "json-whisper-ok": json.dumps({"segments": [{"start": 0, "end": 1, "text": "hi"}]}),
        "json-whisper-speaker-list": json.dumps({"segments": [{"start": 0, "end": 1, "text": "hi",
                                                               "speaker": ["a"]}]}),
        "json-trailing-garbage": json.dumps({"segments": [seg]}) + "}}}",
    }


def corpus() -> dict[str, bytes]:
    rng = random.Random(10)
    cases = {**encodings(), **binary(rng)}
    cases.update({k: v.encode("utf-8") for k, v in {**shapes(), **json_cases()}.items()})
    return cases


CORPUS = corpus()


@pytest.mark.parametrize("name", sorted(CORPUS))
def test_every_input_gives_output_or_one_clear_line(tmp_path, capsys, name):
    source = tmp_path / f"{name}.txt"
    source.write_bytes(CORPUS[name])
    out = tmp_path / "out.vtt"
    for args in (["convert", str(source), "-o", str(out)], ["convert", str(source), "--to", "json"],
                 ["convert", str(source), "--from", "json"], ["convert", str(source), "--from", "srt"]):
        code = cli.main(args)
        err = capsys.readouterr().err
        assert code in (0, 2), (name, args, code)
        errors = [line for line in err.splitlines() if not line.startswith("warning: ")]
        if code == 2:
            assert len(errors) == 1 and errors[0].startswith("error: "), (name, args, err[:300])
        else:
            assert errors == [], (name, args, err[:300])
    leftovers = [p.name for p in tmp_path.iterdir() if p.name not in (source.name, out.name)]
    assert leftovers == []
