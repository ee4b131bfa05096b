"""The current cue is on screen, always: after ?t=, a seek, a reload, a resize, a rotation
and a text-size change, on the episode page and in the embed at every size from 320×240.

The transcript's far groups of cues are skipped by the browser (content-visibility) with
estimated heights, which once put the embed 20–30 paragraphs away from the cue it
believed it showed; these sweeps ask the browser's own hit test what is on screen."""
from __future__ import annotations

import pytest

from support import settle_scrolling

from webapp.core.episodes import Library
from webapp.core.moments import cue_at

pytestmark = pytest.mark.browser

PAGE_SIZES = [(1280, 800), (390, 844), (320, 640)]
EMBED_SIZES = [(320, 240), (480, 360), (640, 400), (800, 450), (390, 844)]
TIMES = [2400, 4740, 7000]  # 40:00, 1:19:00, 1:56:40
READY = "() => performance.getEntriesByName('listenalong:ready').length > 0"
# What the browser's hit test finds at the current cue's place below the player bar: the
# cue marked current (its id), or what is there instead.
HIT = """() => {
  const current = document.querySelector('.cue[aria-current="true"]');
  if (!current) return 'no current cue';
  const bar = document.querySelector('.player-bar').getBoundingClientRect().bottom;
  const box = current.getBoundingClientRect();
  const list = document.querySelector('#cues').getBoundingClientRect();
  const y = Math.min(Math.max(box.top + 12, bar + 2), innerHeight - 2);
  const hit = document.elementFromPoint(list.left + list.width / 2, y);
  const cue = hit && hit.closest('.cue');
  return {current: current.id, hit: cue ? cue.id : String(hit && hit.className),
          onScreen: box.bottom > bar && box.top < innerHeight};
}"""


@pytest.fixture(scope="module")
def seed_starts(seed_library):
    return Library(seed_library).transcript("seed").cues


def settle(page):
    settle_scrolling(page, frames=10)


def assert_current_shown(page, expected: str, what: str):
    settle(page)
    found = page.evaluate(HIT)
    assert isinstance(found, dict), f"{what}: {found}"
    assert found["current"] == expected, f"{what}: current is {found['current']}, not {expected}"
    assert found["onScreen"] and found["hit"] == expected, f"{what}: {found}"


def open_at(page, url: str):
    page.goto(url)
    page.wait_for_function(READY)
    page.wait_for_function("() => document.querySelector('#player').readyState >= 1")
    page.evaluate("document.querySelector('#player').pause()")


@pytest.mark.parametrize("kind,size", [("episode", s) for s in PAGE_SIZES] + [("embed", s) for s in EMBED_SIZES])
def test_a_shared_time_shows_its_cue_at_every_size(browser, seed_server, seed_starts, kind, size):
    context = browser.new_context(viewport={"width": size[0], "height": size[1]})
    page = context.new_page()
    path = "/episodes/seed" + ("/embed" if kind == "embed" else "")
    try:
        for t in TIMES:
            open_at(page, f"{seed_server.url}{path}?t={t}")
            assert_current_shown(page, f"cue-{cue_at(seed_starts, t) + 1}", f"{kind} {size} ?t={t}")
        # the page's own focus on the shared cue (autofocus) never stops the following
        seek(page, 1000)
        assert_current_shown(page, f"cue-{cue_at(seed_starts, 1000) + 1}", f"{kind} {size} seek after ?t=")
    finally:
        context.close()


def seek(page, seconds: float):
    page.evaluate("s => { const a = document.querySelector('#player'); a.currentTime = s; }", seconds)
    page.wait_for_function("s => Math.abs(document.querySelector('#player').currentTime - s) < 1", arg=seconds)


@pytest.mark.parametrize("kind,size", [("episode", (390, 844)), ("embed", (640, 400)), ("embed", (320, 240))])
def test_seek_reload_resize_rotation_and_text_size_keep_the_cue_on_screen(browser, seed_server, seed_starts, kind, size):
    context = browser.new_context(viewport={"width": size[0], "height": size[1]})
    page = context.new_page()
    path = "/episodes/seed" + ("/embed" if kind == "embed" else "")
    expected = lambda t: f"cue-{cue_at(seed_starts, t) + 1}"  # noqa: E731
    try:
        open_at(page, f"{seed_server.url}{path}")
        for t in (5000, 900, 6500):                         # seeks far down and back up
            seek(page, t)
            assert_current_shown(page, expected(t), f"seek to {t}")
        page.reload()
        page.wait_for_function(READY)
        assert abs(page.evaluate("document.querySelector('#player').currentTime") - 6500) < 2
        assert_current_shown(page, expected(6500), "after a reload")
        page.set_viewport_size({"width": size[1], "height": size[0]})   # rotation
        assert_current_shown(page, expected(6500), "after a rotation")
        page.set_viewport_size({"width": size[0], "height": size[1]})
        assert_current_shown(page, expected(6500), "rotated back")
        page.evaluate("document.documentElement.style.fontSize = '22px'")  # the browser's text size
        assert_current_shown(page, expected(6500), "after a text-size change")
        if kind == "episode":  # and the preferences' own
            page.evaluate("document.querySelector('#prefs-size').value = 'small';"
                          "document.querySelector('#prefs-size').dispatchEvent(new Event('change', {bubbles: true}))")
            assert_current_shown(page, expected(6500), "after the preferences' text size")
    finally:
        context.close()


@pytest.fixture(scope="module")
def chaptered_server(seed_library, tmp_path_factory):
    """The seed with a chapter every 15 paragraphs: headings in most groups of cues."""
    import shutil

    from support import LiveServer
    from webapp import create_app
    from webapp.core.chapters import Chapter, to_chapters_json

    root = tmp_path_factory.mktemp("chaptered")
    shutil.copytree(seed_library / "seed", root / "seed")
    cues = Library(root).transcript("seed").cues
    chapters = [Chapter(cues[i].start, f"Part {n + 1}") for n, i in enumerate(range(0, len(cues), 15))]
    (root / "seed" / "chapters.json").write_text(to_chapters_json(chapters))
    with LiveServer(create_app({"TESTING": True, "MEDIA_DIR": str(root)})) as server:
        yield server


@pytest.mark.parametrize("kind,size", [("episode", (1280, 800)), ("episode", (320, 640)),
                                       ("embed", (320, 240)), ("embed", (640, 400))])
def test_chapter_headings_do_not_move_the_current_cue_off_screen(browser, chaptered_server, seed_starts,
                                                                  kind, size):
    context = browser.new_context(viewport={"width": size[0], "height": size[1]})
    page = context.new_page()
    path = "/episodes/seed" + ("/embed" if kind == "embed" else "")
    try:
        for t in TIMES:
            open_at(page, f"{chaptered_server.url}{path}?t={t}")
            assert page.locator("#cues .chapter-heading").count() == 14
            assert_current_shown(page, f"cue-{cue_at(seed_starts, t) + 1}", f"{kind} {size} ?t={t}")
            later = (t + 2500) % 7500                       # somewhere else, down or up
            seek(page, later)
            assert_current_shown(page, f"cue-{cue_at(seed_starts, later) + 1}", f"{kind} {size} seek")
    finally:
        context.close()
