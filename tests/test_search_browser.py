"""In-episode find and library search in Chromium, on the seed episode and a fixture of
our own (accents, curly quotes, punctuation)."""
from __future__ import annotations

import json
import urllib.request

import pytest

from support import FIXTURES, LiveServer, make_audio

pytestmark = pytest.mark.browser


def occurrences(page, texts: list[str], query: str) -> list[int]:
    """How many matches of ``query`` each of ``texts`` holds, by static/js/find-words.js
    itself (tested on its own in tests/js/find-words.test.mjs): what find must mark."""
    return page.evaluate("""async ([texts, query]) => {
        const { fold, foldQuery } = await import('/static/js/fold.js');
        const { findWords, parseFind, wordsOf } = await import('/static/js/find-words.js');
        const found = findWords(texts.map((t) => wordsOf(fold(t))), parseFind(foldQuery(query), { typing: true }));
        return texts.map((_, cue) => (found.byCue.get(cue) || []).length);
    }""", [texts, query])


PLAYHEAD = "() => { const a = document.querySelector('#player'); return [a.currentTime, a.paused]; }"
# The current match is on screen, below the sticky player bar.
CURRENT_ON_SCREEN = """() => {
  const m = document.querySelector('mark.mark--current');
  if (!m) return false;
  const r = m.getBoundingClientRect();
  const bar = document.querySelector('.player-bar').getBoundingClientRect().bottom;
  return r.top >= bar && r.bottom <= innerHeight;
}"""


def open_episode(page, url: str) -> None:
    page.goto(url)
    page.wait_for_selector(".find-step:not([hidden])", state="attached")   # find.js has started


def find(page, text: str) -> dict:
    """Type ``text`` into the find box and wait until every cue shows that search (the
    cues on screen are marked at once, the others in the background)."""
    before = page.evaluate("() => (window.listenalongFind || []).length")
    page.fill("#find-q", text)
    return settle(page, before, text)


def settle(page, before: int, text: str) -> dict:
    page.wait_for_function(
        "([n, q]) => { const t = window.listenalongFind || [];"
        " return t.length > n && t.at(-1).query === q && t.at(-1).done; }", arg=[before, text])
    return page.evaluate("() => window.listenalongFind.at(-1)")


def status(page) -> tuple[str, int, int]:
    box = page.locator("#find-status")
    return box.inner_text(), int(box.get_attribute("data-count")), \
        int(box.get_attribute("data-current"))


def cue_texts(page) -> list[str]:
    return page.eval_on_selector_all("#cues .cue-text", "els => els.map(e => e.textContent)")


def marks(page) -> list[dict]:
    return page.eval_on_selector_all("#cues mark", """els => els.map(m => ({
        text: m.textContent, current: m.classList.contains('mark--current'),
        start: Number(m.closest('.cue').dataset.start), cue: m.closest('.cue').id}))""")


def wait_playing_near(page, seconds: float, slack: float = 4.0) -> float:
    page.wait_for_function(
        "([s, slack]) => { const a = document.querySelector('#player');"
        " return a.currentTime >= s - 0.25 && a.currentTime <= s + slack; }",
        arg=[seconds, slack])
    return page.evaluate("document.querySelector('#player').currentTime")


# ---- the seed episode --------------------------------------------------------------------

def scrubber_ticks(page) -> list[float]:
    return page.eval_on_selector_all("#find-hits .scrub-mark", "ts => ts.map(t => parseFloat(t.style.left))")


def test_typing_marks_every_match_and_puts_ticks_on_the_scrubber(seed_server, page):
    open_episode(page, f"{seed_server.url}/episodes/seed")
    texts = cue_texts(page)
    expected = occurrences(page, texts, "metaverse")
    find(page, "metaverse")
    shown, count, current = status(page)
    assert count == sum(expected) > 0
    assert (shown, current) == (f"{count} matches", 0)
    found = marks(page)
    assert len(found) == count and all(m["text"].lower() == "metaverse" for m in found)
    assert len({m["cue"] for m in found}) == sum(1 for n in expected if n)
    assert page.locator("#find-hits").is_visible()
    lefts = scrubber_ticks(page)
    duration = float(page.get_attribute("main", "data-duration"))
    # one tick per match (near ones share), each at or after its cue's start
    assert 0 < len(lefts) <= count
    assert all(any(100 * m["start"] / duration - 1e-3 <= left for m in found) for left in lefts)
    assert min(lefts) == pytest.approx(100 * min(m["start"] for m in found) / duration, abs=0.5)
    assert cue_texts(page) == texts                        # marks change no text


