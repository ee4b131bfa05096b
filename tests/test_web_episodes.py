"""Flask test-client tests: the library page, episode pages, transcript files, audio."""
from __future__ import annotations

import json
import re

import pytest

from support import FIXTURES, make_audio
from webapp import create_app
from webapp.core.episodes import Library

GARDEN = FIXTURES / "garden_chat.txt"


@pytest.fixture
def media(tmp_path):
    return tmp_path / "media"


@pytest.fixture
def garden(media, tmp_path):
    audio = make_audio(tmp_path / "garden.mp3", 45)
    Library(media).add(str(GARDEN), str(audio), title="Garden <Hour> & Co", slug="garden")
    return media


@pytest.fixture
def client(garden):
    return create_app({"TESTING": True, "MEDIA_DIR": str(garden)}).test_client()


def garden_root(client):
    return client.application.config["MEDIA_DIR"]


def test_library_page_lists_episodes(client):
    response = client.get("/")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "Garden &lt;Hour&gt; &amp; Co" in html
    assert 'href="/episodes/garden"' in html
    assert "Ana Ruiz · Ben Okafor" in html
    assert ">0:45<" in html  # one time format everywhere: M:SS, H:MM:SS past an hour


def test_empty_library_has_a_helpful_empty_state(tmp_path):
    client = create_app({"TESTING": True, "MEDIA_DIR": str(tmp_path / "none")}).test_client()
    html = client.get("/").get_data(as_text=True)
    assert "No episodes yet" in html
    assert "listenalong add" in html


def test_a_big_library_is_listed_fifty_to_a_page_newest_first(tmp_path):
    from search_support import write_episode

    for n in range(120):
        write_episode(tmp_path, f"ep-{n:03d}", f"Episode {n:03d}", ["words"],
                      added=f"2024-01-01T00:{n // 60:02d}:{n % 60:02d}+00:00")
    (tmp_path / "bad").mkdir()
    (tmp_path / "bad" / "episode.json").write_text("{", "utf-8")
    client = create_app({"TESTING": True, "MEDIA_DIR": str(tmp_path)}).test_client()
    pages = [client.get(path).get_data(as_text=True) for path in ("/", "/?page=2", "/?page=3")]
    shown = [re.findall(r"Episode (\d{3})</h2>", html) for html in pages]
    assert [len(titles) for titles in shown] == [50, 50, 20]
    assert sum(shown, []) == [f"{n:03d}" for n in range(119, -1, -1)]   # newest first, once
    assert "120 episodes, newest first: 51 to 100 here" in pages[1]
    assert 'rel="next" href="/?page=2"' in pages[0] and 'rel="prev"' not in pages[0]
    assert 'rel="prev" href="/"' in pages[1] and 'rel="next" href="/?page=3"' in pages[1]
    assert 'rel="next"' not in pages[2] and "Page 3 of 3" in pages[2]
    assert "unavailable" in pages[0] and "unavailable" not in pages[1]
    for wrong in ("4", "0", "two", "-1", "²", "9" * 5000):
        response = client.get(f"/?page={wrong}")
        assert response.status_code == 404 and "its pages are 1 to 3" in response.get_data(True)


def test_the_library_list_follows_rewritten_and_removed_episodes(tmp_path):
    from search_support import write_episode

    write_episode(tmp_path, "one", "First title", ["words"])
    write_episode(tmp_path, "two", "Second", ["words"])
    client = create_app({"TESTING": True, "MEDIA_DIR": str(tmp_path)}).test_client()
    assert "First title" in client.get("/").get_data(as_text=True)
    write_episode(tmp_path, "one", "A new title", ["words"])    # episode.json written anew
    html = client.get("/").get_data(as_text=True)
    assert "A new title" in html and "First title" not in html
    client.application.extensions["library"].remove("two")
    assert "Second" not in client.get("/").get_data(as_text=True)


def test_episode_page_has_player_track_and_every_cue(client):
    response = client.get("/episodes/garden")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert re.search(r'<audio id="player" controls preload="metadata" src="/episodes/garden/audio">', html)
    assert '<track kind="captions"' in html and 'src="/episodes/garden/transcript.vtt"' in html
    starts = re.findall(r'class="cue[^"]*" id="cue-(\d+)" data-start="([\d.]+)" data-end="([\d.]+)"', html)
    assert [(n, s) for n, s, _ in starts] == [("1", "0"), ("2", "9"), ("3", "17"), ("4", "26"), ("5", "31")]
    duration = Library(garden_root(client)).get("garden").duration
    assert float(starts[-1][2]) == duration  # the last cue ends with the audio
    assert 45 <= duration < 45.5
    for n, start, _ in starts:
        assert f'href="?t={start}#cue-{n}"' in html  # the anchor lands there without JS too


