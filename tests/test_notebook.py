"""The listener's notebook (issue 25) in Chromium: highlights from a selection and from
the b key, kept in the browser (IndexedDB) and marked in the text; they follow their
words through a re-alignment that shifts every time; the Markdown export; a notebook file
imported back without duplicates; the headphones' next-track press (Media Session) saves
one, unless the preferences turn it off; axe finds nothing with the notebook open."""
from __future__ import annotations

import json

import pytest

from long_paragraphs import add_long_episode
from support import LiveServer, new_contexts
from test_accessibility import assert_clean
from webapp import create_app
from webapp.core.episodes import Library, read_words

pytestmark = pytest.mark.browser

READY = ("() => { const p = document.querySelector('.episode-page');"
         " return p.dataset.notebook === 'ready' && p.dataset.words === 'ready'"
         " && document.getElementById('player').readyState >= 1; }")
AUDIO = "document.getElementById('player')"
# Every highlight in the browser's notebook, read from IndexedDB as a page would.
STORED = """() => new Promise((done, fail) => {
  const open = indexedDB.open('listenalong', 1);
  open.onsuccess = () => { const req = open.result.transaction('highlights').objectStore('highlights').getAll();
    req.onsuccess = () => done(req.result); req.onerror = fail; };
  open.onerror = fail; })"""
# Select from character a of cue ``n``'s text (1-based id) to character b of cue ``m``'s
# (``m`` = ``n`` unless given), as a reader's drag does (the text may already be split by
# marks: offsets count through its text nodes).
SELECT = """([n, a, b, m]) => {
  const at = (cue, offset) => { const text = document.querySelector(`#cue-${cue} .cue-text`);
    const walker = document.createTreeWalker(text, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      if (offset <= node.length) return [node, offset]; offset -= node.length; } };
  const range = document.createRange();
  range.setStart(...at(n, a)); range.setEnd(...at(m || n, b));
  const selection = getSelection(); selection.removeAllRanges(); selection.addRange(range);
  document.dispatchEvent(new Event('pointerup'));
}"""
# The Media Session handlers the page registers, kept where a test can call them (the
# headphones' buttons cannot be pressed from here).
CATCH_ACTIONS = """(() => {
  window.mediaActions = {};
  const set = navigator.mediaSession.setActionHandler.bind(navigator.mediaSession);
  navigator.mediaSession.setActionHandler = (name, handler) => { window.mediaActions[name] = handler; set(name, handler); };
})()"""


@pytest.fixture(scope="module")
def notebook_server(tmp_path_factory):
    media = tmp_path_factory.mktemp("notebook") / "media"
    info = add_long_episode(media)
    add_long_episode(media, slug="moving")
    with LiveServer(create_app({"TESTING": True, "MEDIA_DIR": str(media)})) as server:
        yield server, info, media


@pytest.fixture
def fresh(browser):
    with new_contexts(browser) as new_context:
        def make(width=1280, height=800, cookie=None, actions=False, url=None):
            context = new_context(viewport={"width": width, "height": height}, accept_downloads=True,
                                  bypass_csp=True)
            if cookie:
                context.add_cookies([{"name": "listenalong_prefs", "value": cookie, "url": url}])
            if actions:
                context.add_init_script(CATCH_ACTIONS)
            return context.new_page()

        yield make


def open_episode(page, server, slug="long"):
    page.goto(f"{server.url}/episodes/{slug}")
    page.wait_for_function(READY)


def pause_at(page, seconds):
    page.evaluate(f"(s) => {{ {AUDIO}.pause(); {AUDIO}.currentTime = s; }}", seconds)
    page.wait_for_function(f"(s) => !{AUDIO}.seeking && Math.abs({AUDIO}.currentTime - s) < 0.01", arg=seconds)


def stored_when(page, check, seconds=10):
    """The notebook's highlights once ``check`` holds of them (polled; fails after ``seconds``)."""
    for _ in range(int(seconds * 10)):
        found = page.evaluate(STORED)
        if check(found):
            return found
        page.wait_for_timeout(100)
    raise AssertionError(f"the notebook never got there: {found}")


