"""The episode page's player in Chromium: clicks, sync, following, keys, memory, mobile.

Runs against the seed episode (slug "seed", 198 cues, 2 h 06 min of silent audio) served
by the ``seed_server`` fixture. The positions used come from the page's own data-start
attributes, never from hard-coded copies of the transcript.
"""
from __future__ import annotations

import json
import shutil
import subprocess

import pytest

from support import REPO, SAID_BOX, settle_scrolling

pytestmark = pytest.mark.browser

AUDIO = "document.querySelector('#player')"
READY = ("() => !document.querySelector('#controls').hidden && "
         "document.querySelector('#player').readyState >= 1")
# Is the cue with this id fully or partly on screen below the sticky player bar?
IN_VIEW = """id => {
  const r = document.getElementById(id).getBoundingClientRect();
  const bar = document.querySelector('.player-bar').getBoundingClientRect().bottom;
  return r.bottom > bar + 10 && r.top < window.innerHeight - 10;
}"""


def settle(page):
    return settle_scrolling(page)


# Stricter: the words being said in the cue sit in the upper half of the reading pane,
# where following puts them (28 % of the way down).
PLACED = f"""id => {{
  const box = ({SAID_BOX})(id);
  const pane = document.querySelector('.reading').getBoundingClientRect();
  return box.top >= pane.top - 2 && box.top <= pane.top + pane.height / 2;
}}"""


def open_episode(page, server, query=""):
    page.goto(f"{server.url}/episodes/seed{query}")
    page.wait_for_function(READY)


def starts(page):
    return page.eval_on_selector_all(".cue", "cs => cs.map(c => Number(c.dataset.start))")


def cue_at(cue_starts, seconds):
    """Index of the cue playing at ``seconds`` (computed independently of the page)."""
    found = -1
    for i, start in enumerate(cue_starts):
        if start <= seconds:
            found = i
    return found


def current_id(page):
    return page.evaluate("() => { const c = document.querySelectorAll('[aria-current=\"true\"]');"
                         " return c.length === 1 ? c[0].id : c.length; }")


def set_time(page, seconds, play=False):
    page.evaluate("([s, play]) => { const a = document.querySelector('#player');"
                  " a.currentTime = s; if (play) a.play(); else a.pause(); }", [seconds, play])


# --- clicks ------------------------------------------------------------------------------

def test_clicking_a_timestamp_seeks_to_the_cue_and_plays(page, seed_server):
    open_episode(page, seed_server)
    cue = page.locator("#cue-40")
    start = float(cue.get_attribute("data-start"))
    cue.locator(".cue-time").click()
    page.wait_for_function(f"s => !{AUDIO}.paused && {AUDIO}.currentTime >= s - 0.05 "
                           f"&& {AUDIO}.currentTime < s + 3", arg=start)
    assert "t=" not in page.url  # handled in the page: no navigation to ?t=
    assert current_id(page) == "cue-40"


def test_clicking_text_seeks_into_that_cue_but_selecting_text_does_not(page, seed_server):
    open_episode(page, seed_server)
    cue = page.locator("#cue-12")
    start, end = float(cue.get_attribute("data-start")), float(cue.get_attribute("data-end"))
    cue.locator(".cue-text").click()
    page.wait_for_function(f"([s, e]) => !{AUDIO}.paused && {AUDIO}.currentTime >= s - 0.05 "
                           f"&& {AUDIO}.currentTime < e", arg=[start, end])
    page.evaluate(f"{AUDIO}.pause()")
    before = page.evaluate(f"{AUDIO}.currentTime")

    # Dragging across another cue's text selects it: that must not seek. (The seek's
    # smooth scroll must be over first, or the text moves under the pointer.)
    settle_scrolling(page)
    other = page.locator("#cue-14 .cue-text")
    other.scroll_into_view_if_needed()
    settle_scrolling(page)
    box = other.bounding_box()
    page.mouse.move(box["x"] + 5, box["y"] + 8)
    page.mouse.down()
    page.mouse.move(box["x"] + box["width"] * 0.6, box["y"] + 8, steps=5)
    page.mouse.up()
    assert page.evaluate("getSelection().toString().length") > 0
    page.wait_for_timeout(300)
    assert page.evaluate(f"{AUDIO}.currentTime") == pytest.approx(before, abs=0.01)
    assert page.evaluate(f"{AUDIO}.paused")


