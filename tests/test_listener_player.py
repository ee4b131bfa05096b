"""The listener's player in Chromium: the page's own controls over <audio> (skip buttons,
the scrubber by pointer and keyboard, times, volume), lock-screen controls, the share
dialog, the preferences, a shared link under the normal autoplay policy, printing."""
from __future__ import annotations

import pytest

from support import launch_chromium

pytestmark = pytest.mark.browser

AUDIO = "document.querySelector('#player')"
READY = "() => performance.getEntriesByName('listenalong:ready').length > 0"


def open_episode(page, server, query=""):
    page.goto(f"{server.url}/episodes/seed{query}")
    page.wait_for_function(READY)
    page.wait_for_function(f"() => {AUDIO}.readyState >= 1")


def now(page) -> float:
    return page.evaluate(f"{AUDIO}.currentTime")


def test_the_native_controls_give_way_to_the_page_s_own(page, seed_server):
    open_episode(page, seed_server)
    assert page.evaluate(f"{AUDIO}.controls") is False and page.locator("#player").is_hidden()
    page.evaluate(f"{AUDIO}.currentTime = 1000")
    page.wait_for_function(f"() => {AUDIO}.currentTime === 1000")
    page.click("[data-skip='30']")
    assert now(page) == pytest.approx(1030, abs=0.01)
    page.click("[data-skip='-15']")
    assert now(page) == pytest.approx(1015, abs=0.01)
    page.wait_for_function("() => document.querySelector('#ctl-now').textContent === '16:55'")
    assert page.inner_text("#ctl-left").endswith("−1:49:05")     # 7560 − 1015 s
    assert page.get_attribute("#scrubber", "aria-valuetext") == "16:55 of 2:06:00"
    page.click("#ctl-play")
    page.wait_for_function(f"() => !{AUDIO}.paused")
    # the button follows the media's 'play' event, a task after paused turns false
    page.wait_for_function("() => document.querySelector('#ctl-play').getAttribute('aria-label') "
                           "=== 'Pause'", timeout=5000)
    page.click("#ctl-play")
    page.wait_for_function(f"() => {AUDIO}.paused")
    page.click("#ctl-mute")
    assert page.evaluate(f"{AUDIO}.muted") and page.get_attribute("#ctl-mute", "aria-pressed") == "true"
    page.fill("#ctl-volume", "0.4")
    assert page.evaluate(f"{AUDIO}.volume") == pytest.approx(0.4)


def test_the_scrubber_drags_with_a_time_tip_and_moves_by_keyboard(page, seed_server):
    open_episode(page, seed_server)
    track = page.locator(".scrub-track").bounding_box()
    y = track["y"] + track["height"] / 2
    page.mouse.move(track["x"] + track["width"] * 0.25, y)
    page.mouse.down()
    page.mouse.move(track["x"] + track["width"] * 0.5, y + 40, steps=5)  # a thumb may slide off the bar
    tip = page.locator(".scrub-tip")
    assert tip.is_visible() and tip.inner_text() == "1:03:00"
    assert now(page) == 0                                       # a drag previews; release seeks
    page.mouse.up()
    page.wait_for_function(f"() => Math.abs({AUDIO}.currentTime - 3780) < 1")
    assert page.evaluate(f"{AUDIO}.paused")
    page.focus("#scrubber")
    start = now(page)
    page.keyboard.press("ArrowRight")
    assert now(page) == pytest.approx(start + 5, abs=0.01)
    page.keyboard.press("PageDown")
    assert now(page) == pytest.approx(start - 55, abs=0.01)
    page.keyboard.press("Home")
    assert now(page) == 0
    page.keyboard.press(" ")                                      # still play/pause on the slider
    page.wait_for_function(f"() => !{AUDIO}.paused")


def test_lock_screen_controls_know_the_episode(page, seed_server):
    open_episode(page, seed_server)
    assert page.evaluate("navigator.mediaSession.metadata.title") == \
        "Mark Zuckerberg: Meta, Facebook & the Metaverse"
    artwork = page.evaluate("navigator.mediaSession.metadata.artwork[0]")
    assert artwork["type"] == "image/png" and artwork["src"].endswith("/static/artwork-512.png")
    assert page.request.get(artwork["src"]).body()[:8] == b"\x89PNG\r\n\x1a\n"


