"""Word sync when the timestamps are wrong (issue 23): the audio is heard with a model of
the transcript's own words, lined up with the text (anchors), and what the transcript
does not hold — an inserted ad, a music bed — becomes a gap no word is placed in.

Flite speech with known word onsets (tests/speech_support.py), spliced the way real
failures happen: an ad read by another voice, synthetic music, every stamp 3 s late,
another episode's audio."""
from __future__ import annotations

import statistics
import wave

import pytest

from speech_support import align_and_store, music, speech_episode, spoken_ad
from webapp import create_app
from webapp.core.alignment.anchors import anchor
from webapp.core.alignment.episode import AlignmentMismatch
from webapp.core.alignment.pronounce import pronounce
from webapp.core.episodes import Library, read_words

# Our own text (the benchmark speaks the reference transcript: these stay held out).
TALK = [
    ("Ada", "The orchard keeper walked the long rows every autumn, counting apples by the "
            "basket and writing each number in a small green notebook."),
    ("Ben", "Did the old trees near the river still give fruit after the flood, or were "
            "they lost along with the fence and the stone wall?"),
    ("Ada", "Most of them came back slowly. The roots held on, and by the second summer "
            "the branches were heavy again with small sour apples."),
    ("Ben", "So the notebook tells the whole story of the orchard, year after year, in "
            "numbers that only the keeper could read."),
]
AD = ("This part is brought to you by Meadowlark coffee. Roasted fresh every morning and "
      "sent to your door, try a bag free today.")


def _params(folder):
    probe = speech_episode(folder / "probe", TALK[:1])[0]
    with wave.open(str(probe)) as handle:
        return handle.getparams()


def _aligned(tmp_path, audio, transcript):
    library = Library(tmp_path / "media")
    library.add(str(transcript), str(audio), slug="talk")
    report = align_and_store(library, "talk", 2)
    return library, report, read_words(library.folder("talk"))


def _errors(words: dict, truth) -> list[float]:
    return [abs(w[0] / 1000 - t) for entry, onsets in zip(words["cues"], truth) if entry
            for w, t in zip(entry["words"], onsets)]


# ---- pure parts --------------------------------------------------------------------------
def test_anchors_line_up_what_was_heard_with_what_was_written_around_an_insert():
    written = "the keeper walked the long rows every autumn counting apples by the basket".split()
    heard = ("uh the keeper walked the long rows try a bag free today every autumn counting "
             "apples by the basket").split()
    matched = anchor(written, heard)
    assert [heard[j] for j in matched] == written
    assert matched[5] == 6 and matched[6] == 12         # "rows" … the ad … "every"


def test_words_heard_out_of_order_or_from_another_text_anchor_nothing():
    written = "the keeper walked the long rows every autumn counting apples".split()
    assert set(anchor(written, "apples counting autumn every rows long the".split())) == {None}
    assert set(anchor(written, "a different talk about coffee and the sea".split())) == {None}
    assert anchor([], []) == []


def test_words_the_dictionary_lacks_are_said_from_parts_it_has():
    from pocketsphinx import Decoder

    lookup = Decoder(lm=None, loglevel="FATAL").lookup_word
    assert pronounce("GPU", lookup) == " ".join(lookup(c) for c in "gpu")
    assert pronounce("ExpressVPN", lookup) == " ".join(
        [lookup("express")] + [lookup(c) for c in "vpn"])
    assert pronounce("Paperspace", lookup) == f"{lookup('paper')} {lookup('space')}"
    assert pronounce("masquerades", lookup) == f"{lookup('masquerade')} Z"
    assert pronounce("Xqzvtr", lookup) is None and pronounce("—", lookup) is None


# ---- the whole episode -------------------------------------------------------------------
def test_an_inserted_ad_and_music_become_gaps_and_the_words_keep_their_times(tmp_path):
    params = _params(tmp_path)
    inserts = {1: spoken_ad(AD, tmp_path, params), 3: music(12.0, params)}
    audio, transcript, truth = speech_episode(tmp_path / "speech", TALK, inserts)
    library, report, words = _aligned(tmp_path, audio, transcript)
    errors = _errors(words, truth)
    assert report.aligned == len(TALK) and statistics.median(errors) < 0.04
    assert sum(e > 0.25 for e in errors) <= 1
    gaps = [(a / 1000, b / 1000) for a, b in words["gaps"]]
    assert len(gaps) == 2 and "2 stretches not in the transcript" in report.summary()
    for (start, end), n in zip(gaps, (1, 3)):      # each between the words around its insert
        assert truth[n - 1][-1] < start and end <= truth[n][0] + 0.05
        assert end - start > 0.8 * len(inserts[n]) / (params.framerate * params.sampwidth)
    onsets = [w[0] / 1000 for entry in words["cues"] for w in entry["words"]]
    assert not any(a <= t < b for t in onsets for a, b in gaps)       # no word in a gap
    cues = library.transcript("talk").cues
    assert all(abs(c.start - t[0]) < 0.15 for c, t in zip(cues, truth))  # starts at its first word


