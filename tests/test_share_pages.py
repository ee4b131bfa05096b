"""Sharing moments through Flask: ?t= pages (link previews, ranges, notices), clip.mp3,
the embed and oEmbed."""
from __future__ import annotations

import io
import urllib.request
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import parse_qs, quote, urlsplit

import pytest

from support import FIXTURES, LiveServer, ffmpeg, make_audio, race
from webapp import create_app
from webapp.core import clips
from webapp.core.episodes import Library

TITLE = 'Notes from the <Lighthouse> & "Keeper"'
BASE = "http://localhost"


class Page(HTMLParser):
    """The bits of a page the tests look at: meta tags, links, elements by id, attributes."""

    def __init__(self, html: str):
        super().__init__(convert_charrefs=True)
        self.meta: dict[str, str] = {}
        self.links: dict[str, dict] = {}
        self.elements: list[tuple[str, dict]] = []
        self.text: dict[str, str] = {}
        self._open: list[str] = []
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        self.elements.append((tag, attributes))
        if tag == "meta":
            key = attributes.get("property") or attributes.get("name")
            if key:
                self.meta[key] = attributes.get("content")
        if tag == "link" and attributes.get("rel"):
            self.links[attributes["rel"] + ":" + attributes.get("type", "")] = attributes
        if attributes.get("class") == "moment-notice":
            self._open.append("notice")
            self.text["notice"] = ""

    def handle_endtag(self, tag):
        if tag == "p" and self._open:
            self._open.pop()

    def handle_data(self, data):
        if self._open:
            self.text["notice"] += data

    def by_id(self, element_id):
        return next(a for _, a in self.elements if a.get("id") == element_id)

    def with_class(self, name):
        return [a for _, a in self.elements if name in (a.get("class") or "").split()]

    def main(self):
        return next(a for t, a in self.elements if t == "main")


@pytest.fixture(scope="module")
def media(tmp_path_factory):
    root = tmp_path_factory.mktemp("share-media")
    audio = make_audio(root.parent / "lighthouse.mp3", 70, tone=True)
    Library(root).add(str(FIXTURES / "share_moments.txt"), str(audio), title=TITLE,
                      slug="lighthouse")
    return root


@pytest.fixture
def app(media, tmp_path):
    return create_app({"TESTING": True, "MEDIA_DIR": str(media),
                       "CLIP_CACHE_DIR": str(tmp_path / "clips")})


@pytest.fixture
def client(app):
    return app.test_client()


def get_page(client, query=""):
    response = client.get(f"/episodes/lighthouse{query}")
    assert response.status_code == 200
    return Page(response.get_data(as_text=True)), response.get_data(as_text=True)


def duration(media):
    return Library(media).get("lighthouse").duration


# ---- link previews --------------------------------------------------------------------

def test_a_moment_page_has_open_graph_and_twitter_tags_for_its_quote(client):
    page, _ = get_page(client, "?t=0:10")
    meta = page.meta
    assert meta["og:type"] == "website"
    assert meta["og:title"] == f"{TITLE} at 0:10"
    description = meta["og:description"]
    assert description.startswith("Theo Marsh: “I brought a thermos and a torch.")
    assert description.endswith("”") and len(description) <= 200 + len("Theo Marsh: “”")
    assert description.rstrip("”").endswith(".")  # cut at the end of a sentence
    assert meta["og:url"] == f"{BASE}/episodes/lighthouse?t=10"
    assert page.links["canonical:"]["href"] == meta["og:url"]
    assert meta["og:audio"] == f"{BASE}/episodes/lighthouse/clip.mp3?t=10,24"  # to the cue's end
    assert meta["og:audio:type"] == "audio/mpeg"
    assert meta["twitter:card"] == "player"
    assert meta["twitter:player"] == f"{BASE}/episodes/lighthouse/embed?t=10"
    assert meta["twitter:title"] == meta["og:title"]
    assert meta["twitter:description"] == description
    oembed = page.links["alternate:application/json+oembed"]["href"]
    assert parse_qs(urlsplit(oembed).query)["url"] == [meta["og:url"]]


