"""Feeds are untrusted input (issue 24): no fetch of an internal address, one deadline per
fetch, bounded parsing, items keyed by (feed, guid), corrections applied and said, one
line instead of a traceback, and no text silently lost. Everything runs against servers
on loopback (feed_server.py, and a raw socket server that trickles bytes)."""
from __future__ import annotations

import contextlib
import errno
import gzip
import io
import json
import socket
import threading
import time

import pytest

from feed_server import FeedServer
from support import FIXTURES, make_audio
from webapp.cli import main
from webapp.core.episodes import Library
from webapp.core.feeds import Options, import_feed
from webapp.core.feeds import fetching
from webapp.core.feeds.bounded import FeedTooHeavy, in_child
from webapp.core.feeds.fetching import FetchError, Limits

SRT = "1\n00:00:00,000 --> 00:00:04,000\nHello from the garden.\n\n2\n00:00:04,000 --> 00:00:09,000\nCompost needs air.\n"


def cli(*args) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main([str(a) for a in args])
    return code, out.getvalue(), err.getvalue()


def rss(items: str, title: str = "Show") -> str:
    return (f'<rss version="2.0" xmlns:podcast="https://podcastindex.org/namespace/1.0"><channel>'
            f'<title>{title}</title>{items}</channel></rss>')


def item(base: str, guid: str | None, title: str, audio: str = "/a.mp3", transcript: str = "/t.srt",
         length: int | None = None) -> str:
    return (f"<item><title>{title}</title>" + (f"<guid>{guid}</guid>" if guid else "")
            + f'<enclosure url="{base}{audio}" type="audio/mpeg"'
            + (f' length="{length}"' if length else "") + "/>"
            + f'<podcast:transcript url="{base}{transcript}" type="application/srt"/></item>')


@pytest.fixture(scope="module")
def mp3s(tmp_path_factory):
    folder = tmp_path_factory.mktemp("hostile-audio")
    return [make_audio(folder / f"{n}.mp3", seconds).read_bytes() for n, seconds in ((1, 20), (2, 25))]


@pytest.fixture
def server(mp3s):
    with FeedServer() as feeds:
        feeds.add("/a.mp3", mp3s[0], "audio/mpeg")
        feeds.add("/b.mp3", mp3s[1], "audio/mpeg")
        feeds.add("/t.srt", SRT, "application/srt")
        yield feeds


def pretend_public(monkeypatch, *addresses: str) -> None:
    """Treat these loopback addresses as public ones (as a real public host would be)."""
    real = fetching.not_public
    monkeypatch.setattr(fetching, "not_public", lambda a: None if a in addresses else real(a))


# ---- 1. no internal fetches -------------------------------------------------------------------

SSRF_FORMS = ["http://127.0.0.1:{port}/feed.xml", "http://localhost:{port}/feed.xml",
              "http://0.0.0.0:{port}/feed.xml", "http://[::1]:{port}/feed.xml",
              "http://2130706433:{port}/feed.xml", "http://0x7f000001:{port}/feed.xml",
              "http://017700000001:{port}/feed.xml", "http://127.1:{port}/feed.xml",
              "http://user@127.0.0.1:{port}/feed.xml", "http://[::ffff:127.0.0.1]:{port}/feed.xml",
              "http://169.254.169.254/latest/meta-data/", "http://10.0.0.1:{port}/",
              "http://[fe80::1]:{port}/", "http://224.0.0.1:{port}/"]


@pytest.mark.parametrize("form", SSRF_FORMS)
def test_internal_addresses_are_refused_in_every_spelling(tmp_path, server, form):
    server.add("/feed.xml", rss(item(server.url, "g1", "Secret")), "application/rss+xml")
    url = form.format(port=server.httpd.server_port)
    before = len(server.log)
    code, out, err = cli("import-feed", url, "--media", tmp_path)
    assert code == 2 and out == ""
    assert err.count("\n") == 1 and "refused" in err and "ALLOW_PRIVATE_FEEDS" in err, err
    assert len(server.log) == before            # nothing was fetched
    assert not Library(tmp_path).episodes()