# --- sync --------------------------------------------------------------------------------

def test_playing_moves_aria_current_to_the_next_cue_at_its_start(page, seed_server):
    open_episode(page, seed_server)
    cue_starts = starts(page)
    boundary = cue_starts[60]  # the start of #cue-61
    page.evaluate("""() => { window.changes = [];
      document.querySelector('.episode-page').addEventListener('listenalong:cuechange', e =>
        changes.push({...e.detail, t: document.querySelector('#player').currentTime})); }""")
    set_time(page, boundary - 0.8)
    page.wait_for_function("() => document.querySelector('#cue-60').getAttribute('aria-current') === 'true'")
    page.evaluate(f"{AUDIO}.play()")
    page.wait_for_function("() => document.querySelector('#cue-61').getAttribute('aria-current') === 'true'")
    assert current_id(page) == "cue-61"  # exactly one current cue
    changes = page.evaluate("changes")
    last = changes[-1]
    assert (last["index"], last["previous"]) == (60, 59)
    assert last["t"] >= boundary - 0.01  # not before its start time
    # Following playback scrolls the new cue into view; that is not "scrolling away".
    page.wait_for_function(IN_VIEW, arg="cue-61")
    assert page.locator("#back-to-now").is_hidden()


def test_start_at_t_plays_from_there_with_that_cue_in_view(page, seed_server):
    open_episode(page, seed_server, "?t=3600")
    page.wait_for_function(f"() => {AUDIO}.currentTime >= 3600 && !{AUDIO}.paused")
    expected = f"cue-{cue_at(starts(page), 3600) + 1}"
    assert page.evaluate(f"{AUDIO}.currentTime") < 3610
    page.wait_for_function(PLACED, arg=expected)
    assert page.evaluate("document.querySelector('.reading').scrollTop") > 1000  # we really moved down
    assert page.locator("#resume").is_hidden()


def test_scrolling_away_shows_back_to_now_which_brings_the_cue_back(page, seed_server):
    open_episode(page, seed_server, "?t=3600")
    page.wait_for_function(f"() => {AUDIO}.currentTime >= 3600")
    current = current_id(page)
    page.wait_for_function(IN_VIEW, arg=current)
    settle(page)
    button = page.locator("#back-to-now")
    assert button.is_hidden()

    page.mouse.move(640, 500)
    page.mouse.wheel(0, 4000)
    button.wait_for(state="visible")
    assert not page.evaluate(IN_VIEW, current_id(page))
    assert "back-to-now--up" in button.get_attribute("class")  # the cue is above: we scrolled down
    button.click()
    button.wait_for(state="hidden")
    page.wait_for_function(IN_VIEW, arg=current_id(page))
    settle(page)

    # Scrolling the current cue back into view by hand resumes following too.
    page.mouse.move(640, 400)
    page.mouse.wheel(0, -4000)
    button.wait_for(state="visible")
    assert "back-to-now--up" not in button.get_attribute("class")
    page.evaluate(f"{AUDIO}.pause()")
    page.evaluate("id => document.getElementById(id).scrollIntoView({block: 'center'})",
                  current_id(page))
    page.mouse.wheel(0, 1)  # a user scroll while the cue is visible again
    button.wait_for(state="hidden")


# --- keyboard ----------------------------------------------------------------------------

def test_keyboard_shortcuts(page, seed_server):
    open_episode(page, seed_server)
    cue_starts, here = play_seek_and_step(page)
    help_dialog_takes_the_keys(page)
    typing_and_buttons_keep_their_keys(page, cue_starts, here)