def test_the_preview_links_work(client):
    page, _ = get_page(client, "?t=0:10")
    audio = client.get(urlsplit(page.meta["og:audio"]).path + "?" +
                       urlsplit(page.meta["og:audio"]).query)
    assert audio.status_code == 200 and audio.mimetype == "audio/mpeg"
    embed = client.get(page.meta["twitter:player"].removeprefix(BASE))
    assert embed.status_code == 200
    oembed = client.get(page.links["alternate:application/json+oembed"]["href"].removeprefix(BASE))
    assert oembed.status_code == 200 and "embed?t=10" in oembed.get_json()["html"]


def test_preview_text_is_escaped(client):
    page, html = get_page(client, "?t=24")
    assert page.meta["og:description"] == \
        'Theo Marsh: “The last entry said "fog & <nothing> to report". That\'s all.”'
    assert "<nothing>" not in html and "&lt;nothing&gt;" in html
    assert page.meta["og:title"] == f"{TITLE} at 0:24"
    assert "<Lighthouse>" not in html


def test_a_page_without_t_has_generic_tags(client):
    page, _ = get_page(client)
    meta = page.meta
    assert meta["og:title"] == TITLE
    assert meta["og:description"].startswith("With Mira Holt and Theo Marsh · 1 min 10 s")
    assert meta["og:url"] == f"{BASE}/episodes/lighthouse"
    assert "og:audio" not in meta and "twitter:player" not in meta
    assert meta["twitter:card"] == "summary"
    assert page.with_class("moment-notice") == []
    assert not [a for _, a in page.elements if "autofocus" in a]
    assert "data-start-at" not in page.main() and "data-end-at" not in page.main()


# ---- where the page starts ------------------------------------------------------------

@pytest.mark.parametrize("t", ["60", "60.0", "1:00", "01:00", "0:01:00", "1m", "0h1m0s", "60s",
                               "npt:60"])
def test_every_spelling_of_a_time_starts_at_it(client, t):
    page, _ = get_page(client, f"?t={quote(t)}")
    assert page.main()["data-start-at"] == "60"


def test_the_target_cue_is_marked_and_its_link_autofocused(client):
    page, _ = get_page(client, "?t=40")  # inside cue 5 (0:36–0:44)
    assert [a["id"] for a in page.with_class("cue--target")] == ["cue-5"]
    focused = [(t, a) for t, a in page.elements if "autofocus" in a]
    assert len(focused) == 1
    tag, attrs = focused[0]
    assert tag == "a" and attrs["class"] == "cue-time" and attrs["href"] == "?t=36#cue-5"


def test_timestamp_links_carry_their_cue_anchor(client):
    page, _ = get_page(client)
    links = [a["href"] for a in page.with_class("cue-time")]
    assert links[:3] == ["?t=0#cue-1", "?t=6#cue-2", "?t=24#cue-3"]


def test_a_range_marks_its_cues_and_tells_the_player_where_to_stop(client):
    page, _ = get_page(client, "?t=0:31,0:50")
    main = page.main()
    assert main["data-start-at"] == "31" and main["data-end-at"] == "50"
    assert [a["id"] for a in page.with_class("cue--in-range")] == ["cue-4", "cue-5", "cue-6", "cue-7"]
    assert [a["id"] for a in page.with_class("cue--target")] == ["cue-4"]
    assert page.meta["og:audio"].endswith("/clip.mp3?t=31,50")
    assert page.meta["og:url"].endswith("?t=31,50")
    assert page.meta["og:title"] == f"{TITLE} at 0:31–0:50"
    assert page.meta["og:description"].startswith("Mira Holt: “What did the lamp look like up close?")


def test_a_range_past_the_end_is_clamped(client, media):
    page, _ = get_page(client, "?t=50,999")
    assert float(page.main()["data-end-at"]) == duration(media)
    assert page.with_class("moment-notice") == []


def test_a_backwards_range_plays_from_its_start(client):
    page, _ = get_page(client, "?t=50,40")
    assert page.main()["data-start-at"] == "50" and "data-end-at" not in page.main()
    assert page.with_class("cue--in-range") == []


@pytest.mark.parametrize("t", ["abc", "-5", "99:99:99", "71", "9999", "1:75", "nan", "5000,5010"])
def test_an_unusable_time_starts_over_with_a_notice(client, t):
    page, _ = get_page(client, f"?t={quote(t)}")
    assert page.text["notice"] == (f"That link's time ({t}) isn't in this episode; "
                                   "starting from the beginning.")
    assert "data-start-at" not in page.main()
    assert page.with_class("cue--target") == []
    assert page.meta["og:url"] == f"{BASE}/episodes/lighthouse"