def test_a_redirect_from_a_public_host_to_an_internal_one_is_refused(tmp_path, server, monkeypatch):
    pretend_public(monkeypatch, "127.0.0.1")
    for status in (302, 307):
        server.add(f"/r{status}", b"", status=status,
                   headers={"Location": f"http://127.0.0.2:{server.httpd.server_port}/feed.xml"})
        with pytest.raises(FetchError, match=r"refused, 127\.0\.0\.2 is a loopback address"):
            fetching.get(f"{server.url}/r{status}", Limits(max_bytes=2**20))


def test_the_address_checked_is_the_address_connected_to(server, monkeypatch):
    """DNS rebinding: a name that answers a public address to the check and an internal
    one to a second lookup never gets the second lookup."""
    pretend_public(monkeypatch, "127.0.0.1")
    lookups = []
    real = socket.getaddrinfo

    def rebinding(host, port, *args, **kwargs):
        if host != "feeds.example":
            return real(host, port, *args, **kwargs)
        lookups.append(host)
        address = "127.0.0.1" if len(lookups) == 1 else "127.0.0.3"
        return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", (address, port))]

    monkeypatch.setattr(socket, "getaddrinfo", rebinding)
    server.add("/ok.txt", "fine", "text/plain")
    url = f"http://feeds.example:{server.httpd.server_port}/ok.txt"
    assert fetching.get(url, Limits(max_bytes=1024)).body == b"fine"
    assert lookups == ["feeds.example"]


def test_a_private_feed_needs_the_setting_or_the_flag(tmp_path, server, monkeypatch):
    server.add("/feed.xml", rss(item(server.url, "g1", "Ours")), "application/rss+xml")
    url = server.url + "/feed.xml"
    assert cli("import-feed", url, "--media", tmp_path)[0] == 2
    code, out, err = cli("import-feed", url, "--allow-private-feeds", "--media", tmp_path)
    assert code == 0 and "1 added" in err, err
    monkeypatch.setenv("LISTENALONG_ALLOW_PRIVATE_FEEDS", "1")
    server.routes["/feed.xml"].etag = False
    code, out, err = cli("refresh", "--media", tmp_path)
    assert code == 0 and "1 already here" in err, err


@pytest.mark.parametrize("address,kind", [("127.0.0.1", "loopback"), ("::ffff:10.0.0.1", "private"),
                                          ("2002:a00:1::1", "private"), ("0.0.0.0", "unspecified"),
                                          ("100.64.0.1", "not a public address"), ("8.8.8.8", None),
                                          ("2606:4700::1111", None)])
def test_not_public_names_each_kind(address, kind):
    assert fetching.not_public(address) == kind


# ---- 2. one real deadline ---------------------------------------------------------------------

class Trickle:
    """A server that sends its answer a byte at a time, for ever: in the headers, or
    after complete headers, in the body."""

    def __init__(self, in_headers: bool):
        self.sock = socket.create_server(("127.0.0.1", 0))
        self.url = f"http://127.0.0.1:{self.sock.getsockname()[1]}/feed.xml"
        self.in_headers, self.stop = in_headers, threading.Event()
        threading.Thread(target=self._serve, daemon=True).start()

    def _serve(self):
        while not self.stop.is_set():
            try:
                client, _ = self.sock.accept()
            except OSError:
                return
            threading.Thread(target=self._drip, args=(client,), daemon=True).start()

    def _drip(self, client):
        with client:
            client.recv(4096)
            head = b"HTTP/1.1 200 OK\r\n" if self.in_headers else \
                b"HTTP/1.1 200 OK\r\nContent-Type: application/rss+xml\r\n\r\n"
            try:
                client.sendall(head)
                while not self.stop.is_set():
                    client.sendall(b"X-Slow: y\r\n" if self.in_headers else b" ")
                    time.sleep(0.05)
            except OSError:
                return

    def close(self):
        self.stop.set()
        self.sock.close()


