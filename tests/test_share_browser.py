"""Sharing moments in Chromium: deep links with and without JavaScript, ranges that stop
at their end, #t= fragments, Share / Copy quote / the selection popover, the embed."""
from __future__ import annotations

import http.server
import re
import threading

import pytest

from webapp.core.episodes import Library
from webapp.core.moments import cue_at, format_time, speaker_of
from webapp.core.timecode import short_clock

pytestmark = pytest.mark.browser

TITLE = "Mark Zuckerberg: Meta, Facebook & the Metaverse"


@pytest.fixture(scope="module")
def seed_cues(seed_library):
    return Library(seed_library).transcript("seed").cues


def flat(text: str) -> str:
    return " ".join(text.split())


def in_viewport(page, selector: str) -> bool:
    return page.evaluate("""(sel) => {
      const r = document.querySelector(sel).getBoundingClientRect();
      return r.top >= 0 && r.bottom <= window.innerHeight && r.height > 0;
    }""", selector)


def below_player_bar(page, selector: str) -> bool:
    return page.evaluate("""(sel) => {
      const r = document.querySelector(sel).getBoundingClientRect();
      return r.top >= document.querySelector('.player-bar').getBoundingClientRect().bottom - 1;
    }""", selector)


def clipboard_page(page, seed_server):
    page.context.grant_permissions(["clipboard-read", "clipboard-write"], origin=seed_server.url)
    return page


def read_clipboard(page) -> str:
    return page.evaluate("navigator.clipboard.readText()")


def pause_at(page, seconds: float) -> float:
    """Pause the player at ``seconds`` and wait until the page has caught up."""
    page.wait_for_function("() => document.getElementById('player').readyState >= 1")
    page.evaluate("""(s) => { const a = document.getElementById('player'); a.pause(); a.currentTime = s; }""",
                  seconds)
    page.wait_for_function("""(s) => { const a = document.getElementById('player');
        return a.paused && !a.seeking && Math.abs(a.currentTime - s) < 0.01; }""", arg=seconds)
    return page.evaluate("document.getElementById('player').currentTime")


# ---- deep links -----------------------------------------------------------------------

@pytest.mark.parametrize("t", ["1:19:00", "1:19:00,1:19:04", "4740"])
def test_without_javascript_a_deep_link_lands_on_its_cue(browser, seed_server, seed_cues, t):
    context = browser.new_context(viewport={"width": 1280, "height": 900}, java_script_enabled=False)
    try:
        page = context.new_page()
        page.goto(f"{seed_server.url}/episodes/seed?t={t}")
        index = cue_at(seed_cues, 4740)
        selector = f"#cue-{index + 1} .cue-time"
        page.wait_for_function("(sel) => document.activeElement === document.querySelector(sel)",
                               arg=selector)
        assert in_viewport(page, selector) and below_player_bar(page, selector)
        assert page.evaluate("document.querySelector('.reading').scrollTop") > 10_000  # far down: we really moved
        assert f"cue-{index + 1}" in page.evaluate(
            "[...document.querySelectorAll('.cue--target')].map(e => e.id)")
        # the share buttons need JavaScript: they stay hidden
        assert page.locator("#share-button").is_hidden()
        assert page.locator("#quote-button").is_hidden()
    finally:
        context.close()


def test_with_javascript_the_player_and_autofocus_agree(page, seed_server, seed_cues):
    page.goto(f"{seed_server.url}/episodes/seed?t=1:19:00")
    index = cue_at(seed_cues, 4740)
    cue = f"#cue-{index + 1}"
    page.wait_for_function("(sel) => document.querySelector(sel).getAttribute('aria-current') === 'true'",
                           arg=cue)
    page.evaluate("document.getElementById('player').pause()")
    # smooth scrolling, and the sizes content-visibility estimated for the cues above it
    # being replaced by real ones, settle in their own time (slower on a busy machine)
    page.wait_for_function("""(sel) => {
      const r = document.querySelector(sel).getBoundingClientRect();
      const bar = document.querySelector('.player-bar').getBoundingClientRect();
      return r.height > 0 && r.bottom <= window.innerHeight && r.top >= bar.bottom - 1;
    }""", arg=f"{cue} .cue-time", timeout=5000)
    assert in_viewport(page, f"{cue} .cue-time") and below_player_bar(page, f"{cue} .cue-time")
    assert page.evaluate("document.activeElement.closest('.cue') && document.activeElement.closest('.cue').id") \
        == cue[1:]
    # share.js shows its button when it has started, which may be after the landing
    page.locator("#share-button").wait_for(state="visible", timeout=5000)


def test_an_unusable_time_shows_the_notice_and_starts_at_the_top(page, seed_server):
    page.goto(f"{seed_server.url}/episodes/seed?t=9:99:99")
    notice = page.locator(".moment-notice")
    assert notice.is_visible()
    assert notice.inner_text() == ("That link's time (9:99:99) isn't in this episode; "
                                   "starting from the beginning.")
    assert page.evaluate("document.getElementById('player').currentTime") == 0


# ---- ranges -----------------------------------------------------------------------------

