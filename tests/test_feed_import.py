"""`listenalong import-feed` and `refresh` (issue 13) against a real HTTP server on
loopback (feed_server.py) serving our own fixture feeds: the best transcript of several,
wrong MIME types, chapters from each source, idempotent re-imports, 304s, and every
hostile feed giving one clear line and a consistent library."""
from __future__ import annotations

import contextlib
import io
import json
import time

import pytest

from feed_server import FeedServer
from support import FIXTURES, make_audio
from webapp.cli import main
from webapp.core.episodes import Library

FEEDS = FIXTURES / "feeds"


def fixture(name: str, base: str = "") -> str:
    return (FEEDS / name).read_text(encoding="utf-8").replace("{base}", base)


@pytest.fixture(scope="module")
def audio_files(tmp_path_factory):
    """Five small MP3s of a minute; the third carries ID3 chapters (CHAP + CTOC)."""
    from mutagen.id3 import CHAP, CTOC, ID3, TIT2, CTOCFlags

    folder = tmp_path_factory.mktemp("feed-audio")
    files = {n: make_audio(folder / f"{n}.mp3", 60).read_bytes() for n in (1, 2, 4, 5)}
    third = make_audio(folder / "3.mp3", 60)
    tags = ID3()
    tags.add(CTOC(element_id="toc", flags=CTOCFlags.TOP_LEVEL | CTOCFlags.ORDERED,
                  child_element_ids=["c1", "c2"], sub_frames=[]))
    tags.add(CHAP(element_id="c1", start_time=0, end_time=30000, sub_frames=[TIT2(text=["Heaps"])]))
    tags.add(CHAP(element_id="c2", start_time=30000, end_time=60000,
                  sub_frames=[TIT2(text=["Greens and browns"])]))
    tags.save(third)
    files[3] = third.read_bytes()
    return files


def serve_garden(server: FeedServer, audio_files, feed: str = "garden.xml") -> str:
    for n, data in audio_files.items():
        server.add(f"/audio/{n}.mp3", data, "audio/mpeg")
    for name, kind in (("1.json", "application/json"), ("1.srt", "application/srt"),
                       ("1.vtt", "text/vtt"), ("2.srt", "text/srt"), ("3.html", "text/html"),
                       ("4.txt", "application/octet-stream")):
        server.add(f"/t/{name}", fixture(name), kind)
    server.add("/c/1.json", fixture("1-chapters.json"), "application/json+chapters")
    return server.add("/feed.xml", fixture(feed, server.url), "application/rss+xml")


def cli(*args) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main([str(a) for a in args])
    return code, out.getvalue(), err.getvalue()


@pytest.fixture(autouse=True)
def private_feeds_allowed(monkeypatch):
    """These feeds are served on loopback: allowed here as a person allows their own
    network's feed (tests/test_hostile_feeds.py checks it is refused by default)."""
    monkeypatch.setenv("LISTENALONG_ALLOW_PRIVATE_FEEDS", "1")


def consistent(media) -> Library:
    """The library reads whole: no broken episode, nothing half-written left behind."""
    library = Library(media)
    assert library.scan()[1] == []
    leftovers = [p.name for p in media.iterdir() if p.name.startswith(".")] if media.exists() else []
    assert set(leftovers) <= {".feeds", ".index"}, leftovers
    return library


@pytest.fixture
def garden(audio_files):
    with FeedServer() as server:
        yield server, serve_garden(server, audio_files)


@pytest.fixture
def imported(tmp_path, garden):
    """The garden feed imported: (server, library, episodes by guid)."""
    server, url = garden
    code, out, err = cli("import-feed", url, "--media", tmp_path)
    assert code == 0, err
    assert "skipped: Live from the allotment: no transcript in the feed" in err
    assert "The Garden Hour: 4 added, 0 already here, 1 skipped, 0 failed" in err
    assert [line.split("\t")[0] for line in out.splitlines()] == ["added"] * 4
    library = consistent(tmp_path)
    return server, library, {e.guid: e for e in library.episodes()}


