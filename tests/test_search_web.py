"""/search and /api/search through the Flask test client, hostile queries included."""
from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest

from search_support import write_episode
from webapp import create_app
from webapp.core.search import MAX_QUERY_CHARS

pytestmark = pytest.mark.usefixtures("engine")   # every test on SQLite and on PostgreSQL

HOSTILE = ['"', "NOT", "AND (", "*", "col:x", "x" * 10_000, "meta\x00verse", "\x00",
           "(*?[", '"unclosed', "NEAR(a b, 2)", "a OR b", "-x", "^x", "'; DROP TABLE cues; --",
           "%", "\\", "😀", "<script>alert(1)</script>", "“”", "x" * (MAX_QUERY_CHARS + 1)]


@pytest.fixture
def media(tmp_path):
    write_episode(tmp_path, "cafe-talk", "Talk at the café", [
        (0.0, 8.0, "Ines", "Good morning from the little café on the corner."),
        (8.0, 20.0, "Tomás", "I don’t mind the noise; the café has the best pastries."),
        (20.0, 31.5, "Ines", "Let’s talk about building software, <b>bold</b> & small."),
        (31.5, 40.0, "Tomás", "We build small things first."),
    ], added="2024-02-01T00:00:00+00:00")
    write_episode(tmp_path, "garden", "Garden <hour>", [
        (0.0, 10.0, "Ana", "The garden café opens in spring."),
        (10.0, 20.0, None, "Tomatoes and software, oddly."),
    ], added="2024-01-01T00:00:00+00:00")
    write_episode(tmp_path, "many", "Many words", [f"word number {n}" for n in range(130)],
                  added="2023-01-01T00:00:00+00:00")
    return tmp_path


@pytest.fixture
def client(media):
    app = create_app({"TESTING": True, "MEDIA_DIR": str(media)})
    return app.test_client()


def api(client, **params):
    response = client.get("/api/search", query_string=params)
    return response, response.get_json()


# ---- /api/search -------------------------------------------------------------------------

def test_api_results_shape(client):
    response, data = api(client, q="cafe")
    assert response.status_code == 200
    assert response.mimetype == "application/json"
    assert data["query"] == "cafe" and data["episode"] is None
    results = data["results"]
    assert {(r["episode"], r["start"]) for r in results} == {
        ("cafe-talk", 0.0), ("cafe-talk", 8.0), ("garden", 0.0)}
    first = next(r for r in results if r["episode"] == "cafe-talk" and r["start"] == 8.0)
    assert first == {
        "episode": "cafe-talk", "title": "Talk at the café", "cue": 2, "start": 8.0,
        "end": 20.0, "speaker": "Tomás", "url": "/episodes/cafe-talk?t=8", "language": "",
        "snippet": "I don’t mind the noise; the café has the best pastries.",
        "highlights": [[28, 32]],
    }
    assert first["snippet"][28:32] == "café"


def test_api_snippets_are_plain_text(client):
    _, data = api(client, q="building")
    assert [r["start"] for r in data["results"]] == [20.0, 31.5] or \
        [r["start"] for r in data["results"]] == [31.5, 20.0]      # "build" too: stemming
    result = next(r for r in data["results"] if r["start"] == 20.0)
    assert result["snippet"] == "Let’s talk about building software, <b>bold</b> & small."
    assert [result["snippet"][a:b] for a, b in result["highlights"]] == ["building"]
    assert result["url"] == "/episodes/cafe-talk?t=20"


def test_api_episode_scope_limit_and_ranking(client):
    _, data = api(client, q="software", episode="garden")
    assert [(r["episode"], r["start"]) for r in data["results"]] == [("garden", 10.0)]
    assert len(api(client, q="word")[1]["results"]) == 20
    assert len(api(client, q="word", limit="5")[1]["results"]) == 5
    assert len(api(client, q="word", limit="500")[1]["results"]) == 100
    assert len(api(client, q="word", limit="junk")[1]["results"]) == 20
    starts = [r["start"] for r in api(client, q="word", limit="100")[1]["results"]]
    assert starts == sorted(starts)          # equal bm25 for every cue: in time order
    response, data = api(client, q="cafe", episode="no-such-episode")
    assert response.status_code == 404 and "no-such-episode" in data["error"]