def test_a_range_link_plays_and_pauses_at_its_end(page, seed_server, seed_cues):
    page.goto(f"{seed_server.url}/episodes/seed?t=1:19:00,1:19:04")
    page.wait_for_function("() => document.getElementById('player').readyState >= 1")
    page.evaluate("document.getElementById('player').play()")
    page.wait_for_function("""() => { const a = document.getElementById('player');
        return a.paused && a.currentTime >= 4743.5; }""", timeout=20_000)
    stopped = page.evaluate("document.getElementById('player').currentTime")
    assert 4743.5 <= stopped < 4744.5
    marked = page.evaluate("[...document.querySelectorAll('.cue--in-range')].map(e => e.id)")
    first = cue_at(seed_cues, 4740)
    expected = [f"cue-{i + 1}" for i in range(first, len(seed_cues))
                if i == first or seed_cues[i].start < 4744]
    assert marked == expected
    # Playing again goes on past the end: the range is done.
    page.evaluate("document.getElementById('player').play()")
    page.wait_for_function("() => document.getElementById('player').currentTime > 4745", timeout=20_000)


def test_a_fragment_range_is_honoured(page, seed_server, seed_cues):
    page.goto(f"{seed_server.url}/episodes/seed#t=1:19:00,1:19:03")
    first = cue_at(seed_cues, 4740)
    page.wait_for_function("(id) => document.getElementById(id).classList.contains('cue--target')",
                           arg=f"cue-{first + 1}")
    assert page.evaluate("document.getElementById('cue-%d').classList.contains('cue--in-range')"
                         % (first + 1))
    page.wait_for_function("() => document.getElementById('player').readyState >= 1")
    page.evaluate("document.getElementById('player').play()")
    page.wait_for_function("""() => { const a = document.getElementById('player');
        return a.paused && a.currentTime >= 4742.5; }""", timeout=20_000)
    assert page.evaluate("document.getElementById('player').currentTime") < 4743.5


def test_a_fragment_time_with_npt_moves_the_player(page, seed_server, seed_cues):
    page.goto(f"{seed_server.url}/episodes/seed#t=npt:2000")
    page.wait_for_function("""() => { const a = document.getElementById('player');
        return a.currentTime >= 2000 && a.currentTime < 2010; }""")
    target = cue_at(seed_cues, 2000)
    assert page.evaluate("[...document.querySelectorAll('.cue--target')].map(e => e.id)") == \
        [f"cue-{target + 1}"]
    # changing the fragment later is followed too
    page.evaluate("location.hash = 't=1h'")
    page.wait_for_function("""() => { const a = document.getElementById('player');
        return a.currentTime >= 3600 && a.currentTime < 3610; }""")


# ---- Share and Copy quote ----------------------------------------------------------------

def test_share_copies_a_link_at_the_current_time(page, seed_server, seed_cues):
    clipboard_page(page, seed_server)
    page.goto(f"{seed_server.url}/episodes/seed")
    now = pause_at(page, 1234.6)
    page.click("#share-button")
    page.click("#share-copy")
    status = page.locator("#share-dialog .share-status")
    status.get_by_text("Link copied").wait_for()
    assert status.get_attribute("role") == "status"
    index = cue_at(seed_cues, 1234)
    assert int(now) == 1234
    assert read_clipboard(page) == f"{seed_server.url}/episodes/seed?t=1234#cue-{index + 1}"


def test_copy_quote_copies_the_current_cue_as_a_quote(page, seed_server, seed_cues):
    clipboard_page(page, seed_server)
    page.goto(f"{seed_server.url}/episodes/seed?t=3000")
    now = pause_at(page, 3001)
    index = cue_at(seed_cues, now)
    page.wait_for_function("(id) => document.getElementById(id).getAttribute('aria-current') === 'true'",
                           arg=f"cue-{index + 1}")
    page.click("#share-button")
    page.click("#quote-button")
    page.locator("#share-dialog .share-status").get_by_text("Quote copied").wait_for()
    cue = seed_cues[index]
    url = f"{seed_server.url}/episodes/seed?t={format_time(cue.start)}#cue-{index + 1}"
    expected = (f"“{flat(cue.text)}” — {speaker_of(seed_cues, index)}, {TITLE} "
                f"[{short_clock(cue.start)}] {url}")
    assert read_clipboard(page) == expected


def settled_box(page, selector: str) -> dict:
    """The element's box once layout has settled (cues render lazily: content-visibility)."""
    last = None
    for _ in range(50):
        page.evaluate("() => new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)))")
        box = page.locator(selector).bounding_box()
        if box == last:
            return box
        last = box
    return last


def select_with_mouse(page, first: int, last: int):
    """Drag from the start of cue ``first``'s text to the middle of cue ``last``'s first line."""
    page.evaluate("(sel) => document.querySelector(sel).scrollIntoView({block: 'center'})",
                  f"#cue-{first}")
    start = settled_box(page, f"#cue-{first} .cue-text")
    end = settled_box(page, f"#cue-{last} .cue-text")
    page.mouse.move(start["x"] + 1, start["y"] + 8)
    page.mouse.down()
    page.mouse.move(end["x"] + 60, end["y"] + 8, steps=10)
    page.mouse.up()
    assert page.evaluate("!getSelection().isCollapsed"), "the drag selected nothing"


