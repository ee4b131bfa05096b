"""Word-level alignment (issue 11): the words as spoken, mapped back to their characters;
forced alignment of flite speech against its known word onsets; words the dictionary
lacks; cue starts corrected; audio that does not match leaves the episode as it was."""
from __future__ import annotations

import json
import os
import re
import statistics

import pytest

from speech_support import align_and_store, speech_episode
from support import make_audio
from webapp.core.alignment.aligner import CueWords
from webapp.core.alignment.episode import AlignmentMismatch, written_words
from webapp.core.alignment.normalize import Token, tokens
from webapp.core.episodes import WORDS_FILE, Library, read_words
from webapp.core.model import Cue

SPOKEN = [
    ("It cost $5, or 25% more.", "it cost five dollars or twenty five percent more"),
    ("Visit gradient.run/lex today", "visit gradient dot run slash lex today"),
    ("B-L-I-N-K spells blink", "b l i n k spells blink"),
    ("Don’t stop & go", "don't stop and go"),
    ("In the 1990s, 1905 and 2023", "in the nineteen nineties nineteen oh five and twenty twenty three"),
    ("3.5 times 1,200 people", "three point five times one thousand two hundred people"),
    ("the 21st and 3rd floors", "the twenty first and third floors"),
    ("a well-known “quote” (really)", "a well known quote really"),
    ("100k users, 5m views", "one hundred thousand users five million views"),
    ("— ... !", ""),
]


@pytest.mark.parametrize("text, spoken", SPOKEN)
def test_text_is_normalised_the_way_it_is_spoken(text, spoken):
    assert " ".join(t.word for t in tokens(text)) == spoken


def test_every_token_points_at_its_written_word():
    text = "Pay $5 at gradient.run/lex, don’t wait!"
    assert [(t.word, text[t.start:t.end]) for t in tokens(text)] == [
        ("pay", "Pay"), ("five", "$5"), ("dollars", "$5"), ("at", "at"),
        ("gradient", "gradient.run/lex"), ("dot", "gradient.run/lex"), ("run", "gradient.run/lex"),
        ("slash", "gradient.run/lex"), ("lex", "gradient.run/lex"), ("don't", "don’t"),
        ("wait", "wait")]


def test_written_words_take_their_first_tokens_onset_and_fill_gaps_between_neighbours():
    text = "one zyxwv $5 three"
    found = tokens(text)
    result = CueWords(found, [1.0, None, 2.0, 2.2, 3.0])   # zyxwv: not in the dictionary
    assert written_words(result) == [[1000, 0, 3], [1500, 4, 9, 1], [2000, 10, 12], [3000, 13, 18]]
    backwards = CueWords([Token("a", 0, 1), Token("b", 2, 3)], [2.0, 1.0])
    assert written_words(backwards) == [[2000, 0, 1], [2000, 2, 3]]


PARAGRAPHS = [
    ("Mira", "The lighthouse keeper climbed ninety steps every morning before the fog rolled in."),
    ("Theo", "What did the lamp look like up close when the light was turning?"),
    ("Mira", "Like a beehive made of glass. Every prism bends the light toward the sea."),
    ("Theo", "And the view from the gallery on a clear night in the middle of winter?"),
]


@pytest.fixture(scope="module")
def spoken(tmp_path_factory):
    return speech_episode(tmp_path_factory.mktemp("speech"), PARAGRAPHS)


def test_flite_speech_aligns_to_its_word_onsets(tmp_path, spoken):
    audio, transcript, truth = spoken
    library = Library(tmp_path / "media")
    library.add(str(transcript), str(audio), slug="talk")
    estimated = [c.start for c in library.transcript("talk").cues]
    report = align_and_store(library, "talk", 2)
    assert report.aligned == len(PARAGRAPHS) and not report.failed
    data = read_words(library.folder("talk"))
    cues = library.transcript("talk").cues
    errors = []
    for cue, entry, onsets in zip(cues, data["cues"], truth):
        words = entry["words"]
        assert [cue.text[a:b] for _, a, b, *_ in words] == [w.strip(".,?!") for w in cue.text.split()]
        assert len(words) == len(onsets)
        errors += [abs(ms / 1000 - t) for (ms, *_), t in zip(words, onsets)]
        assert abs(cue.start - onsets[0]) < 0.1             # the cue starts at its first word
    assert statistics.median(errors) < 0.04 and max(errors) < 0.25
    assert any(abs(a - b) > 0.1 for a, b in zip(estimated, [c.start for c in cues]))
    assert report.moved and report.summary().startswith(f"aligned 4 of 4 paragraphs, {report.words} words")