def test_the_notice_escapes_the_time(client):
    page, html = get_page(client, "?t=" + quote('<script>alert("x")</script>'))
    assert page.text["notice"].startswith('That link\'s time (<script>alert("x")</script>)')
    assert "<script>alert" not in html


# ---- clip.mp3 -------------------------------------------------------------------------

def decode(data: bytes):
    from pydub import AudioSegment

    segment_class = type("TestSegment", (AudioSegment,), {"converter": ffmpeg()})
    return segment_class.from_file(io.BytesIO(data), format="mp3", codec="mp3")


def test_a_clip_is_the_range_as_mp3_cached_and_served_in_ranges(client, app, monkeypatch):
    response = client.get("/episodes/lighthouse/clip.mp3?t=0:06,0:17.5")
    assert response.status_code == 200
    assert response.mimetype == "audio/mpeg"
    assert response.headers["Accept-Ranges"] == "bytes"
    body = response.data
    assert abs(len(decode(body)) - 11500) <= 100
    cached = list(Path(app.config["CLIP_CACHE_DIR"]).iterdir())
    assert len(cached) == 1 and cached[0].name.startswith("lighthouse-6000-17500-")
    assert cached[0].read_bytes() == body

    def no_encoding(*args, **kwargs):
        raise AssertionError("served from the cache, not encoded again")

    monkeypatch.setattr(clips, "cut", no_encoding)
    partial = client.get("/episodes/lighthouse/clip.mp3?t=6,17.5", headers={"Range": "bytes=100-299"})
    assert partial.status_code == 206
    assert partial.headers["Content-Range"] == f"bytes 100-299/{len(body)}"
    assert partial.data == body[100:300]


@pytest.mark.parametrize("t, message", [
    (None, "START,END"),
    ("10", "needs an end"),
    ("ten,twenty", "times we can read"),
    ("20,10", "after its start"),
    ("10,10", "after its start"),
    ("0,301", "at most 300"),
    ("60,71", "past the end"),
    ("9999,10000", "past the end"),
])
def test_bad_clip_ranges_are_400_with_a_message(client, t, message):
    url = "/episodes/lighthouse/clip.mp3" + (f"?t={quote(t)}" if t is not None else "")
    response = client.get(url)
    assert response.status_code == 400
    assert response.mimetype == "text/html"
    assert message in response.get_data(as_text=True).replace("&#39;", "'")


def test_a_clip_of_an_unknown_episode_is_404(client):
    assert client.get("/episodes/nobody/clip.mp3?t=1,2").status_code == 404


def test_two_simultaneous_requests_get_the_same_whole_clip(app):
    with LiveServer(app) as server:
        url = f"{server.url}/episodes/lighthouse/clip.mp3?t=20,33"

        def fetch():
            with urllib.request.urlopen(url, timeout=30) as response:
                return response.status, response.read()

        bodies, errors = race(2, fetch)
    assert not errors
    assert [status for status, _ in bodies] == [200, 200]
    assert bodies[0][1] == bodies[1][1]
    assert abs(len(decode(bodies[0][1])) - 13000) <= 100


# ---- embed ------------------------------------------------------------------------------

def test_the_embed_is_framable_by_anyone_and_only_it(client):
    embed = client.get("/episodes/lighthouse/embed?t=40")
    assert embed.status_code == 200
    policy = embed.headers["Content-Security-Policy"]
    assert "frame-ancestors *" in policy and "script-src 'self'" in policy
    assert "unsafe-inline" not in policy
    page_policy = client.get("/episodes/lighthouse").headers["Content-Security-Policy"]
    assert "frame-ancestors 'self'" in page_policy


