"""In-episode find and library search in Chromium, on the seed episode and a fixture of
our own (accents, curly quotes, punctuation)."""
from __future__ import annotations

import json
import urllib.request

import pytest

from support import FIXTURES, LiveServer, make_audio

pytestmark = pytest.mark.browser


def occurrences(page, texts: list[str], query: str) -> list[int]:
    """How often the folded ``query`` occurs in each of ``texts``, by static/js/fold.js
    itself (tested on its own in tests/js/fold.test.mjs): what find must mark."""
    return page.evaluate("""async ([texts, query]) => {
        const { fold, foldQuery, rangesOf } = await import('/static/js/fold.js');
        return texts.map((t) => rangesOf(fold(t), foldQuery(query)).length);
    }""", [texts, query])


def open_episode(page, url: str) -> None:
    page.goto(url)
    page.wait_for_selector(".find-step:not([hidden])")   # find.js has started


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

def test_typing_marks_every_match_and_puts_a_tick_per_cue(seed_server, page):
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
    ticks = page.locator("#find-hits .find-tick")
    assert page.locator("#find-hits").is_visible()
    assert ticks.count() == len({m["cue"] for m in found})
    labels = ticks.evaluate_all("ts => ts.map(t => t.getAttribute('aria-label'))")
    assert all(label.startswith(("Match at ", "2 matches at ", "3 matches at ")) for label in labels)
    assert sum(int(n) for n in ticks.evaluate_all("ts => ts.map(t => t.dataset.count)")) == count
    lefts = ticks.evaluate_all("ts => ts.map(t => parseFloat(t.style.left))")
    duration = float(page.get_attribute("main", "data-duration"))
    starts = sorted({m["start"] for m in found})
    assert lefts == pytest.approx([100 * s / duration for s in starts], abs=1e-3)
    assert cue_texts(page) == texts                        # marks change no text


def test_a_common_word_shares_ticks_but_counts_every_match(seed_server, page):
    open_episode(page, f"{seed_server.url}/episodes/seed")
    expected = occurrences(page, cue_texts(page), "the")
    assert sum(1 for n in expected if n) > 160                # more cues than ticks allowed
    find(page, "the")
    assert status(page)[1] == sum(expected) == len(marks(page))
    ticks = page.locator("#find-hits .find-tick")
    assert 0 < ticks.count() <= 160
    assert sum(int(n) for n in ticks.evaluate_all("ts => ts.map(t => t.dataset.count)")) == \
        sum(expected)
    assert ticks.first.get_attribute("aria-label").split()[1:3] == ["matches", "from"]


def test_enter_steps_through_matches_and_seeks_there(seed_server, page):
    open_episode(page, f"{seed_server.url}/episodes/seed")
    find(page, "metaverse")
    found = marks(page)
    page.keyboard.press("Enter")
    wait_playing_near(page, found[0]["start"])
    assert status(page)[0] == f"1 of {len(found)}"
    assert [m["current"] for m in marks(page)][:3] == [True, False, False]
    page.keyboard.press("Enter")
    wait_playing_near(page, found[1]["start"])
    assert status(page)[2] == 2
    assert [m["current"] for m in marks(page)][:3] == [False, True, False]
    page.keyboard.press("Shift+Enter")
    assert status(page)[2] == 1
    page.keyboard.press("Shift+Enter")                     # wraps to the last match
    wait_playing_near(page, found[-1]["start"])
    assert status(page)[0] == f"{len(found)} of {len(found)}"
    page.click(".find-step[data-step='1']")                # ↓ button: wraps to the first
    wait_playing_near(page, found[0]["start"])
    assert status(page)[2] == 1


def test_tick_click_seeks_to_its_cue(seed_server, page):
    open_episode(page, f"{seed_server.url}/episodes/seed")
    find(page, "metaverse")
    last = page.locator("#find-hits .find-tick").last
    start = float(page.locator(f"#cue-{int(last.get_attribute('data-cue')) + 1}")
                  .get_attribute("data-start"))
    last.click()
    wait_playing_near(page, start)
    assert page.locator("mark.mark--current").first.evaluate(
        "m => Number(m.closest('.cue').dataset.start)") == start


def test_escape_clears_marks_query_and_ticks(seed_server, page):
    open_episode(page, f"{seed_server.url}/episodes/seed")
    texts = cue_texts(page)
    find(page, "metaverse")
    page.keyboard.press("Enter")
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
    page.keyboard.press("Enter")                           # plays the first matching cue
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
    find(page, "(or")                                      # punctuation is literal
    assert status(page)[1] == sum(occurrences(page, cue_texts(page), "(or"))
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
    from webapp.core.library import Library

    root = tmp_path_factory.mktemp("cafe-library")
    audio = make_audio(root.parent / "cafe.mp3", 95)
    Library(root).add(str(FIXTURES / "search_cafe.vtt"), str(audio), title="Corner café",
                      slug="cafe")
    with LiveServer(create_app({"TESTING": True, "MEDIA_DIR": str(root)})) as server:
        yield server


@pytest.mark.parametrize("typed,expected", [
    ("cafe", ["café", "café", "cafe", "Café"]),
    ("CAFÉ", ["café", "café", "cafe", "Café"]),
    ("don't", ["don’t", "Don't"]),
    ("don’t", ["don’t", "Don't"]),
    ('"start small"', ["“start small”"]),
    ("(a former", ["(a former"]),
    ("naive plan", ["naïve plan"]),
    ("engineer!)", ["engineer!)"]),
    ("  small,  listen ", ["small, listen"]),
])
def test_accents_quotes_and_punctuation(cafe_server, page, typed, expected):
    open_episode(page, f"{cafe_server.url}/episodes/cafe")
    find(page, typed)
    assert [m["text"] for m in marks(page)] == expected
    assert status(page)[1] == len(expected)