def test_json_beats_srt_and_vtt_and_people_soundbites_notes_come_along(imported):
    server, library, by_guid = imported
    assert sorted(by_guid) == ["garden-1", "garden-2", "garden-3", "garden-4"]
    first = by_guid["garden-1"]
    cues = library.transcript(first.slug).cues
    assert cues[1].text == "Mine are cedar, and they have lasted ten years."
    assert first.transcript == "original.json" and first.speakers == ["Rosa Delgado", "Tom Okafor"]
    assert [p["name"] for p in first.people] == ["Rosa Delgado", "Tom Okafor"]
    assert first.soundbites == [{"start": 20.0, "duration": 15.5, "title": "Cedar lasts ten years"}]
    assert first.notes == "Rosa and Tom on raised beds." and first.published.startswith("2026-11-02")
    # the chosen transcript was the only one of the item fetched
    assert server.requests("/t/1.json") == 1
    assert server.requests("/t/1.srt") == 0 and server.requests("/t/1.vtt") == 0
    # the audio served is the copy downloaded, byte for byte
    assert (library.root / first.slug / "audio.mp3").read_bytes() == server.routes["/audio/1.mp3"].body


def test_chapters_come_from_the_chapters_file_the_notes_or_id3(imported):
    server, library, by_guid = imported
    # podcast:chapters, the toc:false one kept in the file
    assert [(c.start, c.title, c.toc) for c in library.chapters(by_guid["garden-1"].slug)] == [
        (0, "Hello", True), (9, "Cedar or pine", True), (30, "Sponsor", False),
        (35.5, "Lining the bed", True)]
    assert [(c.start, c.title) for c in library.chapters(by_guid["garden-2"].slug)] == [
        (0, "Hello"), (25, "Staking"), (40, "Questions")]
    assert [(c.start, c.title) for c in library.chapters(by_guid["garden-3"].slug)] == [
        (0, "Heaps"), (30, "Greens and browns")]


def test_fallbacks_and_formats_told_by_their_content(imported):
    server, library, by_guid = imported
    # the JSON 404s: the SRT (sent as text/srt) instead
    second = by_guid["garden-2"]
    assert second.transcript == "original.srt"
    assert "Stake them early" in library.transcript(second.slug).cues[1].text
    # an HTML transcript
    assert by_guid["garden-3"].transcript == "original.html"
    # a VTT sent as application/octet-stream, named .txt
    fourth = by_guid["garden-4"]
    assert fourth.transcript == "original.vtt" and fourth.speakers == ["Ana", "Ben"]


def test_a_second_import_is_one_conditional_request(tmp_path, garden):
    server, url = garden
    assert cli("import-feed", url, "--media", tmp_path)[0] == 0
    before = len(server.log)
    code, out, err = cli("import-feed", url, "--media", tmp_path)
    assert code == 0 and out == ""
    assert "not modified since the last import; nothing new" in err
    assert server.log[before:] == [("/feed.xml", 304)]


def test_refresh_adds_only_the_new_items(tmp_path, garden, audio_files):
    server, url = garden
    assert cli("import-feed", url, "--media", tmp_path)[0] == 0
    feed = server.routes["/feed.xml"].body.decode()
    new_item = f"""<item><title>Frost dates</title><guid>garden-6</guid>
      <enclosure url="{server.url}/audio/5.mp3" type="audio/mpeg"/>
      <podcast:transcript url="{server.url}/t/2.srt" type="application/srt"/></item>"""
    server.add("/feed.xml", feed.replace("</channel>", new_item + "</channel>"), "application/rss+xml")
    audio_before = sum(server.requests(f"/audio/{n}.mp3") for n in range(1, 6))

    code, out, err = cli("refresh", "--media", tmp_path)
    assert code == 0, err
    assert [line.split("\t")[2] for line in out.splitlines()] == ["Frost dates"]
    assert "1 added, 4 already here, 1 skipped" in err
    assert sum(server.requests(f"/audio/{n}.mp3") for n in range(1, 6)) == audio_before + 1
    assert len(consistent(tmp_path).episodes()) == 5