def play_seek_and_step(page):
    """k/Space, ←/→, j/l and [/]; returns the cue starts and the cue playing at 995 s."""
    page.evaluate("document.activeElement.blur()")
    for key in (" ", "k"):
        page.keyboard.press(key)
        page.wait_for_function(f"() => !{AUDIO}.paused")
        page.keyboard.press(key)
        page.wait_for_function(f"() => {AUDIO}.paused")

    set_time(page, 1000)
    page.wait_for_function(f"() => {AUDIO}.currentTime === 1000")
    page.keyboard.press("ArrowRight")
    assert page.evaluate(f"{AUDIO}.currentTime") == pytest.approx(1005, abs=0.01)
    page.keyboard.press("ArrowLeft")
    page.keyboard.press("ArrowLeft")
    assert page.evaluate(f"{AUDIO}.currentTime") == pytest.approx(995, abs=0.01)
    page.keyboard.press("l")
    assert page.evaluate(f"{AUDIO}.currentTime") == pytest.approx(1005, abs=0.01)
    page.keyboard.press("j")
    assert page.evaluate(f"{AUDIO}.currentTime") == pytest.approx(995, abs=0.01)

    cue_starts = starts(page)
    here = cue_at(cue_starts, 995)
    page.keyboard.press("]")
    assert page.evaluate(f"{AUDIO}.currentTime") == pytest.approx(cue_starts[here + 1], abs=0.01)
    assert current_id(page) == f"cue-{here + 2}"
    page.keyboard.press("]")
    page.keyboard.press("[")
    assert page.evaluate(f"{AUDIO}.currentTime") == pytest.approx(cue_starts[here + 1], abs=0.01)
    page.keyboard.press("[")
    assert current_id(page) == f"cue-{here + 1}"
    assert page.evaluate(f"{AUDIO}.paused")  # moving around while paused stays paused
    speed_and_mute(page)
    return cue_starts, here


def speed_and_mute(page):
    """< and > step through the speed menu's rates; m mutes and unmutes."""
    page.keyboard.press(">")
    assert page.evaluate(f"{AUDIO}.playbackRate") == 1.25
    page.keyboard.press("<")
    page.keyboard.press("<")
    assert page.evaluate(f"{AUDIO}.playbackRate") == 0.75
    page.keyboard.press(">")
    page.keyboard.press("m")
    assert page.evaluate(f"{AUDIO}.muted")
    page.keyboard.press("m")
    assert not page.evaluate(f"{AUDIO}.muted")


def help_dialog_takes_the_keys(page):
    dialog = page.locator("dialog#shortcuts")
    assert not dialog.is_visible()
    page.keyboard.press("?")
    dialog.wait_for(state="visible")
    page.keyboard.press(" ")  # keys belong to the dialog while it is open
    assert page.evaluate(f"{AUDIO}.paused")
    page.keyboard.press("Escape")
    dialog.wait_for(state="hidden")


def typing_and_buttons_keep_their_keys(page, cue_starts, here):
    """Space while typing in a text box types a space; "/" focuses the search box; Space
    on a focused button activates the button, not the player."""
    dialog = page.locator("dialog#shortcuts")
    if not page.locator("input[name=q]").count():
        page.evaluate("""() => { const i = document.createElement('input');
          i.name = 'q'; i.type = 'search'; document.querySelector('.player-tools').append(i); }""")
    page.evaluate("document.activeElement.blur()")
    page.keyboard.press("/")
    assert page.evaluate("document.activeElement.name") == "q"
    page.keyboard.type("a b")
    assert page.evaluate(f"{AUDIO}.paused")
    assert page.locator("input[name=q]").input_value().endswith("a b")
    page.keyboard.press("ArrowLeft")
    assert page.evaluate(f"{AUDIO}.currentTime") == pytest.approx(cue_starts[here], abs=0.01)

    # Space on a focused button activates the button, not the player.
    page.locator("#shortcuts-button").focus()
    page.keyboard.press(" ")
    dialog.wait_for(state="visible")
    assert page.evaluate(f"{AUDIO}.paused")
    page.keyboard.press("Escape")
    dialog.wait_for(state="hidden")

    # Arrows and letters on the focused speed menu are the menu's, not the player's.
    at = page.evaluate(f"{AUDIO}.currentTime")
    page.locator("#speed").focus()
    page.keyboard.press("k")
    page.keyboard.press("ArrowRight")
    assert page.evaluate(f"{AUDIO}.currentTime") == at and page.evaluate(f"{AUDIO}.paused")

    # A mouse press on a player button leaves no focus on it: Space is play/pause again.
    page.click("#ctl-play")
    page.wait_for_function(f"() => !{AUDIO}.paused")
    page.keyboard.press(" ")
    page.wait_for_function(f"() => {AUDIO}.paused")