@pytest.mark.parametrize("in_headers", [True, False], ids=["headers", "body"])
def test_a_trickling_server_meets_one_deadline(in_headers):
    slow = Trickle(in_headers)
    outcome = []
    try:
        worker = threading.Thread(target=lambda: outcome.append(_fetch_error(slow.url)), daemon=True)
        worker.start()
        worker.join(30)
        assert not worker.is_alive(), "the fetch outlived its deadline"
    finally:
        slow.close()
    assert outcome and "took more than 2 s" in outcome[0]


def _fetch_error(url: str) -> str:
    try:
        fetching.get(url, Limits(max_bytes=2**20, timeout=1.0, deadline=2.0, allow_private=True))
    except FetchError as error:
        return str(error)
    return "fetched"


# ---- 3. bounded parsing -----------------------------------------------------------------------

def test_an_attribute_bomb_is_refused_before_feedparser(tmp_path, server):
    attributes = " ".join(f'a{n}="1"' for n in range(20000))
    server.add("/feed.xml", rss(f"<item {attributes}><title>x</title></item>"), "application/rss+xml")
    code, out, err = cli("import-feed", server.url + "/feed.xml", "--allow-private-feeds",
                         "--media", tmp_path)
    assert code == 2 and err.count("\n") == 1
    assert "20,000 attributes (at most 64)" in err


def test_feed_reading_runs_under_a_cpu_limit():
    def spin(data):
        while True:
            pass

    with pytest.raises(FeedTooHeavy, match="more than 1 s of CPU"):
        in_child(spin, b"", cpu_seconds=1, wall_seconds=20)
    assert in_child(lambda data: data.upper(), b"feed") == b"FEED"
    with pytest.raises(ValueError, match="its own"):
        in_child(lambda data: (_ for _ in ()).throw(ValueError("its own")), b"")


# ---- 4. items keyed by (feed, guid) -----------------------------------------------------------

def test_two_feeds_sharing_a_guid_both_keep_their_items(tmp_path, server):
    first = server.add("/one.xml", rss(item(server.url, "shared-guid", "From one"), "One"),
                       "application/rss+xml")
    second = server.add("/two.xml", rss(item(server.url, "shared-guid", "From two", "/b.mp3"), "Two"),
                        "application/rss+xml")
    for url in (first, second):
        code, out, err = cli("import-feed", url, "--allow-private-feeds", "--media", tmp_path)
        assert code == 0 and "1 added" in err, err
    assert sorted(e.title for e in Library(tmp_path).episodes()) == ["From one", "From two"]


# ---- 5. changing feeds ------------------------------------------------------------------------

def test_a_rotating_token_on_a_guidless_item_is_the_same_item(tmp_path, server, mp3s):
    for token in (1, 2):
        server.add(f"/a.mp3?token={token}", mp3s[0], "audio/mpeg")
    feed = server.add("/feed.xml", rss(item(server.url, None, "Tokened", "/a.mp3?token=1")),
                      "application/rss+xml", etag=False)
    assert cli("import-feed", feed, "--allow-private-feeds", "--media", tmp_path)[0] == 0
    server.add("/feed.xml", rss(item(server.url, None, "Tokened", "/a.mp3?token=2")),
               "application/rss+xml", etag=False)
    code, out, err = cli("refresh", "--allow-private-feeds", "--media", tmp_path)
    assert code == 0 and "0 added" in err and "1 already here" in err, err
    assert len(Library(tmp_path).episodes()) == 1