def test_stamps_three_seconds_late_are_corrected(tmp_path):
    audio, transcript, truth = speech_episode(tmp_path / "speech", TALK, shift=3.0)
    _, report, words = _aligned(tmp_path, audio, transcript)
    errors = _errors(words, truth)
    assert statistics.median(errors) < 0.04 and sum(e > 0.25 for e in errors) <= 1
    assert not words["gaps"]
    timed = sum(len(w) == 3 for entry in words["cues"] for w in entry["words"])
    assert timed / report.words >= 0.97


def test_another_episodes_audio_is_refused_and_nothing_is_written(tmp_path):
    other = [("Cy", "A completely different conversation about sailing boats, harbour "
                    "lights and the weather over the northern islands in winter.")] * 4
    audio = speech_episode(tmp_path / "other", other)[0]
    transcript = speech_episode(tmp_path / "speech", TALK)[1]
    library = Library(tmp_path / "media")
    library.add(str(transcript), str(audio), slug="talk")
    with pytest.raises(AlignmentMismatch, match="is this the right audio"):
        align_and_store(library, "talk", 2)
    assert library.words_file("talk") is None


def test_the_page_marks_a_gap_between_the_cues_and_its_link_skips_it(tmp_path):
    library = Library(tmp_path / "media")
    audio = speech_episode(tmp_path / "speech", TALK)[0]
    transcript = speech_episode(tmp_path / "speech", TALK)[1]
    library.add(str(transcript), str(audio), slug="talk")
    alignment_words = {"version": 1, "cues": [None] * 4, "gaps": [[9000, 21500]]}
    cues = library.transcript("talk").cues
    library.save_alignment("talk", alignment_words, cues)
    page = create_app({"TESTING": True, "MEDIA_DIR": str(tmp_path / "media")}).test_client() \
        .get("/episodes/talk").get_data(as_text=True)
    marker = page.index('class="gap"')
    assert page.index('id="cue-1"') < marker < page.index('id="cue-2"') or \
        page.index('id="cue-2"') < marker
    assert 'data-start="9" data-end="21.5"' in page and "Not in the transcript · 0:12" in page
    assert 'href="?t=21.5' in page and "Skip what the transcript does not hold" in page


# ---- in Chromium -------------------------------------------------------------------------
@pytest.fixture(scope="module")
def gap_server(tmp_path_factory):
    from support import LiveServer

    folder = tmp_path_factory.mktemp("gap")
    params = _params(folder)
    audio, transcript, _ = speech_episode(folder / "speech", TALK, {2: music(8.0, params)})
    library = Library(folder / "media")
    library.add(str(transcript), str(audio), slug="talk")
    align_and_store(library, "talk", 2)
    gaps = read_words(library.folder("talk"))["gaps"]
    with LiveServer(create_app({"TESTING": True, "MEDIA_DIR": str(folder / "media")})) as server:
        yield server, [(a / 1000, b / 1000) for a, b in gaps]


@pytest.mark.browser
@pytest.mark.parametrize("width", [1280, 390])
def test_in_a_gap_the_highlight_rests_and_skip_jumps_past_it(browser, gap_server, width):
    server, gaps = gap_server
    assert len(gaps) == 1
    start, end = gaps[0]
    page = browser.new_page(viewport={"width": width, "height": 800})
    page.goto(f"{server.url}/episodes/talk")
    page.wait_for_function("() => document.querySelector('.episode-page').dataset.words === 'ready'"
                           " && document.getElementById('player').readyState >= 1")
    assert page.locator(".scrub-band").count() == 1
    page.evaluate("(s) => { const a = document.getElementById('player'); a.currentTime = s; a.play(); }",
                  start + 1)
    page.wait_for_function("() => !document.getElementById('skip-gap').hidden")
    assert page.inner_text("#skip-gap").startswith("Skip · 0:0")
    assert page.locator(".gap[aria-current]").is_visible()          # the marker is shown
    assert page.locator(".word--now").count() == 0                  # no word is being said
    assert page.get_attribute(".episode-page", "data-gap") == "on"
    page.keyboard.press("s")
    page.wait_for_function("(e) => document.getElementById('player').currentTime >= e - 0.05", arg=end)
    page.wait_for_function("() => document.getElementById('skip-gap').hidden")
    assert page.locator(".gap[aria-current]").count() == 0
    page.close()


def test_a_transcript_with_no_timestamps_is_timed_from_its_audio(tmp_path):
    audio, transcript, truth = speech_episode(tmp_path / "speech", TALK, stamps=False)
    assert "(" not in transcript.read_text()             # "Ada: The orchard keeper…"
    library, report, words = _aligned(tmp_path, audio, transcript)
    cues = library.transcript("talk").cues
    assert [c.speaker for c in cues] == [speaker for speaker, _ in TALK]
    assert all(abs(c.start - t[0]) < 0.1 for c, t in zip(cues, truth))
    assert statistics.median(_errors(words, truth)) < 0.04


def test_without_audio_a_transcript_with_no_timestamps_still_needs_them(tmp_path):
    from webapp.cli import main

    path = tmp_path / "plain.txt"
    path.write_text("Ada: The orchard keeper walked the rows.\n\nBen: Did the trees give fruit?\n")
    assert main(["convert", str(path)]) == 2