def test_items_without_guid_are_known_by_their_enclosure(tmp_path, audio_files):
    with FeedServer() as server:
        serve_garden(server, audio_files)
        url = server.add("/nog.xml", fixture("no_guid.xml", server.url), "application/rss+xml",
                         etag=False)
        assert cli("import-feed", url, "--media", tmp_path)[0] == 0
        code, out, err = cli("import-feed", url, "--media", tmp_path)
    assert code == 0 and out == ""
    assert "No Guids Here: 0 added, 2 already here" in err
    guids = sorted(e.guid for e in consistent(tmp_path).episodes())
    assert guids == [f"{server.url}/audio/1.mp3", f"{server.url}/audio/2.mp3"]


def test_limit_and_since_choose_the_newest_items(tmp_path, garden):
    server, url = garden
    code, out, err = cli("import-feed", url, "--media", tmp_path, "--limit", "3",
                         "--since", "2026-11-10")
    assert code == 0, err
    titles = [line.split("\t")[2] for line in out.splitlines()]
    assert titles == ["Seed swap (wrong type)", "Compost in winter"]
    assert "2 added, 0 already here, 1 skipped, 0 failed, 2 left out" in err


def test_a_saved_feed_file_imports_too(tmp_path, garden):
    server, url = garden
    saved = tmp_path / "garden.xml"
    saved.write_bytes(server.routes["/feed.xml"].body)
    code, out, err = cli("import-feed", saved, "--media", tmp_path / "media")
    assert code == 0, err
    assert len(consistent(tmp_path / "media").episodes()) == 4


# ---- hostile feeds: one clear line each, the library consistent ------------------------------
def one_error(err: str) -> str:
    lines = [line for line in err.splitlines() if line.startswith("error:")]
    assert len(lines) == 1, err
    assert "Traceback" not in err
    return lines[0]


def test_a_transcript_that_404s_is_one_line_and_the_rest_go_on(tmp_path, garden):
    server, url = garden
    del server.routes["/t/2.srt"]            # item 2 now has two transcripts, both missing
    code, out, err = cli("import-feed", url, "--media", tmp_path)
    assert code == 0
    line = one_error(err)
    assert line.startswith("error: Tomatoes, again: no transcript could be read: json ")
    assert f"json {server.url}/t/2-missing.json: 404 Not Found; srt {server.url}/t/2.srt: 404 " \
        "Not Found" in line
    assert "3 added" in err and len(consistent(tmp_path).episodes()) == 3
    # the feed has not changed, but an item failed: the next import tries it again
    server.add("/t/2.srt", fixture("2.srt"), "text/srt")
    code, out, err = cli("import-feed", url, "--media", tmp_path)
    assert code == 0 and "1 added, 3 already here" in err
    assert [line.split("\t")[2] for line in out.splitlines()] == ["Tomatoes, again"]


def test_an_enclosure_claiming_5_gb_is_refused_before_it_is_read(tmp_path, garden):
    server, url = garden
    server.routes["/audio/1.mp3"].claimed_length = 5 * 10**9
    began = time.monotonic()
    code, out, err = cli("import-feed", url, "--media", tmp_path)
    assert code == 0 and time.monotonic() - began < 20
    assert "1.mp3 is 4.7 GB, over the 2.0 GB limit" in one_error(err)
    assert "garden-1" not in {e.guid for e in consistent(tmp_path).episodes()}


def test_an_enclosure_cut_short_leaves_nothing(tmp_path, garden):
    server, url = garden
    route = server.routes["/audio/2.mp3"]
    route.claimed_length = len(route.body) + 50_000
    code, out, err = cli("import-feed", url, "--media", tmp_path)
    assert code == 0
    assert "Tomatoes, again: " in one_error(err)
    assert len(consistent(tmp_path).episodes()) == 3