def test_corrections_and_new_audio_are_applied_and_said(tmp_path, server, mp3s):
    feed = server.add("/feed.xml", rss(item(server.url, "g1", "Compst", length=len(mp3s[0]))),
                      "application/rss+xml", etag=False)
    options = Options(allow_private=True)
    library = Library(tmp_path)
    assert import_feed(library, feed, options).count("added") == 1
    (episode,) = library.episodes()
    (tmp_path / episode.slug / "words.json").write_text('{"version": 1, "cues": []}')
    before = server.requests("/a.mp3")

    # a corrected title and transcript: applied, said, the audio not fetched again
    server.add("/t.srt", SRT.replace("Compost needs air", "Compost needs air and water"),
               "application/srt")
    server.add("/feed.xml", rss(item(server.url, "g1", "Compost", length=len(mp3s[0]))),
               "application/rss+xml", etag=False)
    report = import_feed(library, feed, options)
    (outcome,) = report.outcomes
    assert outcome.kind == "updated" and outcome.slug == episode.slug
    assert outcome.detail.startswith("title, transcript changed in the feed; re-converted")
    assert outcome.realign        # it had word timings, and its words changed
    assert server.requests("/a.mp3") == before
    updated = library.get(episode.slug)
    assert updated.title == "Compost" and updated.added == episode.added
    assert library.transcript(episode.slug).cues[1].text == "Compost needs air and water."
    assert library.words_file(episode.slug) is None      # stale word times are gone

    # new ads: the enclosure changed, so the new audio is downloaded and served
    server.add("/feed.xml", rss(item(server.url, "g1", "Compost", "/b.mp3", length=len(mp3s[1]))),
               "application/rss+xml", etag=False)
    (outcome,) = import_feed(library, feed, options).outcomes
    assert outcome.kind == "updated" and "audio changed" in outcome.detail
    assert (tmp_path / episode.slug / "audio.mp3").read_bytes() == mp3s[1]
    assert library.get(episode.slug).duration == pytest.approx(25, abs=0.5)

    # nothing changed: nothing done
    report = import_feed(library, feed, options)
    assert report.outcomes == [] and report.present == 1
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".adding")] == []


def test_refresh_says_what_was_updated(tmp_path, server):
    feed = server.add("/feed.xml", rss(item(server.url, "g1", "Old title")), "application/rss+xml",
                      etag=False)
    assert cli("import-feed", feed, "--allow-private-feeds", "--media", tmp_path)[0] == 0
    server.add("/feed.xml", rss(item(server.url, "g1", "New title")), "application/rss+xml", etag=False)
    code, out, err = cli("refresh", "--allow-private-feeds", "--media", tmp_path)
    assert code == 0 and "0 added, 1 updated, 0 already here" in err, err
    assert out.startswith("updated\t/episodes/") and "\tNew title\ttitle changed in the feed" in out


# ---- 6. one line, never a traceback -----------------------------------------------------------

def test_an_unknown_xml_encoding_is_one_line_or_a_reading(tmp_path, server):
    body = rss(item(server.url, "g1", "Odd")).replace("<rss", '<?xml version="1.0" encoding="x-klingon"?><rss', 1)
    server.add("/feed.xml", body, "application/rss+xml")
    code, out, err = cli("import-feed", server.url + "/feed.xml", "--allow-private-feeds",
                         "--media", tmp_path)
    assert "Traceback" not in err and code in (0, 2)
    assert code == 2 and err.count("\n") == 1 or "1 added" in err


@pytest.mark.parametrize("args", [("convert", "{dir}"), ("add", "{dir}", "--audio", "{mp3}"),
                                  ("add", "{srt}", "--audio", "{dir}"),
                                  ("add", "{srt}", "--audio", "/dev/zero"),
                                  ("add", "{srt}", "--audio", "{mp3}", "--chapters", "{dir}", "--no-align"),
                                  ("import-feed", "{dir}")])
def test_a_folder_or_a_device_is_one_line_naming_it(tmp_path, mp3s, args):
    (tmp_path / "a.mp3").write_bytes(mp3s[0])
    (tmp_path / "t.srt").write_text(SRT)
    (tmp_path / "folder").mkdir()
    names = {"dir": tmp_path / "folder", "mp3": tmp_path / "a.mp3", "srt": tmp_path / "t.srt"}
    code, out, err = cli(*[a.format(**names) for a in args], "--media", tmp_path / "media") \
        if args[0] != "convert" else cli(*[a.format(**names) for a in args])
    assert code == 2 and err.count("\n") == 1 and "Traceback" not in err
    assert ("this is a folder" in err) or ("not a regular file" in err), err