def test_aligning_again_gives_the_same_words(tmp_path, spoken):
    audio, transcript, _ = spoken
    library = Library(tmp_path / "media")
    library.add(str(transcript), str(audio), slug="talk")
    align_and_store(library, "talk", 1)
    first = (library.folder("talk") / WORDS_FILE).read_text()
    align_and_store(library, "talk", 2)
    again = json.loads((library.folder("talk") / WORDS_FILE).read_text())
    assert again == json.loads(first)              # the same windows, the same words


def test_audio_that_does_not_hold_the_words_leaves_the_episode_as_it_was(tmp_path, spoken):
    _, transcript, _ = spoken
    library = Library(tmp_path / "media")
    library.add(str(transcript), str(make_audio(tmp_path / "silence.mp3", 40)), slug="talk")
    folder = library.folder("talk")
    before = (folder / "transcript.vtt").read_bytes()
    with pytest.raises(AlignmentMismatch, match=r"only 0% of the transcript's words were heard in the audio \(0 of 4 paragraphs\)"):
        align_and_store(library, "talk", 2)
    assert (folder / "transcript.vtt").read_bytes() == before
    assert not (folder / WORDS_FILE).exists()


# ---- the command line -----------------------------------------------------------------

def listenalong(*args):
    import subprocess
    import sys

    from support import REPO

    return subprocess.run([sys.executable, "-m", "webapp", *map(str, args)], capture_output=True,
                          text=True, cwd=REPO, timeout=300)


def test_add_aligns_by_default_and_align_is_idempotent(tmp_path, spoken):
    audio, transcript, _ = spoken
    media = tmp_path / "media"
    proc = listenalong("add", transcript, "--audio", audio, "--slug", "talk", "--media", media)
    assert proc.returncode == 0, proc.stderr
    assert "talk: aligned 4 of 4 paragraphs, 55 words" in proc.stderr
    words = (media / "talk" / WORDS_FILE).read_text()
    vtt = (media / "talk" / "transcript.vtt").read_text()
    proc = listenalong("align", "talk", "--media", media)
    assert proc.returncode == 0 and proc.stderr.startswith("talk: aligned 4 of 4")
    assert (media / "talk" / WORDS_FILE).read_text() == words
    assert (media / "talk" / "transcript.vtt").read_text() == vtt


def test_no_align_skips_it_and_a_mismatch_refuses_add_and_is_one_line_for_align(tmp_path, spoken):
    _, transcript, _ = spoken
    media = tmp_path / "media"
    silence = make_audio(tmp_path / "silence.mp3", 40)
    proc = listenalong("add", transcript, "--audio", silence, "--slug", "quiet", "--no-align",
                       "--media", media)
    assert proc.returncode == 0 and proc.stderr == "" and not (media / "quiet" / WORDS_FILE).exists()
    proc = listenalong("add", transcript, "--audio", silence, "--slug", "wrong", "--media", media)
    assert proc.returncode == 2 and proc.stdout == ""
    assert proc.stderr.splitlines()[-1] == (
        f"error: {transcript}: only 0% of the transcript's words were heard in the audio (0 of 4 "
        f"paragraphs) — is this the right audio?; nothing was added (to keep the transcript's "
        f"own timing, add it with --no-align)")
    assert not (media / "wrong").exists()
    before = {p.name: p.read_bytes() for p in (media / "quiet").iterdir()}
    proc = listenalong("align", "--all", "--report", "--media", media)
    assert proc.returncode == 2
    assert proc.stderr.splitlines() == ["error: quiet: only 0% of the transcript's words were heard "
                                        "in the audio (0 of 4 paragraphs) — is this the right audio?"]
    assert {p.name: p.read_bytes() for p in (media / "quiet").iterdir()} == before
    assert listenalong("align", "nobody", "--media", media).returncode == 2