def test_api_offset_pages_through_the_results(client):
    every = [r["start"] for r in api(client, q="word", limit="100")[1]["results"]]
    second = [r["start"] for r in api(client, q="word", limit="40", offset="40")[1]["results"]]
    assert second == every[40:80]
    rest = [r["start"] for r in api(client, q="word", limit="100", offset="100")[1]["results"]]
    assert len(rest) == 30 and not set(rest) & set(every)      # 130 cues in all
    assert api(client, q="word", offset="junk")[1]["results"][0]["start"] == every[0]


def test_the_results_page_pages(client):
    first = client.get("/search?q=word").get_data(as_text=True)
    assert "Matches 1 to 50, best first" in first
    assert 'href="/search?q=word&amp;page=2"' in first and "Better matches" not in first
    second = client.get("/search?q=word&page=2").get_data(as_text=True)
    assert "Matches 51 to 100" in second
    assert 'href="/search?q=word"' in second and 'href="/search?q=word&amp;page=3"' in second
    third = client.get("/search?q=word&page=3").get_data(as_text=True)
    assert "Matches 101 to 130" in third and "More matches" not in third
    seen = [re.findall(r'href="/episodes/many\?t=([0-9.]+)"', html) for html in (first, second, third)]
    assert sum(len(page) for page in seen) == 130 and len(set().union(*seen)) == 130
    for bad in ("4", "0", "x", "99999999999"):
        response = client.get(f"/search?q=word&page={bad}")
        assert response.status_code == 404 and "page" in response.get_data(as_text=True)
    small = client.get("/search?q=software").get_data(as_text=True)
    assert "2 passages in 2 episodes" in small and 'class="pager"' not in small


def test_api_phrase_and_words(client):
    _, data = api(client, q='"small things"')
    assert [r["start"] for r in data["results"]] == [31.5]
    _, data = api(client, q="small software")
    assert [r["start"] for r in data["results"]] == [20.0]


@pytest.mark.parametrize("typed", HOSTILE)
def test_api_hostile_queries(client, typed):
    response, data = api(client, q=typed)
    if len(typed) > MAX_QUERY_CHARS:
        assert response.status_code == 400
        assert str(MAX_QUERY_CHARS) in data["error"]
    else:
        assert response.status_code == 200
        assert isinstance(data["results"], list)


def test_api_nul_byte_in_the_url(client):
    response = client.get("/api/search?q=caf%00e")
    assert response.status_code == 200


def test_api_empty_query(client):
    for params in ({}, {"q": ""}, {"q": "   "}):
        response, data = api(client, **params)
        assert response.status_code == 200 and data["results"] == []


@pytest.mark.sqlite_only
def test_api_rebuilds_a_missing_index(client, media):
    index = media / ".index" / "search.sqlite"
    assert not index.exists()
    assert len(api(client, q="cafe")[1]["results"]) == 3
    assert index.is_file()
    index.unlink()
    assert len(api(client, q="cafe")[1]["results"]) == 3
    assert index.is_file()


def test_api_sees_an_episode_added_while_running(client, media):
    assert api(client, q="harbour")[1]["results"] == []
    write_episode(media, "harbour", "Harbour", ["Boats in the harbour."])
    assert [r["episode"] for r in api(client, q="harbour")[1]["results"]] == ["harbour"]


# ---- /search -----------------------------------------------------------------------------

class Page(HTMLParser):
    """Collects what the tests look at: groups, result links, marks, the box's value."""

    def __init__(self, html: str):
        super().__init__()
        self.groups, self.links, self.marks, self.inputs, self.styles = [], [], [], [], 0
        self._in = None
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if "style" in attrs:
            self.styles += 1
        if tag == "section" and "search-group" in (attrs.get("class") or ""):
            self.groups.append([])
        if tag == "a" and "search-hit" in (attrs.get("class") or "").split():
            self.groups[-1].append(attrs["href"])
            self.links.append(attrs["href"])
        if tag == "mark":
            self._in = "mark"
            self.marks.append("")
        if tag == "input":
            self.inputs.append(attrs)

    def handle_endtag(self, tag):
        if tag == "mark":
            self._in = None

    def handle_data(self, data):
        if self._in == "mark":
            self.marks[-1] += data


def get_page(client, **params):
    response = client.get("/search", query_string=params)
    return response, response.get_data(as_text=True)