def test_a_full_disk_during_alignment_changes_neither_file(tmp_path, monkeypatch):
    from webapp.core import atomic
    from webapp.core.errors import InputError
    from webapp.core.model import Cue

    media = tmp_path / "media"
    library = Library(media)
    audio = make_audio(tmp_path / "a.mp3", 12)
    (tmp_path / "t.srt").write_text(SRT)
    library.add(str(tmp_path / "t.srt"), str(audio), slug="ep")
    before = {p.name: p.read_bytes() for p in (media / "ep").iterdir()}
    written = []

    def full(path, text):
        written.append(path)
        if len(written) == 2:
            raise OSError(errno.ENOSPC, "No space left on device")
        path.write_text(text)

    monkeypatch.setattr(atomic, "_write", full)
    with pytest.raises(InputError, match="No space left"):
        library.save_alignment("ep", {"version": 1, "cues": []},
                               [Cue(start=0.5, end=4, text="Hello from the garden."),
                                Cue(start=4, end=9, text="Compost needs air.")])
    assert {p.name: p.read_bytes() for p in (media / "ep").iterdir()} == before


def test_a_full_disk_during_a_download_fails_that_item_and_tries_the_next(tmp_path, server, monkeypatch):
    feed = server.add("/feed.xml", rss(item(server.url, "g1", "First") + item(server.url, "g2", "Second", "/b.mp3")),
                      "application/rss+xml")
    real = fetching.download
    calls = []

    def full(url, destination, limits, progress=None):
        calls.append(url)
        if len(calls) == 1:
            raise OSError(errno.ENOSPC, "No space left on device")
        return real(url, destination, limits, progress)

    monkeypatch.setattr(fetching, "download", full)
    report = import_feed(Library(tmp_path), feed, Options(allow_private=True))
    assert [o.kind for o in report.outcomes] == ["failed", "added"]
    assert "cannot write the library (No space left on device)" in report.outcomes[0].detail


# ---- 7. a database outage fails fast ----------------------------------------------------------

def test_the_breaker_fails_searches_at_once_after_a_refused_connection(monkeypatch):
    from webapp.core.search import SearchUnavailable
    from webapp.core.search import pg_store

    class Down:
        def connection(self):
            tried.append(1)
            raise type("PoolTimeout", (Exception,), {})("couldn't get a connection after 5.00 sec")

    tried = []
    url = f"postgresql://127.0.0.1:9/breaker-{time.monotonic_ns()}"
    monkeypatch.setattr(pg_store, "pool", lambda u: Down())
    store = pg_store.PgStore(url)
    with pytest.raises(Exception, match="couldn't get a connection"):
        with store._connection():
            pass
    for _ in range(5):
        with pytest.raises(SearchUnavailable, match="search is unavailable"):
            with store._connection():
                pass
    assert tried == [1]                       # the pool was not waited on again
    breaker = pg_store.breaker(url)
    breaker.open_until = time.monotonic() - 1   # the pause is over: one caller tries again
    assert breaker.allow() and not breaker.allow()
    breaker.succeeded()
    assert breaker.allow()


# ---- 8. a malformed Host is a plain 400 -------------------------------------------------------

@pytest.mark.parametrize("public", ["", "https://listen.example.org"])
@pytest.mark.parametrize("host", ["a..b", "x" * 64 + ".example", "[::1", "a b", "exa mple:80", "h:99999999"])
def test_a_malformed_host_is_400_on_every_route(public, host):
    from webapp import create_app

    client = create_app({"TESTING": True, "PUBLIC_URL": public, "ALLOWED_HOSTS": ("*",)}).test_client()
    for path in ("/", "/episodes/welcome", "/search?q=x", "/feed.xml", "/nowhere"):
        response = client.get(path, headers={"Host": host})
        assert response.status_code == 400, (path, response.status_code)
        assert b"Host header" in response.data
    assert client.get("/", headers={"Host": "localhost:5000"}).status_code == 200