def test_the_embed_has_the_player_and_the_same_cue_markup(client):
    html = client.get("/episodes/lighthouse/embed?t=31,50").get_data(as_text=True)
    embed = Page(html)
    episode_page, _ = get_page(client, "?t=31,50")
    cue_attrs = lambda p: [(a["id"], a["data-start"], a["data-end"], a["class"])  # noqa: E731
                           for a in p.with_class("cue")]
    assert cue_attrs(embed) == cue_attrs(episode_page)
    assert [a["href"] for a in embed.with_class("cue-time")] == \
        [a["href"] for a in episode_page.with_class("cue-time")]
    main = embed.main()
    assert main["data-start-at"] == "31" and main["data-end-at"] == "50"
    assert main["data-share-url"] == f"{BASE}/episodes/lighthouse"
    # without JavaScript, the native player starts (and stops) at the shared range
    assert embed.by_id("player")["src"] == "/episodes/lighthouse/audio#t=31,50"
    assert embed.by_id("share-button") is not None and embed.by_id("quote-button") is not None
    scripts = [a for t, a in embed.elements if t == "script"]
    assert scripts and all(a.get("src") for a in scripts)  # no inline scripts
    assert " style=" not in html and "<style" not in html
    assert not [a for _, a in embed.elements if "autofocus" in a]  # a frame must not grab focus
    assert "<Lighthouse>" not in html


def test_the_embed_of_an_unusable_time_has_the_notice(client):
    page = Page(client.get("/episodes/lighthouse/embed?t=oops").get_data(as_text=True))
    assert "(oops)" in page.text["notice"]


# ---- oEmbed -----------------------------------------------------------------------------

def oembed(client, url, **params):
    query = "&".join([f"url={quote(url, safe='')}"] + [f"{k}={v}" for k, v in params.items()])
    return client.get(f"/oembed?{query}")


def test_oembed_answers_for_an_episode_url(client):
    response = oembed(client, f"{BASE}/episodes/lighthouse?t=0:31,0:50")
    assert response.status_code == 200 and response.mimetype == "application/json"
    data = response.get_json()
    assert data["type"] == "rich" and data["version"] == "1.0"
    assert data["title"] == TITLE
    assert data["provider_name"] == "Listenalong" and data["provider_url"] == f"{BASE}/"
    assert (data["width"], data["height"]) == (640, 400)
    frame = Page(data["html"])
    (tag, attrs), = frame.elements
    assert tag == "iframe"
    assert attrs["src"] == f"{BASE}/episodes/lighthouse/embed?t=31,50"
    assert (attrs["width"], attrs["height"]) == ("640", "400")
    assert attrs["title"] == f"{TITLE} · Listenalong"
    assert "<Lighthouse>" not in data["html"]  # the title is escaped inside the HTML


def test_oembed_respects_maxwidth_and_maxheight(client):
    data = oembed(client, f"{BASE}/episodes/lighthouse", maxwidth=320, maxheight=240).get_json()
    assert (data["width"], data["height"]) == (320, 240)
    assert 'width="320"' in data["html"] and 'height="240"' in data["html"]
    assert 'src="http://localhost/episodes/lighthouse/embed"' in data["html"]
    big = oembed(client, f"{BASE}/episodes/lighthouse", maxwidth=2000, maxheight="abc").get_json()
    assert (big["width"], big["height"]) == (640, 400)


def test_oembed_takes_a_fragment_time_and_drops_an_unusable_one(client):
    data = oembed(client, f"{BASE}/episodes/lighthouse#t=40").get_json()
    assert "embed?t=40" in data["html"]
    data = oembed(client, f"{BASE}/episodes/lighthouse?t=nonsense").get_json()
    assert 'embed"' in data["html"] and "?t=" not in data["html"]


@pytest.mark.parametrize("url", [
    f"{BASE}/episodes/nobody",
    "http://elsewhere.example/episodes/lighthouse",
    f"{BASE}/",
    f"{BASE}/episodes/lighthouse/clip.mp3",
    "javascript:alert(1)",
    "ftp://localhost/episodes/lighthouse",
])
def test_oembed_is_404_for_urls_that_are_not_our_episodes(client, url):
    response = oembed(client, url)
    assert response.status_code == 404
    assert response.get_json() == {"error": "That address is not an episode in this library."}


def test_oembed_needs_a_url_and_only_speaks_json(client):
    missing = client.get("/oembed")
    assert missing.status_code == 400 and "?url=" in missing.get_json()["error"]
    xml = oembed(client, f"{BASE}/episodes/lighthouse", format="xml")
    assert xml.status_code == 501 and xml.get_json() == {"error": "Only format=json is available."}
    assert oembed(client, f"{BASE}/episodes/lighthouse", format="json").status_code == 200