# --- sentences ---------------------------------------------------------------------------

LONG_CUE = """() => {
  const cues = [...document.querySelectorAll('.cue')];
  const long = cues.find(c => (c.querySelector('.cue-text').textContent.match(/[.?!] [A-Z]/g) || []).length >= 4);
  return long.id;
}"""

HIGHLIGHT = """id => [...document.querySelectorAll('#' + id + ' .sentence--now')].map(s => s.textContent).join('')"""


def test_current_sentence_is_highlighted_without_changing_the_text(page, seed_server):
    open_episode(page, seed_server)
    cue_id = page.evaluate(LONG_CUE)
    cue = page.locator(f"#{cue_id}")
    start, end = float(cue.get_attribute("data-start")), float(cue.get_attribute("data-end"))
    text = page.evaluate("id => document.querySelector('#' + id + ' .cue-text').textContent", cue_id)
    # A search-style <mark> around a word in the middle (the search module does this).
    page.evaluate("""id => { const p = document.querySelector('#' + id + ' .cue-text');
      const node = p.firstChild; const mid = Math.floor(node.length * 0.55);
      const rest = node.splitText(mid); rest.splitText(6);
      const mark = document.createElement('mark'); rest.replaceWith(mark); mark.append(rest);
      window.testMark = mark; }""", cue_id)

    set_time(page, start + 0.01)
    page.wait_for_function("id => document.querySelector('#' + id + ' .sentence--now')", arg=cue_id)
    first = page.evaluate(HIGHLIGHT, cue_id)
    assert text.startswith(first) and 0 < len(first) < len(text)

    fraction = 0.58
    set_time(page, start + (end - start) * fraction)
    page.wait_for_function(f"id => ({HIGHLIGHT})(id) !== {json.dumps(first)}", arg=cue_id)
    sentence = page.evaluate(HIGHLIGHT, cue_id)
    at = text.index(sentence)
    assert at <= fraction * len(text) <= at + len(sentence) + 2
    assert page.evaluate("id => document.querySelector('#' + id + ' .cue-text').textContent",
                         cue_id) == text
    assert page.evaluate("testMark.isConnected && testMark.textContent.length === 6")

    # Another cue becomes current: the spans go, the text and the <mark> stay.
    set_time(page, end + 1)
    page.wait_for_function("id => document.getElementById(id).getAttribute('aria-current') !== 'true'",
                           arg=cue_id)
    assert page.locator(f"#{cue_id} .sentence--now").count() == 0
    assert page.evaluate("id => document.querySelector('#' + id + ' .cue-text').textContent",
                         cue_id) == text
    assert page.evaluate("testMark.isConnected && testMark.textContent.length === 6")


def test_sentence_highlight_and_search_marks_work_together(page, seed_server):
    """The in-episode search wraps matches in <mark>s inside the same text: both must
    survive each other, and the text must never change."""
    open_episode(page, seed_server)
    if not page.locator("#find-q").count():
        pytest.skip("the in-episode search box is not on the page")
    cue_id = page.evaluate(LONG_CUE)
    cue = page.locator(f"#{cue_id}")
    start, end = float(cue.get_attribute("data-start")), float(cue.get_attribute("data-end"))
    text = page.evaluate("id => document.querySelector('#' + id + ' .cue-text').textContent", cue_id)
    word = max(text.split(), key=len).strip(".,?!’'")  # a word this cue surely holds
    set_time(page, start + (end - start) * 0.5)
    page.wait_for_function("id => document.querySelector('#' + id + ' .sentence--now')", arg=cue_id)

    page.fill("#find-q", word)
    page.wait_for_function("id => document.querySelector('#' + id + ' mark')", arg=cue_id)
    page.evaluate(f"{AUDIO}.pause()")
    for fraction in (0.1, 0.9, 0.5):  # move the sentence highlight across the marks
        set_time(page, start + (end - start) * fraction)
        page.wait_for_timeout(100)
        assert page.evaluate("id => document.querySelector('#' + id + ' .cue-text').textContent",
                             cue_id) == text
        assert page.locator(f"#{cue_id} .sentence--now").count() >= 1
        marked = page.eval_on_selector_all(f"#{cue_id} mark", "ms => ms.map(m => m.textContent)")
        assert marked and all(m.lower() == word.lower() for m in marked)

    page.focus("#find-q")
    page.keyboard.press("Escape")
    page.wait_for_function("id => !document.querySelector('#' + id + ' mark')", arg=cue_id)
    assert page.evaluate("id => document.querySelector('#' + id + ' .cue-text').textContent",
                         cue_id) == text
    assert page.locator(f"#{cue_id} .sentence--now").count() >= 1