# ---- 9. no text lost in conversion ------------------------------------------------------------

def test_every_piece_of_text_is_kept_or_named():
    from webapp.core.reading import parse_text

    html = parse_text("<p><time>0:00</time> Hello there <time>0:05</time> after the time</p>"
                      "<span>in a span</span><div>in a div</div><p><time>0:10</time> Next</p>", "html")
    assert [c.text for c in html.cues] == ["Hello there", "after the time\nin a span in a div", "Next"]
    heading = parse_text("<h1>Show notes</h1><p><time>0:00</time> Hi</p>", "html")
    assert [str(w) for w in heading.warnings] == ["text before the first <time> left out: 'Show notes'"] \
        or any("Show notes" in str(w) for w in heading.warnings)
    whisper = parse_text(json.dumps({"segments": [{"start": 0, "end": 2, "text": "one"},
                                                  {"start": 2, "end": 4, "text": ["two", "words"]},
                                                  {"start": 4, "end": 6, "text": {"odd": 1}}]}))
    assert [c.text for c in whisper.cues] == ["one", "two words"]
    assert any("segment 3's 'text' is not text" in str(w) for w in whisper.warnings)
    podcasting = parse_text(json.dumps({"version": "1.0.0", "segments": [
        {"startTime": 0, "endTime": 2, "body": "Alpha."}, {"startTime": 10, "endTime": 12, "body": "Gamma."},
        {"startTime": 5, "endTime": 6, "body": "Beta."}]}))
    assert [(c.start, c.text) for c in podcasting.cues] == [(0, "Alpha."), (5, "Beta."), (10, "Gamma.")]
    assert any("time order" in str(w) for w in podcasting.warnings)


# ---- 10. one cap on cues and chapters ---------------------------------------------------------

def test_one_limit_on_cues_and_on_chapters(tmp_path):
    from mutagen.id3 import CHAP, ID3, TIT2

    from webapp.core.chapters import (MAX_CHAPTERS, Chapter, chapters_from_id3, read_chapters_text,
                                      settle)
    from webapp.core.errors import InputError
    from webapp.core.reading import parse_text
    from webapp.core.timing import MAX_CUES

    srt = "".join(f"{n + 1}\n00:{n // 6000:02d}:{n // 100 % 60:02d},{n % 100 * 10:03d} --> "
                  f"00:{n // 6000:02d}:{n // 100 % 60:02d},{n % 100 * 10 + 5:03d}\nw\n\n"
                  for n in range(MAX_CUES + 1))
    with pytest.raises(InputError, match=f"{MAX_CUES + 1:,} cues, more than the {MAX_CUES:,}"):
        parse_text(srt, "srt")
    too_many = MAX_CHAPTERS + 1
    with pytest.raises(InputError, match="more than the 2,000"):
        read_chapters_text(json.dumps({"chapters": [{"startTime": n, "title": "c"} for n in range(too_many)]}))
    audio = make_audio(tmp_path / "c.mp3", 2)
    tags = ID3()
    for n in range(too_many):
        tags.add(CHAP(element_id=f"c{n}", start_time=n, end_time=n + 1, sub_frames=[TIT2(text=["t"])]))
    tags.save(audio)
    with pytest.raises(InputError, match="the audio's ID3 tags holds 2,001 chapters"):
        chapters_from_id3(audio)
    with pytest.raises(InputError, match="more than the 2,000"):
        settle([Chapter(start=n, title="c") for n in range(too_many)], None)


# ---- 11. smaller ------------------------------------------------------------------------------

