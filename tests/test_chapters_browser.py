"""Chapters in Chromium (issue 13): headings in the transcript that leave "cue i is row i"
whole, a menu that seeks and names the chapter playing, sections on the scrubber, the
embed; and previews of a moment that name its chapter."""
from __future__ import annotations

import html
import re
import shutil

import pytest

from feed_server import FeedServer
from support import REPO, LiveServer, settle_scrolling
from test_feed_import import audio_files, cli, serve_garden  # noqa: F401 (a fixture)
from webapp import create_app
from webapp.core.episodes import Library

AUDIO = "document.querySelector('#player')"
READY = "() => performance.getEntriesByName('listenalong:ready').length > 0"


@pytest.fixture(scope="module")
def demo_server(tmp_path_factory):
    """The bundled demo (chapters.json: ten chapters) served on loopback."""
    root = tmp_path_factory.mktemp("chapters")
    shutil.copytree(REPO / "media" / "welcome", root / "welcome")
    with LiveServer(create_app({"TESTING": True, "MEDIA_DIR": str(root)})) as server:
        yield server


def open_demo(page, server, path="/episodes/welcome", query=""):
    page.goto(f"{server.url}{path}{query}")
    page.wait_for_function(READY)
    page.wait_for_function(f"() => {AUDIO}.readyState >= 1")


def test_headings_sit_before_their_cues_and_cue_i_is_still_row_i(demo_server, browser):
    page = browser.new_page()
    open_demo(page, demo_server)
    headings = page.eval_on_selector_all(
        "#cues .chapter-heading", "hs => hs.map(h => [h.tagName, h.textContent.trim(), "
        "h.nextElementSibling.id])")
    assert headings[:3] == [["H3", "0:00 Welcome", "cue-1"], ["H3", "0:17 The basics", "cue-3"],
                            ["H3", "1:03 Keyboard shortcuts", "cue-7"]]
    assert len(headings) == 10
    # every chapter opens with its speaker's name, a heading one level down
    assert page.eval_on_selector("#cue-3 .cue-speaker", "e => e.tagName") == "H4"
    # the player still counts only cues: a click on cue 9's time plays cue 9
    assert page.evaluate("document.querySelectorAll('#cues .cue').length") == 26
    page.click("#cue-9 .cue-time")
    page.wait_for_function("() => document.querySelector('#cue-9').getAttribute('aria-current') === 'true'")
    assert 83.99 <= page.evaluate(f"{AUDIO}.currentTime") < 86
    page.close()


def test_the_menu_seeks_and_names_the_chapter_playing(demo_server, browser):
    page = browser.new_page(viewport={"width": 1280, "height": 800})
    open_demo(page, demo_server)
    assert page.inner_text("#chapters-now") == "Welcome"
    page.click("#chapters-menu summary")
    assert page.is_visible(".chapters-panel")
    page.click(".chapters-list >> text=Sharing a moment")
    assert page.evaluate("document.querySelector('#chapters-menu').open") is False
    page.wait_for_function(f"() => {AUDIO}.currentTime >= 125.44 && {AUDIO}.currentTime < 128")
    page.wait_for_function("() => document.querySelector('#chapters-now').textContent === 'Sharing a moment'")
    # the cue playing is the one the chapter starts in, and it is on screen
    page.wait_for_function("() => document.querySelector('#cue-15').getAttribute('aria-current') === 'true'")
    settle_scrolling(page)
    box = page.locator("#cue-15").bounding_box()
    assert 290 < box["y"] and box["y"] + box["height"] < 800      # below the bar, on screen
    current = page.eval_on_selector_all(".chapters-list [aria-current=true]", "es => es.map(e => e.textContent)")
    assert current == ["2:05 Sharing a moment"]
    # playing on across a boundary moves the name along
    page.evaluate(f"{AUDIO}.pause(); {AUDIO}.currentTime = 143")
    page.wait_for_function("() => document.querySelector('#chapters-now').textContent === 'Word timing'")
    # Escape closes the menu and gives the focus back to its button
    page.click("#chapters-menu summary")
    page.keyboard.press("Escape")
    assert page.evaluate("document.querySelector('#chapters-menu').open") is False
    assert page.evaluate("document.activeElement.classList.contains('chapters-button')")
    page.close()