def test_speaker_name_shown_only_where_the_speaker_changes(client):
    html = client.get("/episodes/garden").get_data(as_text=True)
    speakers = re.findall(r'<h3 class="cue-speaker">([^<]*)</h3>', html)
    assert speakers == ["Ana Ruiz", "Ben Okafor", "Ana Ruiz", "Ben Okafor"]


def test_untrusted_text_is_escaped_and_notes_links_are_safe(client):
    html = client.get("/episodes/garden").get_data(as_text=True)
    assert "<b>soil</b>" not in html and "&lt;b&gt;soil&lt;/b&gt;" in html
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert ('<a href="https://example.org/garden?ep=1" rel="nofollow noopener noreferrer">'
            "https://example.org/garden?ep=1</a>") in html
    assert "Episode Info" not in html.split('id="cues"')[1].split("</section>")[0]


def test_t_marks_the_cue_playing_then(client):
    html = client.get("/episodes/garden?t=20").get_data(as_text=True)
    assert 'data-start-at="20"' in html
    assert re.search(r'class="cue cue--target" id="cue-3"', html)


@pytest.mark.parametrize("t", ["abc", "-5", "99999", ""])
def test_unusable_t_falls_back_to_the_start(client, t):
    response = client.get(f"/episodes/garden?t={t}")
    assert response.status_code == 200
    assert "cue--target" not in response.get_data(as_text=True)


def test_security_headers(client):
    response = client.get("/episodes/garden")
    csp = response.headers["Content-Security-Policy"]
    assert "unsafe-inline" not in csp and "script-src 'self'" in csp
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    html = response.get_data(as_text=True)
    assert not re.search(r"<script(?![^>]*\bsrc=)", html), "no inline scripts"
    assert " style=" not in html, "no inline styles"


@pytest.mark.parametrize("fmt, content_type, expect", [
    ("vtt", "text/vtt", "WEBVTT"),
    ("srt", "application/x-subrip", "00:00:09,000 --> 00:00:17,000"),
    ("txt", "text/plain", "[00:00:09] Ben Okafor: Thanks, Ana."),
])
def test_transcript_files(client, fmt, content_type, expect):
    response = client.get(f"/episodes/garden/transcript.{fmt}")
    assert response.status_code == 200
    assert response.content_type.startswith(content_type)
    assert expect in response.get_data(as_text=True)


def test_transcript_json_is_podcasting_2(client):
    response = client.get("/episodes/garden/transcript.json")
    assert response.content_type == "application/json"
    data = json.loads(response.data)
    assert data["version"] == "1.0.0"
    assert data["segments"][1] == {"speaker": "Ben Okafor", "startTime": 9.0, "endTime": 17.0,
                                   "body": "Thanks, Ana. The short answer: compost. The long answer takes the rest of the episode."}


def test_vtt_escapes_markup_in_cue_text(client):
    vtt = client.get("/episodes/garden/transcript.vtt").get_data(as_text=True)
    assert "tomatoes &amp; peppers" in vtt and "&lt;b&gt;soil&lt;/b&gt;" in vtt
    assert "<v Ana Ruiz>" in vtt


def test_audio_serves_ranges(client):
    whole = client.get("/episodes/garden/audio")
    assert whole.status_code == 200
    assert whole.content_type == "audio/mpeg"
    assert whole.headers["Accept-Ranges"] == "bytes"
    etag = whole.headers["ETag"]
    part = client.get("/episodes/garden/audio", headers={"Range": "bytes=100-199"})
    assert part.status_code == 206
    assert part.headers["Content-Range"] == f"bytes 100-199/{len(whole.data)}"
    assert part.data == whole.data[100:200]
    assert client.get("/episodes/garden/audio", headers={"If-None-Match": etag}).status_code == 304


@pytest.mark.parametrize("url", [
    "/episodes/nope",
    "/episodes/nope/audio",
    "/episodes/nope/transcript.vtt",
    "/episodes/garden/transcript.docx",
    "/episodes/..%2f..%2fetc/audio",
    "/episodes/GARDEN",
    "/episodes/garden/nothing",
    "/no/such/page",
])
def test_unknown_things_get_the_404_page(client, url):
    response = client.get(url)
    assert response.status_code == 404
    html = response.get_data(as_text=True)
    assert "Back to the library" in html and "Traceback" not in html