def test_results_page_groups_by_episode_and_links_to_the_moment(client):
    response, html = get_page(client, q="cafe")
    assert response.status_code == 200
    page = Page(html)
    assert page.groups == [["/episodes/cafe-talk?t=0", "/episodes/cafe-talk?t=8"],
                           ["/episodes/garden?t=0"]] or \
        page.groups == [["/episodes/garden?t=0"],
                        ["/episodes/cafe-talk?t=0", "/episodes/cafe-talk?t=8"]]
    assert page.marks == ["café"] * 3
    q = next(i for i in page.inputs if i.get("name") == "q")
    assert q["value"] == "cafe"
    assert "Ines" in html and "0:08" in html
    assert page.styles == 0


def test_results_page_escapes_transcripts_and_titles(client):
    _, html = get_page(client, q="building")
    assert "&lt;b&gt;bold&lt;/b&gt; &amp; small" in html
    assert "<b>bold</b>" not in html
    _, html = get_page(client, q="tomatoes")
    assert "Garden &lt;hour&gt;" in html


def test_results_page_empty_and_no_results_states(client):
    response, html = get_page(client)
    assert response.status_code == 200
    assert "Find the moment you remember" in html and "search-group" not in html
    response, html = get_page(client, q="zebra crossing")
    assert response.status_code == 200
    assert "No matches for “zebra crossing”" in html
    assert 'value="zebra crossing"' in html


def test_results_page_for_one_episode(client):
    _, html = get_page(client, q="cafe", episode="cafe-talk")
    page = Page(html)
    assert page.links == ["/episodes/cafe-talk?t=0", "/episodes/cafe-talk?t=8"]
    assert {"type": "hidden", "name": "episode", "value": "cafe-talk"} in page.inputs
    assert 'href="/search?q=cafe"' in html              # widen to every episode
    _, html = get_page(client, q="cafe", episode="no-such")
    assert len(Page(html).links) == 3 and "not in the library" in html


@pytest.mark.parametrize("typed", HOSTILE)
def test_results_page_hostile_queries(client, typed):
    response, html = get_page(client, q=typed)
    if len(typed) > MAX_QUERY_CHARS:
        assert response.status_code == 400
        assert f"under {MAX_QUERY_CHARS}" in html
    else:
        assert response.status_code == 200
    assert "<script>alert" not in html


def test_results_page_with_nothing_searchable(client):
    response, html = get_page(client, q="(*?[")
    assert response.status_code == 200 and "No matches for “(*?[”" in html


# ---- the search boxes on other pages -------------------------------------------------------

def test_header_search_box_on_the_library_page(client):
    html = client.get("/").get_data(as_text=True)
    assert re.search(r'<form class="site-search" role="search" action="/search" method="get">',
                     html)
    assert html.count('name="q"') == 1


def test_episode_page_find_form_works_without_js(client):
    html = client.get("/episodes/cafe-talk").get_data(as_text=True)
    assert html.count('name="q"') == 1        # the '/' key focuses the first input[name=q]
    form = re.search(r'<form class="find"[^>]*>(.*?)</form>', html, re.S)
    assert form and 'action="/search"' in form.group(0) and 'method="get"' in form.group(0)
    assert '<input type="search"' in form.group(1) or 'type="search" name="q"' in form.group(1)
    assert 'name="episode" value="cafe-talk"' in form.group(1)
    assert 'id="find-hits"' in html
    response, results = get_page(client, q="noise", episode="cafe-talk")
    assert Page(results).links == ["/episodes/cafe-talk?t=8"]


def test_app_builds_a_missing_index_at_startup(media, engine):
    import time

    app = create_app({"MEDIA_DIR": str(media)})    # not TESTING: the real startup path
    index = app.extensions["search"]

    def built() -> bool:   # PostgreSQL: the catalogue caught up with the folders
        return index.path.is_file() if engine == "sqlite" else \
            set(index.store.signatures()) == {"cafe-talk", "garden", "many"}

    deadline = time.monotonic() + 30
    while not built() and time.monotonic() < deadline:
        time.sleep(0.05)
    assert built()


def test_app_startup_leaves_a_missing_library_folder_alone(tmp_path):
    client = create_app({"MEDIA_DIR": str(tmp_path / "absent")}).test_client()
    response, data = api(client, q="anything")
    assert response.status_code == 200 and data["results"] == []
    assert not (tmp_path / "absent").exists()