# --- memory ------------------------------------------------------------------------------

def test_speed_is_remembered_across_reloads(page, seed_server):
    open_episode(page, seed_server)
    assert page.evaluate(f"{AUDIO}.playbackRate") == 1
    page.select_option("#speed", "1.5")
    assert page.evaluate(f"{AUDIO}.playbackRate") == 1.5
    page.reload()
    page.wait_for_function(READY)
    assert page.evaluate(f"{AUDIO}.playbackRate") == 1.5
    assert page.input_value("#speed") == "1.5"


def revisit(page, server):
    """Come back to the episode later: a new visit (not a reload, which keeps the place)."""
    page.goto("about:blank")
    open_episode(page, server)


def test_a_return_visit_resumes_where_the_reader_left_off(page, seed_server):
    open_episode(page, seed_server)
    banner = page.locator("#resume")
    assert banner.is_hidden()
    set_time(page, 1000, play=True)
    page.wait_for_function(f"() => {AUDIO}.currentTime > 1000.3")
    revisit(page, seed_server)  # pagehide saves the position
    banner.wait_for(state="visible")
    assert banner.inner_text().startswith("Resumed at 16:4")
    page.wait_for_function(f"() => Math.abs({AUDIO}.currentTime - 1000.3) < 1 && {AUDIO}.paused")
    page.wait_for_function(PLACED, arg=f"cue-{cue_at(starts(page), 1000) + 1}")  # the place is shown
    page.click("#ctl-play")                                  # one tap plays on from there
    page.wait_for_function(f"() => !{AUDIO}.paused && {AUDIO}.currentTime >= 1000")

    # "Start over" and a brief play do not lose the place: the next visit resumes there.
    revisit(page, seed_server)
    banner.wait_for(state="visible")
    page.click("#resume-no")
    page.wait_for_function(f"() => !{AUDIO}.paused && {AUDIO}.currentTime < 5")
    back = page.locator("#resume-yes")
    assert back.is_visible() and back.inner_text().startswith("Back to 16:4")
    page.wait_for_timeout(1500)
    revisit(page, seed_server)
    banner.wait_for(state="visible")
    page.wait_for_function(f"() => Math.abs({AUDIO}.currentTime - 1000.5) < 1.5")
    page.click("#resume-no")
    page.click("#resume-yes")                                 # and back again
    page.wait_for_function(f"() => !{AUDIO}.paused && {AUDIO}.currentTime >= 1000")
    assert banner.is_hidden()

    # A link with ?t= says where to start: it wins over the saved position.
    open_episode(page, seed_server, "?t=50")
    page.wait_for_function(f"() => {AUDIO}.currentTime >= 50 && {AUDIO}.currentTime < 60")
    assert banner.is_hidden()


def test_listening_a_while_replaces_the_saved_position(page, seed_server):
    open_episode(page, seed_server)
    set_time(page, 3000, play=True)
    page.wait_for_function(f"() => {AUDIO}.currentTime > 3000.3")
    revisit(page, seed_server)
    page.wait_for_function(f"() => Math.abs({AUDIO}.currentTime - 3000.5) < 1.5")
    set_time(page, 200, play=True)           # somewhere else, listened to for 16 s
    page.wait_for_function(f"() => {AUDIO}.currentTime > 216", timeout=30_000)
    revisit(page, seed_server)
    page.locator("#resume").wait_for(state="visible")
    page.wait_for_function(f"() => {AUDIO}.currentTime > 210 && {AUDIO}.currentTime < 230")