def highlight_selection(page, cue, a, b, to_cue=None):
    """Select, press "Highlight", and wait until the notebook holds one more."""
    held = page.evaluate("() => Number(document.getElementById('notebook-count').textContent)")
    page.evaluate(SELECT, [cue, a, b, to_cue])
    page.click(".share-pop-highlight")
    page.wait_for_function("(n) => Number(document.getElementById('notebook-count').textContent) === n",
                           arg=held + 1)


def test_highlights_from_a_selection_and_the_key_are_kept_and_marked(notebook_server, fresh):
    server, info, _ = notebook_server
    page = fresh()
    open_episode(page, server)
    text = info["paragraphs"][0][1]
    words = info["paragraphs"][0][3]
    a, b = words[3][1] + 2, words[9][2] - 1            # mid-word at both ends: whole words kept
    highlight_selection(page, 1, a, b)
    page.wait_for_function("() => document.getElementById('notebook-count').textContent === '1'")
    stored = page.evaluate(STORED)
    assert stored[0]["quote"] == text[words[3][1]:words[9][2]]
    assert stored[0]["start"] == pytest.approx(words[3][0], abs=0.002)
    assert stored[0]["end"] == pytest.approx(words[10][0], abs=0.002)   # the word after's onset
    marked = page.evaluate("() => [...document.querySelectorAll('#cue-1 .note-mark')].map(m => m.textContent).join('')")
    assert marked == stored[0]["quote"]

    pause_at(page, 100.0)
    page.keyboard.press("b")                            # the last 30 s, to word edges
    page.wait_for_function("() => document.getElementById('notebook-count').textContent === '2'")
    last = max(page.evaluate(STORED), key=lambda h: h["start"])
    onsets = [w[0] for w in words]
    assert last["start"] == min(t for t in onsets if t >= 70.0)
    k = onsets.index(last["start"])
    assert 99.0 < last["end"] <= 100.9 and last["quote"].startswith(text[words[k][1]:words[k][2]])
    assert page.locator("#scrub-notes .scrub-mark").count() == 2

    reload_edit_and_delete(page, stored[0]["quote"])


def reload_edit_and_delete(page, first_quote):
    """After a reload the two highlights are there; a note is added to the first, the second
    is deleted; axe finds nothing in the panel."""
    page.reload()                                       # kept in the browser
    page.wait_for_function(READY)
    page.wait_for_function("() => document.getElementById('notebook-count').textContent === '2'")
    assert page.locator(".note-mark").count() >= 2
    page.click("#notebook-button")
    items = page.locator(".notebook-item")
    assert items.count() == 2 and items.nth(0).locator(".notebook-quote").inner_text() == first_quote
    items.nth(0).get_by_role("button", name="Add a note").click()
    page.fill(".notebook-edit", "Remember the tide.")
    page.get_by_role("button", name="Save note").click()
    page.wait_for_function("() => document.getElementById('notebook-status').textContent === 'Note saved.'")
    assert any(h["note"] == "Remember the tide." for h in page.evaluate(STORED))
    items.nth(1).get_by_role("button", name="Delete").click()
    page.wait_for_function("() => document.querySelectorAll('.notebook-item').length === 1")
    assert len(page.evaluate(STORED)) == 1
    assert_clean(page, "the notebook open at 1280×800", within="#notebook")


