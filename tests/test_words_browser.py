"""Word-level sync in Chromium, on flite speech aligned by the app: the highlighted word
is the word being said, clicking a word plays from it, and a find hit starts at its word."""
from __future__ import annotations

import pytest

from speech_support import align_and_store, speech_episode
from support import LiveServer
from test_alignment import PARAGRAPHS
from webapp import create_app
from webapp.core.episodes import Library, read_words

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def words_server(tmp_path_factory):
    audio, transcript, _ = speech_episode(tmp_path_factory.mktemp("words-speech"), PARAGRAPHS)
    media = tmp_path_factory.mktemp("words-media")
    library = Library(media)
    library.add(str(transcript), str(audio), slug="talk")
    align_and_store(library, "talk", 2)
    words = read_words(library.folder("talk"))["cues"]
    texts = [c.text for c in library.transcript("talk").cues]
    with LiveServer(create_app({"TESTING": True, "MEDIA_DIR": str(media)})) as server:
        yield server, words, texts


def open_page(page, server):
    page.goto(f"{server.url}/episodes/talk")
    page.wait_for_function("() => document.querySelector('.episode-page').dataset.words === 'ready'"
                           " && document.getElementById('player').readyState >= 1"
                           " && performance.getEntriesByName('listenalong:ready').length > 0")


def pause_at(page, seconds: float) -> None:
    page.evaluate("(s) => { const a = document.getElementById('player'); a.pause(); a.currentTime = s; }",
                  seconds)
    page.wait_for_function("(s) => { const a = document.getElementById('player');"
                           " return !a.seeking && Math.abs(a.currentTime - s) < 0.01; }", arg=seconds)


def now_word(page) -> str | None:
    return page.evaluate("() => { const w = document.querySelector('.word--now'); return w && w.textContent; }")


def test_the_highlighted_word_is_the_one_being_said(words_server, page):
    server, words, texts = words_server
    open_page(page, server)
    for cue in (0, 2, 3):
        for k in (0, 3, 7):
            ms, a, b = words[cue]["words"][k][:3]
            pause_at(page, ms / 1000 + 0.05)
            page.wait_for_function("(w) => { const n = document.querySelector('.word--now');"
                                   " return n && n.textContent === w; }", arg=texts[cue][a:b])
            assert page.evaluate("() => document.querySelector('.word--now').closest('.cue').id") == \
                f"cue-{cue + 1}"
    assert page.locator(".sentence--now").count() == 0     # words replace the sentence estimate


def test_playing_moves_the_highlight_word_by_word(words_server, page):
    server, words, texts = words_server
    open_page(page, server)
    seen = page.evaluate("""() => new Promise((done) => {
        const a = document.getElementById('player'); const seen = [];
        a.currentTime = 0; a.play();
        const look = () => { const w = document.querySelector('.word--now');
          if (w && seen[seen.length - 1] !== w.textContent) seen.push(w.textContent);
          if (a.currentTime > 3.3) { a.pause(); done(seen); } else requestAnimationFrame(look); };
        requestAnimationFrame(look); })""")
    said = [texts[0][a:b] for ms, a, b, *_ in words[0]["words"] if ms < 3300]
    assert seen == said[:len(seen)] and len(seen) >= len(said) - 1   # every word, in order


def click_word(page, cue: int, start: int, end: int) -> None:
    box = page.evaluate("""([cue, a, b]) => {
        const text = document.querySelector(`#cue-${cue + 1} .cue-text`);
        let node = text.firstChild; const range = document.createRange();
        range.setStart(node, a); range.setEnd(node, b);
        const r = range.getBoundingClientRect(); return {x: r.left + r.width / 2, y: r.top + r.height / 2};
    }""", [cue, start, end])
    page.mouse.click(box["x"], box["y"])


def test_clicking_a_word_plays_from_it(words_server, page):
    server, words, texts = words_server
    open_page(page, server)
    ms, a, b = words[2]["words"][2][:3]                      # "beehive"
    assert texts[2][a:b] == "beehive"
    page.evaluate("document.getElementById('cues').scrollIntoView()")
    click_word(page, 2, a, b)
    page.wait_for_function("() => !document.getElementById('player').paused")
    at = page.evaluate("document.getElementById('player').currentTime")
    assert ms / 1000 - 0.05 <= at <= ms / 1000 + 0.5


def test_a_find_hit_starts_at_its_word(words_server, page):
    server, words, texts = words_server
    open_page(page, server)
    page.fill("#find-q", "prism")
    page.wait_for_function("() => (window.listenalongFind || []).some((e) => e.query === 'prism' && e.done)")
    page.keyboard.press("Control+Enter")  # play from the match: at its word
    page.wait_for_function("() => !document.getElementById('player').seeking")
    k = next(k for k, (_, a, b) in enumerate(words[2]["words"]) if texts[2][a:b] == "prism")
    onset = words[2]["words"][k][0] / 1000
    at = page.evaluate("document.getElementById('player').currentTime")
    assert onset - 0.05 <= at <= onset + 0.5