# ---- exports and the page's data -------------------------------------------------------

@pytest.fixture(scope="module")
def aligned_client(tmp_path_factory, spoken):
    from webapp import create_app

    audio, transcript, _ = spoken
    media = tmp_path_factory.mktemp("aligned-media")
    library = Library(media)
    library.add(str(transcript), str(audio), slug="talk")
    align_and_store(library, "talk", 2)
    return create_app({"TESTING": True, "MEDIA_DIR": str(media)}).test_client(), library


def test_the_page_points_at_its_words_and_serves_them(aligned_client):
    client, library = aligned_client
    page = client.get("/episodes/talk").get_data(as_text=True)
    # the address carries the episode's version: a re-alignment is never read from the cache
    version = library.version("talk")
    assert f'data-words-url="/episodes/talk/words.json?v={version}"' in page
    assert "word by word" in page
    data = client.get("/episodes/talk/words.json").get_json()
    assert data["version"] == 1 and len(data["cues"]) == 4
    assert client.get("/episodes/talk/words.json").headers["ETag"]


def test_word_level_json_has_a_segment_per_word(aligned_client):
    client, library = aligned_client
    segments = client.get("/episodes/talk/transcript.json?words=1").get_json()["segments"]
    assert len(segments) == 55
    assert [s["body"] for s in segments[:3]] == ["The", "lighthouse", "keeper"]
    assert all(a["startTime"] <= b["startTime"] for a, b in zip(segments, segments[1:]))
    assert all(s["startTime"] <= s["endTime"] for s in segments)
    assert segments[0]["speaker"] == "Mira"
    assert len(client.get("/episodes/talk/transcript.json").get_json()["segments"]) == 4


def test_word_level_vtt_has_timestamp_tags_and_is_valid(aligned_client, validate_vtt, read_vtt_back):
    client, library = aligned_client
    vtt = client.get("/episodes/talk/transcript.vtt?words=1").get_data(as_text=True)
    assert validate_vtt(vtt) == {"errors": [], "cues": 4}
    first = vtt.split("\n\n")[1]
    assert re.search(r"<v Mira>The <00:00:00\.[23]\d0>lighthouse <00:00:00\.\d+>keeper", first)
    plain = client.get("/episodes/talk/transcript.vtt").get_data(as_text=True)
    assert "<00:" not in plain                                    # the file stays paragraphs


def test_no_words_means_no_words_url_and_a_404(tmp_path, spoken):
    from webapp import create_app

    audio, transcript, _ = spoken
    Library(tmp_path).add(str(transcript), str(audio), slug="plain")
    client = create_app({"TESTING": True, "MEDIA_DIR": str(tmp_path)}).test_client()
    assert "data-words-url" not in client.get("/episodes/plain").get_data(as_text=True)
    assert client.get("/episodes/plain/words.json").status_code == 404
    assert len(client.get("/episodes/plain/transcript.json?words=1").get_json()["segments"]) == 4


def word_onset(library, cue: int, word: str) -> float:
    words = read_words(library.folder("talk"))["cues"][cue]["words"]
    text = library.transcript("talk").cues[cue].text
    return next(ms / 1000 for ms, a, b, *_ in words if text[a:b] == word)


def test_library_search_results_start_at_the_matched_word(aligned_client):
    client, library = aligned_client
    (hit,) = client.get("/api/search?q=beehive").get_json()["results"]
    onset = word_onset(library, 2, "beehive")
    assert hit["url"] == f"/episodes/talk?t={onset:g}"
    assert hit["start"] < onset                                 # the cue starts earlier
    page = client.get("/search?q=prism").get_data(as_text=True)
    assert f'href="/episodes/talk?t={word_onset(library, 2, "prism"):g}"' in page


