"""WCAG 2.2 AA, as axe-core checks it (npm, installed by `make test`): no violations and no
undecidable colour contrast on every page and state a listener meets — the library, the
episode (idle, playing, find open, share dialog, preferences, dark theme, a phone), the
search results, the embed and the 404 page. Plus what axe cannot see: focus never hidden
under the sticky bar (2.4.11), targets of at least 24 px (2.5.8), a way past the transcript,
speakers as headings."""
from __future__ import annotations

import json

import pytest

from support import REPO

pytestmark = pytest.mark.browser

AXE = REPO / "node_modules" / "axe-core" / "axe.min.js"
TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"]
READY = "() => performance.getEntriesByName('listenalong:ready').length > 0"
# Every cue laid out: groups skipped while loading have estimated heights until then.
LAID_OUT = "() => performance.getEntriesByName('listenalong:laidout').length > 0"


def axe(page, within: str | None = None) -> dict:
    """axe's findings on the page (or only ``within`` the element of that selector)."""
    if not AXE.is_file():
        pytest.fail(f"axe-core is missing: run npm ci ({AXE})")
    page.add_script_tag(path=str(AXE))
    return page.evaluate("([tags, within]) => axe.run(within ? document.querySelector(within) : document,"
                         " {runOnly: {type: 'tag', values: tags}})"
                         ".then(r => ({violations: r.violations.map(v => ({id: v.id, impact: v.impact,"
                         " nodes: v.nodes.slice(0, 3).map(n => n.target.join(' ') + ' ' + n.failureSummary)})),"
                         " contrast: r.incomplete.filter(v => v.id === 'color-contrast')"
                         ".flatMap(v => v.nodes.slice(0, 5).map(n => n.target.join(' ') + ' ' + (n.any[0] || {}).message))}))",
                         [TAGS, within])


def assert_clean(page, what: str, within: str | None = None):
    if page.evaluate("!!document.querySelector('#cues')"):
        page.wait_for_function(LAID_OUT)
    page.wait_for_timeout(150)  # transitions (the toast, hover colours) end
    result = axe(page, within)
    assert result["violations"] == [], f"{what}: {json.dumps(result['violations'], indent=1)}"
    assert result["contrast"] == [], f"{what}: undecidable contrast: {result['contrast']}"


@pytest.fixture
def axe_context(browser):
    contexts = []

    def make(width=1280, height=800, scheme="light"):
        context = browser.new_context(viewport={"width": width, "height": height}, bypass_csp=True,
                                      color_scheme=scheme)
        contexts.append(context)
        return context.new_page()

    yield make
    for context in contexts:
        context.close()


def open_episode(page, url):
    page.goto(url)
    page.wait_for_function(READY)
    page.wait_for_function("() => document.querySelector('#player').readyState >= 1")


@pytest.mark.parametrize("path", ["/", "/search?q=metaverse", "/search?q=zzzqqq", "/no/such/page",
                                  "/episodes/seed/embed?t=4740"])
def test_pages_have_no_violations(axe_context, seed_server, path):
    page = axe_context()
    page.goto(seed_server.url + path)
    if "embed" in path:
        page.wait_for_function(READY)
        page.evaluate("document.querySelector('#player').pause()")
    assert_clean(page, path)


@pytest.mark.parametrize("scheme,width", [("light", 1280), ("dark", 1280), ("light", 390), ("dark", 390)])
def test_the_episode_page_in_every_state_has_no_violations(axe_context, seed_server, scheme, width):
    page = axe_context(width=width, height=844, scheme=scheme)
    open_episode(page, f"{seed_server.url}/episodes/seed")
    assert_clean(page, "idle")
    page.evaluate("document.querySelector('#player').currentTime = 1200; document.querySelector('#player').play()")
    page.wait_for_function("() => document.querySelector('.sentence--now')")
    assert_clean(page, "playing")
    page.evaluate("document.querySelector('#player').pause()")
    page.fill("#find-q", "metaverse")
    page.wait_for_function("() => (window.listenalongFind || []).some(e => e.query === 'metaverse' && e.done)")
    page.keyboard.press("Enter")
    assert_clean(page, "find open")
    page.keyboard.press("Escape")
    page.keyboard.press("Escape")
    page.evaluate("document.querySelector('#share-button').click()")
    assert_clean(page, "share dialog open")
    page.keyboard.press("Escape")
    page.evaluate("document.querySelector('#prefs-button').click()")
    assert_clean(page, "preferences open")


def test_the_dark_theme_chosen_in_the_preferences_has_no_violations(axe_context, seed_server):
    page = axe_context()
    open_episode(page, f"{seed_server.url}/episodes/seed")
    page.click("#prefs-button")
    page.check("input[name=theme][value=dark]")
    page.keyboard.press("Escape")
    open_episode(page, f"{seed_server.url}/episodes/seed?t=3000")   # rendered dark by the server
    assert page.get_attribute("html", "data-theme") == "dark"
    assert page.evaluate("getComputedStyle(document.body).colorScheme") == "dark"
    page.evaluate("document.querySelector('#player').pause()")
    assert_clean(page, "dark theme")