@pytest.mark.parametrize("case, says", [
    ("loop", "redirects in a loop"),
    ("chain", "redirects more than 5 times"),
    ("bomb", "declares XML entities"),
    ("html", "this is an HTML page, not a podcast feed; the page links a feed at "
             "https://garden.example.org/feed.xml"),
    ("missing", "404 Not Found"),
    ("junk", "this is not an RSS or Atom feed"),
    ("ftp", "not an http(s) address"),
])
def test_an_unreadable_feed_exits_2_with_one_line(tmp_path, case, says):
    with FeedServer() as server:
        server.add("/loop", status=302, headers={"Location": "/loop"})
        for n in range(7):
            server.add(f"/chain/{n}", status=301, headers={"Location": f"/chain/{n + 1}"})
        server.add("/bomb.xml", fixture("billion_laughs.xml", server.url), "application/rss+xml")
        server.add("/show", fixture("show_page.html"), "text/html")
        server.add("/junk", b"\x00\x01 not a feed at all", "application/rss+xml")
        url = {"loop": f"{server.url}/loop", "chain": f"{server.url}/chain/0",
               "bomb": f"{server.url}/bomb.xml", "html": f"{server.url}/show",
               "missing": f"{server.url}/nothing.xml", "junk": f"{server.url}/junk",
               "ftp": "ftp://example.org/feed.xml"}[case]
        began = time.monotonic()
        code, out, err = cli("import-feed", url, "--media", tmp_path)
    assert code == 2 and out == ""
    assert says in one_error(err)
    assert time.monotonic() - began < 10
    assert consistent(tmp_path).episodes() == []


def test_transcript_and_chapter_urls_must_be_http(tmp_path, garden):
    server, url = garden
    feed = server.routes["/feed.xml"].body.decode()
    server.add("/feed.xml", feed.replace(f"{server.url}/t/1.json", "file:///etc/passwd")
               .replace(f"{server.url}/c/1.json", "file:///etc/hostname"), "application/rss+xml")
    code, out, err = cli("import-feed", url, "--media", tmp_path)
    assert code == 0, err
    first = next(e for e in consistent(tmp_path).episodes() if e.guid == "garden-1")
    assert first.transcript == "original.vtt"        # the next best, fetched over http
    assert Library(tmp_path).chapters(first.slug) == []


def test_state_is_kept_per_feed_and_refresh_reports_an_empty_library(tmp_path):
    code, out, err = cli("refresh", "--media", tmp_path)
    assert code == 0 and "no feeds imported yet" in err


def test_the_feed_state_file_is_json_naming_its_source(tmp_path, garden):
    server, url = garden
    cli("import-feed", url, "--media", tmp_path)
    states = list((tmp_path / ".feeds").glob("*.json"))
    assert len(states) == 1
    state = json.loads(states[0].read_text())
    assert state["source"] == url and state["title"] == "The Garden Hour" and state["etag"]


def test_servers_that_stop_answering_time_out(tmp_path, garden, monkeypatch):
    from webapp.core.feeds import fetching

    monkeypatch.setattr(fetching, "TIMEOUT", 0.5)
    server, url = garden
    server.routes["/audio/3.mp3"].stall_body = 3       # headers, a little audio, then nothing
    code, out, err = cli("import-feed", url, "--media", tmp_path)
    assert code == 0
    assert "Compost in winter: " in one_error(err) and "did not answer in time" in err
    assert len(consistent(tmp_path).episodes()) == 3
    server.routes["/feed.xml"].stall = 3                 # no answer at all
    code, out, err = cli("import-feed", url, "--media", tmp_path / "other")
    assert code == 2 and "feed.xml: the server did not answer in time" in one_error(err)


def test_two_imports_of_one_feed_at_once_add_each_item_once(tmp_path, garden):
    import threading

    from webapp.core.feeds import Options, import_feed

    server, url = garden
    reports = []
    threads = [threading.Thread(target=lambda: reports.append(
        import_feed(Library(tmp_path), url, Options(allow_private=True)))) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(r.count("added") for r in reports) == [0, 4]
    assert len(consistent(tmp_path).episodes()) == 4


def test_imported_episodes_are_searchable_and_playable_at_once(imported):
    from webapp import create_app

    server, library, by_guid = imported
    client = create_app({"TESTING": True, "MEDIA_DIR": str(library.root)}).test_client()
    found = client.get("/search?q=cardboard").get_data(as_text=True)
    assert "Raised beds &amp; cedar" in found and "Line them with" in found
    slug = by_guid["garden-3"].slug
    page = client.get(f"/episodes/{slug}").get_data(as_text=True)
    assert "Cover the heap and keep adding greens." in page and 'id="chapters-menu"' in page
    assert client.get(f"/episodes/{slug}/audio").data == server.routes["/audio/3.mp3"].body
