"""static/js/stem.js stems as SQLite FTS5's porter tokenizer does (the library search's
index), so that find in the page and the library search agree word for word. Every word
of the reference transcript (when it is there) and of our fixtures is stemmed both ways."""
from __future__ import annotations

import json
import re
import shutil
import sqlite3
import subprocess

import pytest

from support import FIXTURES, REPO, SEED

# Words that exercise each step of the algorithm (Porter's own examples).
WORDS = """caresses ponies ties caress cats feed agreed plastered bled motoring sing conflated
troubled sized hopping tanned falling hissing fizzed failing filing happy sky relational
conditional rational valenci hesitanci digitizer conformabli radicalli differentli vileli
analogousli vietnamization predication operator feudalism decisiveness hopefulness
callousness formaliti sensitiviti sensibiliti triplicate formative formalize electriciti
electrical hopeful goodness revival allowance inference airliner gyroscopic adjustable
defensible irritant replacement adjustment dependent adoption homologou communism activate
angulariti homologous effective bowdlerize probate rate cease controll roll generalizations
oscillators archaeology biology yes by eyeing dying""".split()


def vocabulary() -> list[str]:
    texts = [path.read_text("utf-8") for path in FIXTURES.glob("*.*") if path.suffix in (".txt", ".vtt", ".srt", ".json")]
    if SEED.is_file():
        texts.append(SEED.read_text("utf-8"))
    found = {w for text in texts for w in re.findall(r"[a-z]+", text.lower())}
    return sorted(found | set(WORDS))


def sqlite_stems(words: list[str]) -> list[str]:
    db = sqlite3.connect(":memory:")
    db.execute("CREATE VIRTUAL TABLE t USING fts5(x, tokenize='porter unicode61 remove_diacritics 2')")
    db.execute("CREATE VIRTUAL TABLE v USING fts5vocab(t, 'row')")
    stems = []
    for word in words:
        db.execute("DELETE FROM t")
        db.execute("INSERT INTO t VALUES (?)", (word,))
        stems.append(db.execute("SELECT term FROM v").fetchone()[0])
    return stems


def js_stems(node: str, words: list[str]) -> list[str]:
    script = ("import { stem } from './static/js/stem.js'; let s = '';"
              "process.stdin.on('data', (d) => { s += d; });"
              "process.stdin.on('end', () => console.log(JSON.stringify(JSON.parse(s).map(stem))));")
    done = subprocess.run([node, "--input-type=module", "-e", script], input=json.dumps(words),
                          capture_output=True, text=True, cwd=REPO, check=True)
    return json.loads(done.stdout)


def test_the_page_stems_every_word_as_the_search_index_does():
    node = shutil.which("node")
    if node is None:
        pytest.skip("node is not installed (.ci/run installs it)")
    words = vocabulary()
    assert len(words) > 300
    differ = [(w, a, b) for w, a, b in zip(words, sqlite_stems(words), js_stems(node, words)) if a != b]
    assert differ == []