def test_words_match_by_stem_not_inside_other_words(seed_server, page):
    """'the' is the word, not 'then' or 'other'; 'builds' finds 'building'; the last word
    typed is a prefix only while it matches no word whole."""
    open_episode(page, f"{seed_server.url}/episodes/seed")
    find(page, "the")
    found = marks(page)
    assert found and all(m["text"].lower() == "the" for m in found)
    assert page.locator("#find-hits .scrub-mark").count() <= 200 < len(found)
    find(page, "builds")
    assert {m["text"].lower() for m in marks(page)} >= {"building", "build"}
    find(page, "metav")                                   # typing: no word "metav", so a prefix
    assert {m["text"].lower() for m in marks(page)} == {"metaverse"}


def test_stepping_through_matches_never_touches_playback(seed_server, page):
    open_episode(page, f"{seed_server.url}/episodes/seed")
    find(page, "metaverse")
    found = marks(page)
    before = page.evaluate(PLAYHEAD)
    assert before[1]                                      # paused
    page.keyboard.press("Enter")
    page.wait_for_function(CURRENT_ON_SCREEN)
    assert status(page)[0] == f"1 of {len(found)}"
    assert [m["current"] for m in marks(page)][:3] == [True, False, False]
    page.keyboard.press("Enter")
    page.wait_for_function(CURRENT_ON_SCREEN)
    assert status(page)[2] == 2
    assert [m["current"] for m in marks(page)][:3] == [False, True, False]
    page.keyboard.press("Shift+Enter")
    assert status(page)[2] == 1
    page.keyboard.press("Shift+Enter")                     # wraps to the last match
    page.wait_for_function(CURRENT_ON_SCREEN)
    assert status(page)[0] == f"{len(found)} of {len(found)}"
    page.click(".find-step[data-step='1']")                # ↓ button: wraps to the first
    page.wait_for_function(CURRENT_ON_SCREEN)
    assert status(page)[2] == 1
    assert page.evaluate(PLAYHEAD) == before               # not moved, not playing


def test_play_from_a_match_starts_at_its_sentence(seed_server, page):
    """▶ (or Ctrl+Enter) plays from the match: its sentence's estimated time, past the
    paragraph's start when the match is late in it."""
    open_episode(page, f"{seed_server.url}/episodes/seed")
    find(page, "metaverse")
    page.keyboard.press("Enter")
    expected = page.evaluate("""async () => {
      const m = document.querySelector('mark.mark--current');
      const cue = m.closest('.cue');
      const { sentenceModel, sentenceOfOffset } = await import('/static/js/player-sentences.js');
      const { textOffset } = await import('/static/js/text-marks.js');
      const text = cue.querySelector('.cue-text');
      const model = sentenceModel(text.textContent, Number(cue.dataset.start), Number(cue.dataset.end));
      return [model.times[sentenceOfOffset(model, textOffset(text, m.firstChild, 0))], Number(cue.dataset.start)];
    }""")
    page.click("#find-play")
    wait_playing_near(page, expected[0], slack=1.5)
    page.evaluate("document.querySelector('#player').pause()")
    page.focus("#find-q")
    page.keyboard.press("Enter")
    page.keyboard.press("Control+Enter")
    page.wait_for_function("() => !document.querySelector('#player').paused")
    assert page.evaluate("document.querySelector('#player').currentTime") >= expected[1]


def test_the_current_match_is_on_screen_on_a_small_phone(browser, seed_server):
    context = browser.new_context(viewport={"width": 320, "height": 640}, is_mobile=True, has_touch=True)
    page = context.new_page()
    try:
        open_episode(page, f"{seed_server.url}/episodes/seed")
        find(page, "metaverse")
        page.focus("#find-q")
        for _ in range(4):
            page.keyboard.press("Enter")
            page.wait_for_function(CURRENT_ON_SCREEN)
        bar = page.locator(".player-bar").bounding_box()
        assert bar["height"] <= 96                          # the compact bar, find open
    finally:
        context.close()


def test_escape_clears_marks_query_and_ticks(seed_server, page):
    open_episode(page, f"{seed_server.url}/episodes/seed")
    texts = cue_texts(page)
    find(page, "metaverse")
    page.keyboard.press("Control+Enter")                   # plays from the first match
    page.wait_for_selector("#cues .cue[aria-current] .sentence--now", state="attached")
    page.focus("#find-q")
    before = page.evaluate("() => window.listenalongFind.length")
    page.keyboard.press("Escape")
    settle(page, before, "")
    assert marks(page) == []
    assert page.input_value("#find-q") == ""
    assert status(page)[:2] == ("", 0)
    assert page.locator("#find-hits").is_hidden()
    assert cue_texts(page) == texts
    # our marks are unwrapped and the text merged back: a cue the player is not
    # highlighting holds a single text node again
    assert page.eval_on_selector_all(
        "#cues .cue:not([aria-current]) .cue-text",
        "els => els.every(e => e.childNodes.length === 1 && e.firstChild.nodeType === 3)")