def test_selecting_text_offers_a_range_link_reachable_by_keyboard(page, seed_server, seed_cues):
    clipboard_page(page, seed_server)
    page.goto(f"{seed_server.url}/episodes/seed")
    page.wait_for_function("() => document.getElementById('player').readyState >= 1")
    select_with_mouse(page, 40, 42)  # across two cue groups (cues 21-40 and 41-60)
    popover = page.locator(".share-pop")
    popover.wait_for(state="visible")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent") == "Copy link"
    page.keyboard.press("Enter")
    page.locator(".share-toast").get_by_text("Link copied").wait_for()
    first, last = seed_cues[39], seed_cues[41]
    assert read_clipboard(page) == (f"{seed_server.url}/episodes/seed?t={format_time(first.start)},"
                                    f"{format_time(last.end)}#cue-40")
    assert popover.is_hidden()


def test_copy_quote_of_a_selection_quotes_whole_words_of_the_selected_cues(page, seed_server, seed_cues):
    clipboard_page(page, seed_server)
    page.goto(f"{seed_server.url}/episodes/seed")
    page.wait_for_function("() => document.getElementById('player').readyState >= 1")
    # two short neighbours, so that both are on screen for the drag
    i = next(i for i in range(30, len(seed_cues) - 1)
             if len(seed_cues[i].text) < 200 and len(seed_cues[i + 1].text) < 200)
    select_with_mouse(page, i + 1, i + 2)
    page.locator(".share-pop").wait_for(state="visible")
    page.locator(".share-pop").get_by_text("Copy quote").click()
    page.locator(".share-toast").get_by_text("Quote copied").wait_for()
    text = read_clipboard(page)
    speaker = speaker_of(seed_cues, i)
    match = re.fullmatch(rf"“(.+)” — {re.escape(speaker)}, {re.escape(TITLE)} "
                         r"\[(\d+:\d\d(?::\d\d)?)\] (\S+)", text)
    assert match, text
    quoted, when, url = match.groups()
    first, second = flat(seed_cues[i].text), flat(seed_cues[i + 1].text)
    assert quoted.startswith(first + " ")           # all of the first cue …
    rest = quoted[len(first) + 1:]
    assert second.startswith(rest) and rest         # … and the start of the next,
    assert len(rest) == len(second) or second[len(rest)] == " "  # in whole words
    assert when == short_clock(seed_cues[i].start)
    assert url == (f"{seed_server.url}/episodes/seed?t={format_time(seed_cues[i].start)},"
                   f"{format_time(seed_cues[i + 1].end)}#cue-{i + 1}")


def test_quote_text_stays_text(page, seed_server):
    """The transcript's text reaches the clipboard as text and never becomes markup."""
    clipboard_page(page, seed_server)
    page.goto(f"{seed_server.url}/episodes/seed")
    page.evaluate("""() => { const p = document.querySelector('#cue-1 .cue-text');
        p.textContent = '<img src=x onerror="window.owned=1">'; }""")
    pause_at(page, 0)
    page.click("#share-button")
    page.click("#quote-button")
    page.locator("#share-dialog .share-status").get_by_text("Quote copied").wait_for()
    assert read_clipboard(page).startswith('“<img src=x onerror="window.owned=1">”')
    assert page.evaluate("window.owned") is None
    assert page.locator(".share-toast img, .share-pop img").count() == 0


# ---- the embed ---------------------------------------------------------------------------

class _Parent(http.server.BaseHTTPRequestHandler):
    """Another site (another origin on loopback) whose page frames ``self.server.body``."""

    def do_GET(self):
        body = self.server.body.encode()
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


def test_the_embed_works_framed_by_another_site(page, seed_server, seed_cues):
    """A page on another origin can frame the embed (frame-ancestors *), which runs the
    player; framing the full episode page is refused (frame-ancestors 'self')."""
    embed = f"{seed_server.url}/episodes/seed/embed?t=4740"
    full = f"{seed_server.url}/episodes/seed"
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Parent)
    server.body = (f'<!doctype html><title>elsewhere</title>'
                   f'<iframe id="embed" src="{embed}" width="640" height="400"></iframe>'
                   f'<iframe id="full" src="{full}" width="640" height="400"></iframe>')
    threading.Thread(target=server.serve_forever, daemon=True).start()
    refusals = []
    page.on("console", lambda message: refusals.append(message.text)
            if "frame-ancestors" in message.text else None)
    try:
        page.goto(f"http://127.0.0.1:{server.server_port}/")
        frame = page.frame_locator("#embed")
        index = cue_at(seed_cues, 4740)
        frame.locator(f"#cue-{index + 1}[aria-current=true]").wait_for()
        assert frame.locator("#share-button").is_visible()
        page.wait_for_function("() => document.readyState === 'complete'")
    finally:
        server.shutdown()
    frames = [f.url for f in page.frames]
    assert embed in frames and full not in frames
    assert any("frame-ancestors 'self'" in m for m in refusals), refusals