def test_media_routes_never_leave_the_episode_folder(garden, client):
    secret = garden / "secret.txt"
    secret.write_text("top secret")
    library = Library(garden)
    assert library.file("garden", "../secret.txt") is None
    assert library.file("garden", "..") is None
    assert library.file("garden", ".hidden") is None
    assert library.file("../garden", "episode.json") is None
    episode_json = garden / "garden" / "episode.json"
    data = json.loads(episode_json.read_text())
    data["audio"] = "../secret.txt"
    episode_json.write_text(json.dumps(data))
    assert client.get("/episodes/garden/audio").status_code == 404


def test_a_broken_episode_folder_is_a_404_not_a_500(garden, client):
    (garden / "garden" / "episode.json").write_text("{not json")
    assert client.get("/episodes/garden").status_code == 404
    assert client.get("/").status_code == 200


@pytest.fixture
def long_client(media, tmp_path):
    """An episode of 45 cues (more than two groups of 20), its title trying to forge the
    slot where the cue list goes into the page."""
    from webapp.views.transcript_html import _SLOT

    lines = ["WEBVTT", ""]
    for i in range(45):
        lines += [f"00:{i // 60:02d}:{i % 60:02d}.000 --> 00:{(i + 1) // 60:02d}:{(i + 1) % 60:02d}.000",
                  f"<v {'Ana' if i % 2 else 'Ben'}>Line {i + 1} of the long talk.", ""]
    vtt = tmp_path / "long.vtt"
    vtt.write_text("\n".join(lines), "utf-8")
    audio = make_audio(tmp_path / "long.mp3", 46)
    Library(media).add(str(vtt), str(audio), title=f"Long {_SLOT} talk", slug="long")
    return create_app({"TESTING": True, "MEDIA_DIR": str(media)}).test_client()


def _groups(html: str) -> list[list[int]]:
    """The cue numbers in each <div class="cue-group">, in page order."""
    cues = html.split('id="cues">', 1)[1].split('<button type="button" class="back-to-now"')[0]
    return [[int(n) for n in re.findall(r'<div class="cue[^"]*" id="cue-(\d+)"', group)]
            for group in cues.split('<div class="cue-group">')[1:]]


def test_cues_come_in_groups_of_twenty_in_order(long_client):
    response = long_client.get("/episodes/long")
    html = response.get_data(as_text=True)
    assert _groups(html) == [list(range(1, 21)), list(range(21, 41)), list(range(41, 46))]
    assert response.headers["Content-Length"] == str(len(response.data))
    assert "Line 45 of the long talk." in html


def test_marked_cues_keep_their_groups(long_client):
    html = long_client.get("/episodes/long?t=30,33").get_data(as_text=True)
    assert _groups(html) == [list(range(1, 21)), list(range(21, 41)), list(range(41, 46))]
    assert re.search(r'class="cue cue--target cue--in-range" id="cue-31"', html)
    assert len(re.findall(r'cue--in-range" id="cue-3[1-3]"', html)) == 3
    assert 'href="?t=30#cue-31" autofocus' in html
    # the embed is the same list, without autofocus
    embed = long_client.get("/episodes/long/embed?t=30").get_data(as_text=True)
    assert _groups(embed)[1] == list(range(21, 41)) and "autofocus" not in embed


def test_a_title_cannot_take_the_cue_lists_place(long_client):
    from webapp.views.transcript_html import _SLOT

    html = long_client.get("/episodes/long").get_data(as_text=True)
    assert str(_SLOT) not in html  # the title's copy is escaped, the slot itself filled
    assert f"Long {_SLOT}".replace("<", "&lt;").replace(">", "&gt;") in html
    assert sum(map(len, _groups(html))) == 45


@pytest.mark.parametrize("url", ["/", "/episodes/garden", "/episodes/garden/embed",
                                 "/search?q=compost", "/no/such/page"])
def test_every_page_links_the_one_stylesheet(client, url):
    html = client.get(url).get_data(as_text=True)
    sheets = re.findall(r'<link rel="stylesheet" href="([^"]+)"', html)
    assert sheets == ["/static/css/site.css"]
    response = client.get(sheets[0])
    assert response.status_code == 200 and response.content_type.startswith("text/css")



def test_the_cue_list_cache_keeps_only_recent_transcripts(garden, long_client, monkeypatch):
    from webapp.views import transcript_html

    monkeypatch.setattr(transcript_html, "_cache", transcript_html.BoundedCache(1))
    first = long_client.get("/episodes/long").data
    assert list(transcript_html._cache) == [("long", "")]
    assert b'id="cue-5"' in long_client.get("/episodes/garden").data
    assert list(transcript_html._cache) == [("garden", "")]  # the older one made room
    assert long_client.get("/episodes/long").data == first  # and is rebuilt the same