def test_a_symlinked_episode_folder_is_not_served(tmp_path):
    from webapp import create_app

    media = tmp_path / "media"
    media.mkdir()
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "episode.json").write_text(json.dumps({"slug": "leak", "title": "x", "duration": 5,
                                                      "audio": "audio.mp3", "transcript": "original.txt"}))
    (outside / "audio.mp3").write_bytes(b"secret bytes")
    (media / "leak").symlink_to(outside, target_is_directory=True)
    assert Library(media).get("leak") is None and Library(media).file("leak", "audio.mp3") is None
    client = create_app({"TESTING": True, "MEDIA_DIR": str(media)}).test_client()
    assert client.get("/episodes/leak/audio").status_code == 404
    assert b"secret" not in client.get("/episodes/leak").data


def test_a_date_of_twenty_nines_does_not_pin_an_item(tmp_path, server):
    body = rss(item(server.url, "g1", "Far future").replace("</item>", "<pubDate>99999999999999999999</pubDate></item>")
               + item(server.url, "g2", "Normal", "/b.mp3").replace(
                   "</item>", "<pubDate>Fri, 31 Dec 9999 23:59:59 GMT</pubDate></item>"))
    from webapp.core.feeds.reading import read_feed

    feed = read_feed(body.encode())
    assert [i.published for i in feed.items] == [None, None]
    assert sum("in the future" in w for w in feed.warnings) == 2


def test_a_gzip_body_sent_despite_identity_is_read(server):
    server.add("/z.xml", gzip.compress(b"<rss>hello</rss>"), "application/rss+xml",
               headers={"Content-Encoding": "gzip"})
    assert fetching.get(server.url + "/z.xml", Limits(max_bytes=1024, allow_private=True)).body == b"<rss>hello</rss>"
    server.add("/bomb.xml", gzip.compress(b" " * 4096), "application/rss+xml",
               headers={"Content-Encoding": "gzip"})
    with pytest.raises(FetchError, match="unpacks to more than"):
        fetching.get(server.url + "/bomb.xml", Limits(max_bytes=1024, allow_private=True))


# ---- the hostile-feed corpus ------------------------------------------------------------------

CORPUS = {
    "attribute bomb": lambda base: rss("<item " + " ".join(f'a{n}="1"' for n in range(5000)) + "/>"),
    "deep nesting": lambda base: rss("<x>" * 500 + "</x>" * 500),
    "entity bomb": lambda base: (FIXTURES / "feeds" / "billion_laughs.xml").read_text(),
    "unknown encoding": lambda base: '<?xml version="1.0" encoding="x-none"?>' + rss(item(base, "g", "E")),
    "not a feed": lambda base: "<html><body>hello</body></html>",
    "binary": lambda base: "\x00\x01\x02" * 1000,
    "future date": lambda base: rss(item(base, "g", "F").replace("</item>", "<pubDate>Fri, 31 Dec 9999 23:59:59 GMT</pubDate></item>")),
    "internal enclosure": lambda base: rss(item("http://127.0.0.1:1", "g", "Inside")),
    "metadata enclosure": lambda base: rss(item("http://169.254.169.254", "g", "Cloud")),
    "good": lambda base: rss(item(base, "g", "Good")),
}


@pytest.mark.parametrize("name", sorted(CORPUS))
def test_hostile_feed_corpus_ends_in_one_line_or_an_import(tmp_path, server, monkeypatch, name):
    pretend_public(monkeypatch, "127.0.0.1")      # the server stands in for a public host
    server.add("/feed.xml", CORPUS[name](server.url), "application/rss+xml")
    code, out, err = cli("import-feed", server.url + "/feed.xml", "--media", tmp_path)
    assert "Traceback" not in err
    lines = [line for line in err.splitlines() if not line.startswith("warning:")]
    if code == 2:
        assert len(lines) == 1 and lines[0].startswith("error:"), err
    else:
        assert code == 0 and lines[-1].startswith(("Show:", "error:")) or "added" in err, err
    if name in ("internal enclosure", "metadata enclosure"):
        assert "refused" in err and not Library(tmp_path).episodes()
    if name == "good":
        assert len(Library(tmp_path).episodes()) == 1