def test_the_share_dialog_links_quotes_embeds_and_clips(page, seed_server):
    page.context.grant_permissions(["clipboard-read", "clipboard-write"], origin=seed_server.url)
    open_episode(page, seed_server, "?t=4740")
    page.evaluate(f"{AUDIO}.pause(); {AUDIO}.currentTime = 4744.6")
    page.wait_for_function(f"() => Math.abs({AUDIO}.currentTime - 4744.6) < 0.01")
    page.click("#share-button")
    dialog = page.locator("#share-dialog")
    assert dialog.is_visible()
    base = f"{seed_server.url}/episodes/seed"
    assert page.input_value("#share-link").startswith(f"{base}?t=4744#cue-")
    assert 'src="' + base + '/embed?t=4744"' in page.input_value("#share-embed")
    assert page.get_attribute("#share-clip", "aria-disabled") is not None   # a moment is no clip
    page.check("input[name=share-kind][value=range]")
    page.fill("#share-from", "1:19:00")
    page.fill("#share-to", "1:20:30")
    assert page.input_value("#share-link").startswith(f"{base}?t=4740,4830#cue-")
    assert f"{base}/embed?t=4740,4830" in page.input_value("#share-embed")
    assert page.get_attribute("#share-clip", "href") == "/episodes/seed/clip.mp3?t=4740,4830"
    assert page.get_attribute("#share-clip", "aria-disabled") is None
    page.fill("#share-to", "1:30:00")                          # over five minutes: no clip
    assert page.get_attribute("#share-clip", "aria-disabled") is not None
    page.fill("#share-to", "1:18:00")
    assert "after the start" in page.inner_text("#share-range-note")
    page.fill("#share-to", "1:19:30")
    page.click("#share-copy-embed")
    dialog.locator(".share-status").get_by_text("Embed code copied").wait_for()
    copied = page.evaluate("navigator.clipboard.readText()")
    assert copied.startswith("<iframe ") and "embed?t=4740,4770" in copied and 'width="640"' in copied
    page.keyboard.press("Escape")
    assert dialog.is_hidden()


def test_preferences_are_kept_and_rendered_by_the_server(page, seed_server):
    open_episode(page, seed_server)
    page.click("#prefs-button")
    page.check("input[name=theme][value=dark]")
    page.select_option("#prefs-size", "large")
    page.uncheck("input[name=follow]")
    page.uncheck("input[name=shortcuts]")
    page.keyboard.press("Escape")
    assert page.get_attribute("html", "data-theme") == "dark"
    open_episode(page, seed_server)                              # a new page: the server's doing
    html = page.locator("html")
    assert [html.get_attribute(f"data-{n}") for n in ("theme", "size", "follow", "shortcuts")] == \
        ["dark", "large", "off", "off"]
    assert page.evaluate("getComputedStyle(document.querySelector('.cues')).fontSize") == "20.608px"
    page.evaluate("document.activeElement.blur()")
    page.keyboard.press("k")                                     # shortcuts off: nothing plays
    page.wait_for_timeout(100)
    assert page.evaluate(f"{AUDIO}.paused")
    page.evaluate(f"{AUDIO}.currentTime = 5000")                 # follow off: the page stays put
    page.wait_for_timeout(400)
    assert page.evaluate("document.querySelector('.reading').scrollTop") == 0
    page.goto(f"{seed_server.url}/no/such/page")
    assert page.get_attribute("html", "data-theme") == "dark"    # every page


def test_a_cookie_of_garbage_leaves_the_defaults(page, seed_server):
    page.context.add_cookies([{"name": "listenalong_prefs", "value": "theme=%3Cx%3E&size=huge&follow=2",
                               "url": seed_server.url}])
    page.goto(f"{seed_server.url}/")
    assert page.get_attribute("html", "data-theme") == "system"
    assert page.get_attribute("html", "data-size") == "normal"
    assert page.get_attribute("html", "data-follow") == "on"


def test_following_leaves_the_page_alone_while_tabbing_through_the_transcript(page, seed_server):
    open_episode(page, seed_server)
    page.focus("#cue-3 .cue-time")
    page.keyboard.press("Tab")                                    # keyboard focus: :focus-visible
    top = page.evaluate("document.querySelector('.reading').scrollTop")
    page.evaluate(f"{AUDIO}.currentTime = 4000")
    page.wait_for_function("() => document.querySelector('.cue[aria-current]')")
    page.wait_for_timeout(400)
    assert page.evaluate("document.querySelector('.reading').scrollTop") == top
    assert page.evaluate("document.activeElement.closest('.cue').id") == "cue-4"


def test_printing_shows_the_transcript_with_times_and_no_controls(page, seed_server):
    open_episode(page, seed_server)
    page.emulate_media(media="print")
    assert page.locator(".player-bar").is_hidden() and page.locator(".site-header").is_hidden()
    assert page.locator("#cue-2 .cue-time").is_visible() and page.locator("#cue-198 .cue-text").is_visible()
    assert page.evaluate("getComputedStyle(document.querySelector('.reading')).overflowY") == "visible"


def test_a_shared_link_offers_play_when_autoplay_is_refused(browser, seed_server):
    strict = launch_chromium(browser.browser_type, autoplay=False)
    try:
        page = strict.new_context(viewport={"width": 390, "height": 844}).new_page()
        page.goto(f"{seed_server.url}/episodes/seed?t=1:19:00")
        prompt = page.locator("#play-prompt")
        prompt.wait_for(state="visible")
        assert " ".join(page.inner_text("#play-prompt-button").split()) == "Play from 1:19:00"
        assert page.locator(".play-prompt-title").is_visible()
        assert page.locator(".episode-title").first.is_visible()     # the title stays in view
        page.click("#play-prompt-button")
        page.wait_for_function(f"() => !{AUDIO}.paused && {AUDIO}.currentTime >= 4740")
        assert prompt.is_hidden()
    finally:
        strict.close()