def test_no_resume_offer_in_the_first_seconds(page, seed_server):
    open_episode(page, seed_server)
    set_time(page, 4, play=True)
    page.wait_for_function(f"() => {AUDIO}.currentTime > 4.3")
    revisit(page, seed_server)
    page.wait_for_timeout(200)
    assert page.locator("#resume").is_hidden()
    assert page.evaluate(f"{AUDIO}.currentTime") < 1


# --- mobile ------------------------------------------------------------------------------

def assert_lands_on_cue(page, url, seconds):
    """Open ``url`` (a ?t= link), and check the cue playing at ``seconds`` is placed in view
    and stays there."""
    page.goto(url)
    page.wait_for_function(READY)
    page.wait_for_function(f"() => {AUDIO}.currentTime >= {seconds}")
    page.evaluate(f"{AUDIO}.pause()")
    target = f"cue-{cue_at(starts(page), seconds) + 1}"
    page.wait_for_function(PLACED, arg=target)
    page.wait_for_timeout(300)
    assert page.evaluate(PLACED, target)  # and it stays there


def test_mobile_layout_has_no_horizontal_overflow(browser, seed_server):
    context = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True,
                                  has_touch=True, device_scale_factor=2)
    page = context.new_page()
    try:
        for path in ("/", "/episodes/seed", "/episodes/seed?t=3600", "/no/such/page"):
            page.goto(seed_server.url + path)
            page.wait_for_load_state("load")
            assert page.evaluate("document.scrollingElement.scrollWidth") <= 390, path
        # Cues far down are laid out lazily (estimated heights): ?t= must still land on its cue.
        assert_lands_on_cue(page, seed_server.url + "/episodes/seed?t=5000", 5000)

        page.goto(seed_server.url + "/episodes/seed")
        page.wait_for_function(READY)
        before = page.locator(".player-bar").bounding_box()
        page.evaluate("document.querySelector('.reading').scrollTop = 3000")
        bar = page.locator(".player-bar").bounding_box()
        scrubber = page.locator("#scrubber").bounding_box()
        assert bar == before and bar["y"] < 844 * 0.25  # stays put while reading
        assert scrubber["width"] >= 0.45 * 390 and scrubber["x"] >= 0 and scrubber["x"] + scrubber["width"] <= 390
        assert page.locator("#speed").is_visible() and page.locator("#ctl-play").is_visible()
    finally:
        context.close()


def test_start_at_t_lands_on_its_cue_in_the_embed_too(page, seed_server):
    """The embed has no autofocus to lean on: the player's own scroll must land, even
    though cues far down the page are laid out with estimated heights until seen."""
    assert_lands_on_cue(page, f"{seed_server.url}/episodes/seed/embed?t=5000", 5000)


# --- Flask-free: the sentence splitter, run by Node ------------------------------------

def test_sentence_splitting_and_timing_estimates():
    node = shutil.which("node")
    if node is None:
        pytest.skip("Node.js is not installed")
    script = """
      import { sentenceStarts, sentenceModel, sentenceAt } from './static/js/player-sentences.js';
      const text = 'Hello there. Is it? Yes! It is, e.g. this one. “Quoted.” Next…  Last';
      const model = sentenceModel(text, 100, 100 + text.length);
      console.log(JSON.stringify({
        starts: sentenceStarts(text),
        times: model.times,
        at: [99, 100, 112.9, 113, 160, 1000].map(t => sentenceAt(model, t)),
        single: sentenceStarts('No full stop here'),
      }));
    """
    out = subprocess.run([node, "--input-type=module", "-e", script], cwd=REPO,
                         capture_output=True, text=True, check=True).stdout
    result = json.loads(out)
    text = "Hello there. Is it? Yes! It is, e.g. this one. “Quoted.” Next…  Last"
    expected = [0, text.index("Is"), text.index("Yes"), text.index("It is"),
                text.index("“"), text.index("Next"), text.index("Last")]
    assert result["starts"] == expected
    assert result["times"] == [100 + s for s in expected]  # 1 s per character here
    assert result["at"] == [0, 0, 0, 1, 5, 6]
    assert result["single"] == [0]