def test_clips_snap_to_word_edges(aligned_client):
    from webapp.core.clips import GRID

    client, library = aligned_client
    beehive, made = word_onset(library, 2, "beehive"), word_onset(library, 2, "made")
    response = client.get(f"/episodes/talk/clip.mp3?t={beehive + 0.12:.3f},{made - 0.05:.3f}")
    assert response.status_code == 200
    name = response.headers["Content-Disposition"]
    cache = library.root / ".cache" / "clips"
    (clip,) = [p.name for p in cache.iterdir() if p.suffix == ".mp3"]
    start_ms, end_ms = (int(x) for x in clip.split("-")[1:3])
    assert start_ms == round(int(beehive / GRID + 1e-6) * GRID * 1000)   # the word's start
    assert end_ms >= round(made * 1000)                                  # through its word
    assert "talk-" in name


KILL = """
import os, signal, sys
sys.path.insert(0, {repo!r})
from webapp.core import atomic
from webapp.core.alignment import episode
from webapp.core.episodes import Library

def die(*args, **kwargs):
    os.kill(os.getpid(), signal.SIGKILL)

if {where!r} == "before writing":
    episode._collect = die
else:                                   # the first file written, just before its rename
    atomic.os.replace = die
library = Library({media!r})
alignment = episode.align_episode(library, "talk", workers=2)
library.save_alignment("talk", alignment.words, alignment.cues)
"""


@pytest.mark.parametrize("where", ["before writing", "while writing"])
def test_a_kill_mid_way_leaves_the_episode_as_it_was(tmp_path, spoken, where):
    import subprocess
    import sys

    from support import REPO

    audio, transcript, _ = spoken
    library = Library(tmp_path / "media")
    library.add(str(transcript), str(audio), slug="talk")
    folder = library.folder("talk")
    before = {p.name: p.read_bytes() for p in folder.iterdir()}
    done = subprocess.run([sys.executable, "-c", KILL.format(repo=str(REPO), where=where,
                                                             media=str(tmp_path / "media"))],
                          capture_output=True, timeout=120)
    assert done.returncode == -9
    after = {p.name: p.read_bytes() for p in folder.iterdir() if not p.name.startswith(".tmp-")}
    assert after == before                          # no words.json, the same transcript.vtt
    assert library.transcript("talk") is not None
    for left in folder.glob(".tmp-*"):              # what the kill left: swept by the next run
        os.utime(left, (1_000_000, 1_000_000))
    align_and_store(library, "talk", 2)
    assert not list(folder.glob(".tmp-*")) and (folder / WORDS_FILE).is_file()


def test_import_feed_align_times_the_words_of_each_new_episode(tmp_path, spoken):
    """A feed item whose transcript is plain text (Rev style, sent as text/plain) and whose
    enclosure is speech: with --align it gets word timings as `add` gives them."""
    import contextlib
    import io

    from feed_server import FeedServer
    from webapp.cli import main

    audio, transcript, truth = spoken
    with FeedServer() as server:
        server.add("/talk.wav", audio.read_bytes(), "audio/wav")
        server.add("/talk.txt", transcript.read_text(), "text/plain")
        feed = server.add("/feed.xml", f"""<rss version="2.0" xmlns:podcast="https://podcastindex.org/namespace/1.0">
          <channel><title>Talk</title><item><title>Glass house</title><guid>talk-1</guid>
          <enclosure url="{server.url}/talk.wav" type="audio/wav"/>
          <podcast:transcript url="{server.url}/talk.txt" type="text/plain"/></item></channel></rss>""",
                          "application/rss+xml")
        err = io.StringIO()
        with contextlib.redirect_stderr(err), contextlib.redirect_stdout(io.StringIO()):
            code = main(["import-feed", feed, "--align", "--allow-private-feeds", "--media", str(tmp_path),
                         "--workers", "1"])
    assert code == 0, err.getvalue()
    library = Library(tmp_path)
    (episode,) = library.episodes()
    assert episode.transcript == "original.txt"
    assert library.file(episode.slug, "words.json") is not None
    assert f"{episode.slug}: " in err.getvalue() and "1 added" in err.getvalue()