def test_a_highlight_follows_its_words_through_a_realignment(notebook_server, fresh):
    server, info, media = notebook_server
    page = fresh()
    open_episode(page, server, "moving")
    words = info["paragraphs"][2][3]
    text = info["paragraphs"][2][1]
    highlight_selection(page, 3, words[40][1], words[47][2])
    short = info["paragraphs"][1][3]                    # and one across two paragraphs
    highlight_selection(page, 2, short[-3][1], words[2][2], to_cue=3)
    before, across = sorted(page.evaluate(STORED), key=lambda h: -h["start"])
    assert across["anchor"]["cue"] == 1 and across["anchor"]["last"] == 2
    assert across["end"] == pytest.approx(words[3][0], abs=0.002)

    # A re-alignment: every word 7 s later (an ad inserted before the episode, say).
    library = Library(media)
    data = read_words(library.folder("moving"))
    for cue in data["cues"]:
        cue["start"] += 7000
        for word in cue["words"]:
            word[0] += 7000
    cues = library.transcript("moving").cues
    for cue in cues:
        cue.start, cue.end = cue.start + 7, cue.end + 7
    library.save_alignment("moving", data, cues)

    page.reload()
    page.wait_for_function(READY)
    page.wait_for_function("() => document.querySelector('.note-mark')")
    moved = stored_when(page, lambda hs: all(abs(h["start"] - b["start"] - 7) < 0.01
                                             for h, b in zip(sorted(hs, key=lambda h: -h["start"]),
                                                             (before, across))))
    after, over = sorted(moved, key=lambda h: -h["start"])
    assert after["quote"] == before["quote"] == text[words[40][1]:words[47][2]]
    assert after["end"] == pytest.approx(before["end"] + 7, abs=0.01)
    assert over["quote"] == across["quote"] and over["end"] == pytest.approx(across["end"] + 7, abs=0.01)
    marked = page.evaluate("() => [...document.querySelectorAll('#cue-3 .note-mark')].map(m => m.textContent)")
    assert marked == [text[:words[2][2]], before["quote"]]      # the end of one, the whole other


def test_markdown_export_and_a_notebook_file_imported_without_duplicates(notebook_server, fresh):
    server, info, _ = notebook_server
    page = fresh()
    open_episode(page, server)
    words = info["paragraphs"][0][3]
    highlight_selection(page, 1, words[0][1], words[5][2])
    highlight_selection(page, 1, words[20][1], words[24][2])
    page.wait_for_function("() => document.getElementById('notebook-count').textContent === '2'")
    page.click("#notebook-button")
    page.locator(".notebook-item").nth(1).get_by_role("button", name="Add a note").click()
    page.fill(".notebook-edit", "A note *with* Markdown.")
    page.get_by_role("button", name="Save note").click()
    page.wait_for_function("() => document.getElementById('notebook-status').textContent === 'Note saved.'")

    check_markdown(page, server)
    import_twice(page)


def check_markdown(page, server):
    """The Markdown export: the title and link, each quote in order with its deep link,
    the note, the clip links."""
    with page.expect_download() as markdown:
        page.click("#notebook-markdown")
    assert markdown.value.suggested_filename.startswith("long-notebook-")
    text = open(markdown.value.path(), encoding="utf-8").read()
    stored = sorted(page.evaluate(STORED), key=lambda h: h["start"])
    assert text.startswith(f"# Long paragraphs\n\n<{server.url}/episodes/long>\n")
    for h in stored:
        fix = lambda n: "%g" % (round(n * 10) / 10)  # noqa: E731  (as JavaScript prints it)
        assert f"({server.url}/episodes/long?t={fix(h['start'])},{fix(h['end'])})" in text
        assert f"> {h['quote']}\n" in text
    assert "A note *with* Markdown.\n" in text and text.index(stored[0]["quote"]) < text.index(stored[1]["quote"])
    assert "clip.mp3?t=" in text and text.rstrip().endswith("*2 highlights, exported from Listenalong.*")