def test_marks_and_sentence_highlighting_live_together(seed_server, page):
    open_episode(page, f"{seed_server.url}/episodes/seed")
    texts = cue_texts(page)
    find(page, "metaverse")
    page.keyboard.press("Control+Enter")                   # plays from the first match
    current = page.locator("#cues .cue[aria-current]")
    page.wait_for_selector("#cues .cue[aria-current] .sentence--now", state="attached")
    assert current.locator("mark").count() >= 1
    # a new search while the player highlights a sentence in that very cue
    find(page, "the")
    within = current.locator("mark").count()
    assert [within] == occurrences(page, [current.locator(".cue-text").text_content()], "the")
    assert current.locator(".sentence--now").count() >= 1
    assert cue_texts(page) == texts
    find(page, "")
    assert current.locator("mark").count() == 0 and cue_texts(page) == texts


def test_no_matches_and_hostile_queries(seed_server, page):
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    open_episode(page, f"{seed_server.url}/episodes/seed")
    for typed in ["zqxj", "(*?[", "\\", "[a-z]+", ".*", "$&", "\x00"]:
        find(page, typed)
        assert status(page)[:2] == ("No matches", 0)
        assert page.locator("#find-hits").is_hidden()
        assert marks(page) == []
    find(page, "(or")                                      # punctuation splits words, as in the index
    assert status(page)[1] == sum(occurrences(page, cue_texts(page), "(or")) > 0
    assert errors == []


def test_slash_focuses_the_find_box(seed_server, page):
    open_episode(page, f"{seed_server.url}/episodes/seed")
    page.locator("body").click(position={"x": 5, "y": 5})
    page.keyboard.press("/")
    assert page.evaluate("document.activeElement.id") == "find-q"


def test_in_page_matches_are_the_cues_the_api_finds(seed_server, page):
    open_episode(page, f"{seed_server.url}/episodes/seed")
    find(page, "metaverse")
    in_page = {m["start"] for m in marks(page)}
    with urllib.request.urlopen(f"{seed_server.url}/api/search?q=metaverse&episode=seed"
                                f"&limit=100") as response:
        results = json.load(response)["results"]
    assert len(results) < 100
    assert {r["start"] for r in results} == in_page


def test_result_link_opens_the_episode_playing_there(seed_server, page):
    page.goto(f"{seed_server.url}/search?q=metaverse")
    links = page.locator("a.search-hit")
    assert links.count() > 3
    href = links.nth(3).get_attribute("href")
    start = float(href.split("?t=")[1])
    links.nth(3).click()
    page.wait_for_url(f"**{href}")
    wait_playing_near(page, start)
    assert page.evaluate("!document.querySelector('#player').paused")


def test_header_search_box_submits_to_the_results_page(seed_server, page):
    page.goto(seed_server.url + "/")
    page.fill("#site-search-q", "metaverse")
    page.keyboard.press("Enter")
    page.wait_for_url("**/search?q=metaverse")
    assert page.locator("a.search-hit").count() > 0
    assert page.locator("mark").first.inner_text().lower() == "metaverse"


# ---- a fixture of our own: accents, curly quotes, punctuation ------------------------------

@pytest.fixture(scope="module")
def cafe_server(tmp_path_factory):
    from webapp import create_app
    from webapp.core.episodes import Library

    root = tmp_path_factory.mktemp("cafe-library")
    audio = make_audio(root.parent / "cafe.mp3", 95)
    Library(root).add(str(FIXTURES / "search_cafe.vtt"), str(audio), title="Corner café",
                      slug="cafe")
    with LiveServer(create_app({"TESTING": True, "MEDIA_DIR": str(root)})) as server:
        yield server


@pytest.mark.parametrize("typed,expected", [
    ("cafe", ["café", "café", "cafe", "Cafés"]),
    ("CAFÉ", ["café", "café", "cafe", "Cafés"]),
    ("don't", ["don’t", "Don't"]),
    ("don’t", ["don’t", "Don't"]),
    ('"start small"', ["start small", "Start small"]),
    ("(a former", ["a former"]),
    ("naive plan", ["naïve plan", "plan"]),
    ("engineer!)", ["engineer"]),
    ("  small,  listen ", ["small, listen"]),
    ("builds", ["building", "build"]),
])
def test_accents_quotes_and_punctuation(cafe_server, page, typed, expected):
    open_episode(page, f"{cafe_server.url}/episodes/cafe")
    find(page, typed)
    assert [m["text"] for m in marks(page)] == expected
    assert status(page)[1] == len(expected)