def test_a_heading_link_plays_from_its_chapter(demo_server, browser):
    page = browser.new_page()
    open_demo(page, demo_server)
    page.click("#chapter-8 .chapter-link")
    page.wait_for_function(f"() => {AUDIO}.currentTime >= 160.34 && {AUDIO}.currentTime < 163 && !{AUDIO}.paused")
    assert page.url.endswith("/episodes/welcome")       # no page load
    page.close()


def test_the_scrubber_shows_sections_and_names_them(demo_server, browser):
    page = browser.new_page(viewport={"width": 1280, "height": 800})
    open_demo(page, demo_server)
    assert page.locator("#scrub-chapters .scrub-mark").count() == 9    # the boundaries after 0:00
    box = page.locator("#scrubber .scrub-track").bounding_box()
    page.mouse.move(box["x"] + box["width"] * 90 / 219.35, box["y"] + box["height"] / 2)
    assert re.fullmatch(r"1:(29|30) · Search", page.inner_text(".scrub-tip"))
    page.close()


def test_without_javascript_menu_links_open_the_page_at_the_chapter(demo_server, browser):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(f"{demo_server.url}/episodes/welcome")
    page.click("#chapters-menu summary")
    page.click(".chapters-list >> text=Search")
    page.wait_for_url("**/episodes/welcome?t=83.99#chapter-4")
    page.wait_for_load_state("load")                   # the new page, not the old one's DOM
    assert page.locator("#cue-9.cue--target").count() == 1
    context.close()


def test_the_embed_has_the_headings_and_the_sections(demo_server, browser):
    page = browser.new_page(viewport={"width": 480, "height": 360})
    open_demo(page, demo_server, "/episodes/welcome/embed", "?t=1:50")
    assert page.locator("#cues .chapter-heading").count() == 10
    assert page.locator("#scrub-chapters .scrub-mark").count() == 9
    page.close()


def test_a_moment_s_preview_names_its_chapter(demo_server):
    app = create_app({"TESTING": True, "MEDIA_DIR": str(REPO / "media")})
    body = app.test_client().get("/episodes/welcome?t=1:30").get_data(as_text=True)
    title = re.search(r'<meta property="og:title" content="([^"]*)"', body).group(1)
    assert html.unescape(title) == "Welcome to Listenalong at 1:30 · Search"


def test_an_imported_episode_s_chapters_work_in_the_browser(tmp_path, browser, audio_files):
    """The whole way: a fixture feed on loopback imported, then its episode in Chromium,
    the chapter marked toc:false left out of the menu and the headings."""
    with FeedServer() as feeds:
        code, out, err = cli("import-feed", serve_garden(feeds, audio_files), "--allow-private-feeds",
                             "--media", tmp_path)
    assert code == 0, err
    slug = Library(tmp_path).episodes()[-1].slug          # the oldest: Raised beds & cedar
    with LiveServer(create_app({"TESTING": True, "MEDIA_DIR": str(tmp_path)})) as server:
        page = browser.new_page()
        open_demo(page, server, f"/episodes/{slug}")
        assert page.eval_on_selector_all(".chapters-list .chapter-title", "es => es.map(e => e.textContent)") == [
            "Hello", "Cedar or pine", "Lining the bed"]
        assert page.locator("#cues .chapter-heading").count() == 3
        page.click("#chapters-menu summary")
        page.click(".chapters-list >> text=Lining the bed")
        page.wait_for_function(f"() => {AUDIO}.currentTime >= 35.5")
        assert page.get_attribute("#cue-4", "aria-current") == "true"
        assert page.inner_text(".soundbite-list").startswith("0:20–0:35")
        page.close()


def test_braces_step_through_the_chapters(demo_server, browser):
    page = browser.new_page()
    open_demo(page, demo_server)
    page.evaluate(f"{AUDIO}.currentTime = 90")                  # in "Search" (83.99)
    page.wait_for_function("() => document.querySelector('#chapters-now').textContent === 'Search'")
    page.keyboard.press("}")
    page.wait_for_function(f"() => Math.abs({AUDIO}.currentTime - 110.34) < 0.01")
    page.evaluate(f"{AUDIO}.currentTime = 115")
    page.keyboard.press("{")                                    # back to this one's start
    page.wait_for_function(f"() => Math.abs({AUDIO}.currentTime - 110.34) < 0.01")
    page.keyboard.press("{")                                    # and, at its start, the one before
    page.wait_for_function(f"() => Math.abs({AUDIO}.currentTime - 83.99) < 0.01")
    page.keyboard.press("?")
    assert "Previous / next chapter" in page.inner_text("dialog#shortcuts")
    page.close()