def import_twice(page):
    """Export the notebook; delete one; import: only it comes back; import again: nothing;
    a file that is not a notebook is refused in one line."""
    with page.expect_download() as exported:
        page.click("#notebook-json")
    notebook = json.loads(open(exported.value.path(), encoding="utf-8").read())
    assert notebook["format"] == "listenalong-notebook" and notebook["version"] == 1
    assert len(notebook["highlights"]) == 2

    page.locator(".notebook-item").nth(0).get_by_role("button", name="Delete").click()
    page.wait_for_function("() => document.querySelectorAll('.notebook-item').length === 1")
    page.set_input_files("#notebook-import", exported.value.path())
    page.wait_for_function("() => document.getElementById('notebook-status').textContent"
                           " === 'Imported 1 highlight; 1 already in the notebook.'")
    assert len(page.evaluate(STORED)) == 2 and page.locator(".notebook-item").count() == 2
    page.set_input_files("#notebook-import", exported.value.path())     # again: nothing new
    page.wait_for_function("() => document.getElementById('notebook-status').textContent"
                           " === 'Imported 0 highlights; 2 already in the notebook.'")
    assert len(page.evaluate(STORED)) == 2
    damaged = {"format": "listenalong-notebook", "version": 1,
               "highlights": [*notebook["highlights"], {"id": "no-quote"}, {"quote": "no id", "start": 1}]}
    page.set_input_files("#notebook-import", files=[{"name": "d.json", "mimeType": "application/json",
                                                     "buffer": json.dumps(damaged).encode()}])
    page.wait_for_function("() => document.getElementById('notebook-status').textContent === 'Imported 0"
                           " highlights; 2 already in the notebook; 2 could not be read (not highlights).'")
    page.set_input_files("#notebook-import", files=[{"name": "x.json", "mimeType": "application/json",
                                                     "buffer": b'{"format": "something else"}'}])
    page.wait_for_function("() => document.getElementById('notebook-status').textContent"
                           " === 'This file is not a Listenalong notebook.'")


def test_the_headphones_next_track_press_saves_the_last_30_seconds(notebook_server, fresh):
    server, _, _ = notebook_server
    page = fresh(actions=True)
    open_episode(page, server)
    page.evaluate(f"() => {{ {AUDIO}.currentTime = 200; return {AUDIO}.play(); }}")
    page.wait_for_function(f"() => {AUDIO}.currentTime > 200.3")
    page.evaluate("() => mediaActions.nexttrack({action: 'nexttrack'})")
    page.wait_for_function("() => document.getElementById('notebook-count').textContent === '1'")
    saved = page.evaluate(STORED)[0]
    assert 170 <= saved["start"] <= 172 and 200 <= saved["end"] <= 202
    assert not page.evaluate(f"{AUDIO}.paused")                  # playback goes on
    page.evaluate(f"{AUDIO}.pause()")

    # Turned off in the preferences: the press steps to the next paragraph, as before.
    off = fresh(cookie="capture=0", actions=True, url=server.url)
    open_episode(off, server)
    pause_at(off, 10.0)
    off.evaluate("() => mediaActions.nexttrack({action: 'nexttrack'})")
    off.wait_for_function(f"() => {AUDIO}.currentTime > 150")
    assert off.evaluate(STORED) == []


@pytest.mark.parametrize("size", [(390, 844), (320, 640)])
def test_the_notebook_on_a_phone_has_no_violations(notebook_server, fresh, size):
    server, info, _ = notebook_server
    page = fresh(*size)
    open_episode(page, server)
    words = info["paragraphs"][0][3]
    page.evaluate(SELECT, [1, words[10][1], words[30][2], None])
    pop = page.locator(".share-pop")
    pop.wait_for()
    box = pop.bounding_box()                         # its three buttons fit on the screen
    assert box["x"] >= 0 and box["x"] + box["width"] <= size[0]
    assert box["height"] < 60
    highlight_selection(page, 1, words[0][1], words[5][2])
    page.wait_for_function("() => document.getElementById('notebook-count').textContent !== ''")
    assert_clean(page, f"the transcript with a highlight at {size}")
    page.wait_for_function("() => ![...document.querySelectorAll('.share-toast')]"
                           ".some(t => t.classList.contains('share-toast--on'))")   # "Highlighted …" gone
    page.click("#notebook-button")
    assert_clean(page, f"the notebook open at {size}", within="#notebook")