def test_focus_is_never_hidden_under_the_player_bar(axe_context, seed_server):
    """Tabbing through the transcript (WCAG 2.4.11), at a phone's size: every focused link
    is below the sticky bar; 'Skip the transcript' leads past it."""
    page = axe_context(width=390, height=700)
    open_episode(page, f"{seed_server.url}/episodes/seed")
    page.focus("#cue-1 .cue-time")
    for _ in range(25):
        page.keyboard.press("Tab")
        box = page.evaluate("""() => { const r = document.activeElement.getBoundingClientRect();
          return [r.top, r.bottom, document.querySelector('.player-bar').getBoundingClientRect().bottom]; }""")
        assert box[0] >= box[2] - 1 and box[1] <= 700, box
    page.goto(f"{seed_server.url}/episodes/seed")
    page.wait_for_function(READY)
    skip = page.locator(".skip-link--inline")
    skip.focus()
    assert skip.is_visible()
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "after-transcript"


def test_targets_are_at_least_24px_and_speakers_are_headings(axe_context, seed_server):
    page = axe_context(width=390, height=844)
    open_episode(page, f"{seed_server.url}/episodes/seed")
    page.fill("#find-q", "metaverse")
    small = page.evaluate("""() => [...document.querySelectorAll(
        '.player-bar button, .player-bar select, .player-bar input, .player-bar [role=slider]')].filter(e => e.offsetParent)
        .map(e => e.getBoundingClientRect()).filter(r => r.width < 24 || r.height < 24).length""")
    assert small == 0
    headings = page.eval_on_selector_all("#cues h3.cue-speaker", "hs => hs.map(h => h.textContent)")
    assert headings[:2] == ["Lex Fridman", "Mark Zuckerberg"]
    assert page.locator("h2#transcript-heading").count() == 1


@pytest.mark.parametrize("scheme,width", [("light", 1280), ("dark", 390)])
def test_an_episode_with_chapters_and_feed_extras_has_no_violations(axe_context, tmp_path, scheme, width):
    """Chapter headings (speakers then h4), the chapter menu open, Highlights and People."""
    import shutil

    from support import LiveServer
    from webapp import create_app
    from webapp.core.episodes import Library

    shutil.copytree(REPO / "media" / "welcome", tmp_path / "welcome")
    episode = Library(tmp_path).load("welcome")
    episode.people = [{"name": "Maya Ortiz", "role": "host", "href": "https://e.org/maya"}]
    episode.soundbites = [{"start": 83.99, "duration": 20, "title": "Search"}]
    (tmp_path / "welcome" / "episode.json").write_text(episode.to_json())
    with LiveServer(create_app({"TESTING": True, "MEDIA_DIR": str(tmp_path)})) as server:
        page = axe_context(width=width, height=844, scheme=scheme)
        open_episode(page, f"{server.url}/episodes/welcome?t=1:30")
        page.evaluate("document.querySelector('#player').pause()")
        assert_clean(page, "chapters")
        page.click("#chapters-menu summary")
        # the open menu covers the transcript under it, so only the menu is asked about
        assert_clean(page, "chapter menu open", within="#chapters-menu")
        levels = page.eval_on_selector_all("#cues :is(h3, h4)", "hs => [...new Set(hs.map(h => h.tagName + h.className))]")
        assert levels == ["H3chapter-heading", "H4cue-speaker"]


@pytest.mark.parametrize("scheme,width", [("light", 1280), ("dark", 320)])
def test_a_library_page_with_its_pager_has_no_violations(axe_context, tmp_path, scheme, width):
    from search_support import write_episode
    from support import LiveServer
    from webapp import create_app

    for n in range(120):
        write_episode(tmp_path, f"ep-{n:03d}", f"Episode {n:03d}", ["words"],
                      added=f"2024-01-01T00:{n // 60:02d}:{n % 60:02d}+00:00")
    with LiveServer(create_app({"TESTING": True, "MEDIA_DIR": str(tmp_path)})) as server:
        page = axe_context(width=width, height=844, scheme=scheme)
        page.goto(f"{server.url}/?page=2")
        assert page.locator(".pager a").count() == 2
        assert_clean(page, f"library page 2 at {width} px")
        sizes = page.eval_on_selector_all(".pager a", "as => as.map(a => a.getBoundingClientRect())"
                                          ".map(r => [r.width, r.height])")
        assert all(w >= 24 and h >= 24 for w, h in sizes)
        assert page.evaluate("document.documentElement.scrollWidth") <= width
