"""Offline play (issue 25) in Chromium: "Save for offline" says the size first, shows its
progress and fills the caches; then, with the server stopped and the browser offline, the
saved episode's page opens, plays, seeks (ranges answered from the cache), follows and
finds, and the Saved page lists it with its size and removes it. Plus the web app
manifest and the service worker's headers, through the Flask client."""
from __future__ import annotations

import contextlib
import json

import pytest

from long_paragraphs import add_long_episode
from support import LiveServer
from test_accessibility import assert_clean
from webapp import create_app

READY = "() => performance.getEntriesByName('listenalong:ready').length > 0"
AUDIO = "document.getElementById('player')"
# Every value the progress bar takes while saving.
WATCH_PROGRESS = """() => { window.progressSeen = [];
  const bar = document.getElementById('offline-progress');
  new MutationObserver(() => { if (!bar.hidden) progressSeen.push([bar.value, bar.max]); })
    .observe(bar, {attributes: true}); }"""


@pytest.fixture(scope="module")
def media(tmp_path_factory):
    folder = tmp_path_factory.mktemp("offline") / "media"
    add_long_episode(folder)
    add_long_episode(folder, slug="other")
    return folder


def test_manifest_and_service_worker_headers(media):
    client = create_app({"TESTING": True, "MEDIA_DIR": str(media)}).test_client()
    page = client.get("/episodes/long").get_data(as_text=True)
    assert '<link rel="manifest" href="/static/manifest.webmanifest">' in page
    manifest = client.get("/static/manifest.webmanifest")
    assert manifest.mimetype == "application/manifest+json"
    data = json.loads(manifest.get_data(as_text=True))
    assert data["start_url"] == "/" and data["display"] == "standalone"
    assert any(icon["sizes"] == "512x512" for icon in data["icons"])
    worker = client.get("/sw.js")
    assert worker.mimetype == "text/javascript" and worker.headers["Service-Worker-Allowed"] == "/"
    assert "no-cache" in worker.headers["Cache-Control"]
    files = client.get("/offline/static.json").get_json()["files"]
    assert "/static/js/episode.js" in files and "/static/css/site.css" in files and "/saved" in files
    assert "/static/js/sw.js" not in files
    assert "Nothing saved yet" in client.get("/saved").get_data(as_text=True)


@contextlib.contextmanager
def network_gone_after(browser, media, viewport: dict, save):
    """``(page, server)`` once ``save(page, server)`` has run with the server up, and the
    server has then stopped and the browser gone offline."""
    context = browser.new_context(viewport=viewport, service_workers="allow", bypass_csp=True)
    server = LiveServer(create_app({"TESTING": True, "MEDIA_DIR": str(media)}))
    server.__enter__()
    try:
        page = context.new_page()
        try:
            save(page, server)
        finally:
            server.__exit__(None, None, None)                         # the network is gone
        context.set_offline(True)
        yield page, server
    finally:
        context.close()


@pytest.mark.browser
def test_a_saved_episode_plays_follows_and_finds_with_the_network_off(browser, media):
    with network_gone_after(browser, media, {"width": 390, "height": 844}, save) as (page, server):
        play_follow_find_and_highlight(page, server)
        unsaved_page_and_remove(page, server)


def save_for_offline(page, url: str) -> None:
    """Open the episode page at ``url`` and save it: its size said first, then saved."""
    page.goto(url)
    page.wait_for_function(READY)
    page.wait_for_function("() => /about [0-9.]+ MB/.test(document.getElementById('offline-state').textContent)")
    page.evaluate(WATCH_PROGRESS)
    page.click("#offline-save")
    page.wait_for_function("() => document.querySelector('.episode-page').dataset.offline === 'saved'",
                           timeout=60_000)


def save(page, server):
    """Save the episode: its size said first, the progress bar run to its end; the Saved
    page lists it (and axe finds nothing there)."""
    save_for_offline(page, f"{server.url}/episodes/long")
    assert page.inner_text("#offline-state").startswith("Saved on this device (")
    seen = page.evaluate("progressSeen")
    assert seen and seen[-1][0] == seen[-1][1] > 0               # the bar went to the end
    page.goto(f"{server.url}/saved")
    page.wait_for_function("() => document.getElementById('saved-page').dataset.ready")
    assert_clean(page, "the Saved page at 390×844")


def play_follow_find_and_highlight(page, server):
    """Offline: the saved page opens, plays after a seek (ranges from the cache), follows,
    finds, and takes a highlight."""
    page.goto(f"{server.url}/episodes/long")
    page.wait_for_function(READY)
    page.wait_for_function("() => document.querySelector('.episode-page').dataset.words === 'ready'")
    page.evaluate(f"() => {{ {AUDIO}.currentTime = 300; return {AUDIO}.play(); }}")
    page.wait_for_function(f"() => {AUDIO}.currentTime > 301")     # plays, after a seek
    page.wait_for_function("""() => { const w = document.querySelector('.word--now');
        if (!w) return false; const r = w.getBoundingClientRect();
        const p = document.querySelector('.reading').getBoundingClientRect();
        return r.top >= p.top && r.bottom <= p.bottom; }""")                   # follows
    page.evaluate(f"{AUDIO}.pause()")
    ranged = page.evaluate("""() => fetch('/episodes/long/audio', {headers: {Range: 'bytes=100-199'}})
        .then(async r => [r.status, r.headers.get('Content-Range'), (await r.arrayBuffer()).byteLength])""")
    assert ranged[0] == 206 and ranged[1].startswith("bytes 100-199/") and ranged[2] == 100
    page.click("#find-q")
    page.keyboard.type("harbour")
    page.keyboard.press("Enter")
    page.wait_for_function("() => /\\d+ of \\d+/.test(document.getElementById('find-status').textContent)")
    page.keyboard.press("Escape")
    page.evaluate("document.activeElement.blur()")
    page.keyboard.press("b")                                      # highlights, offline too
    page.wait_for_function("() => document.getElementById('notebook-count').textContent === '1'")


def unsaved_page_and_remove(page, server):
    """Offline: an episode never saved says so; the Saved page lists the saved one with its
    size, and Remove empties it and its cache."""
    page.goto(f"{server.url}/episodes/other")
    assert "this page was not saved" in page.inner_text("body")
    page.goto(f"{server.url}/saved")
    page.wait_for_function("() => document.getElementById('saved-page').dataset.ready")
    item = page.locator(".saved-item")
    assert item.count() == 1 and "Long paragraphs" in item.inner_text() and "MB" in item.inner_text()
    item.get_by_role("button").click()
    page.wait_for_function("() => document.querySelectorAll('.saved-item').length === 0")
    assert page.locator("#saved-empty").is_visible()
    assert not page.evaluate("() => caches.open('listenalong-episodes-v1')"
                             ".then(c => c.match('/episodes/long/audio')).then(Boolean)")


@pytest.mark.browser
@pytest.mark.parametrize("width", [1280, 320])
def test_the_saved_page_has_no_violations(browser, media, width):
    context = browser.new_context(viewport={"width": width, "height": 800}, bypass_csp=True)
    try:
        with LiveServer(create_app({"TESTING": True, "MEDIA_DIR": str(media)})) as server:
            page = context.new_page()
            page.goto(f"{server.url}/saved")
            page.wait_for_function("() => document.getElementById('saved-page').dataset.ready")
            assert page.locator("#saved-empty").is_visible()
            assert_clean(page, f"the empty Saved page at {width} px")
    finally:
        context.close()
