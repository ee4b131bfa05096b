"""Our feed out (issue 13): /feed.xml is a podcast feed of the library whose items carry
every transcript and the chapters, served with CORS and validators; imported by our own
importer into a second library, it gives the same episodes, transcripts and chapters."""
from __future__ import annotations

import shutil
import urllib.request

import feedparser
import pytest

from support import FIXTURES, REPO, LiveServer, make_audio
from webapp import create_app
from webapp.core.feeds import Options, import_feed
from webapp.core.feeds.reading import read_feed
from webapp.core.episodes import Library


@pytest.fixture(scope="module")
def first_library(tmp_path_factory):
    """The demo (aligned, with chapters) and an episode with people, soundbites and a
    title that needs escaping."""
    root = tmp_path_factory.mktemp("feed-out")
    shutil.copytree(REPO / "media" / "welcome", root / "welcome")
    audio = make_audio(root.parent / "garden.mp3", 70)
    library = Library(root)
    library.add(str(FIXTURES / "feeds" / "3.html"), str(audio), title="Beds <&> \x0bcedar",
                slug="beds")
    episode = library.load("beds")
    episode.people = [{"name": "Rosa Delgado", "role": "host", "group": "cast",
                       "href": "https://e.org/rosa", "img": ""}]
    episode.soundbites = [{"start": 9.0, "duration": 12.5, "title": "Ten years"}]
    (root / "beds" / "episode.json").write_text(episode.to_json())
    return root


@pytest.fixture(scope="module")
def site(first_library):
    with LiveServer(create_app({"TESTING": True, "MEDIA_DIR": str(first_library)})) as server:
        yield server


def fetch(url: str, **headers):
    request = urllib.request.Request(url, headers=headers)
    try:
        with urllib.request.urlopen(request) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), b""


def test_the_feed_is_valid_rss_with_every_transcript_tag(site):
    status, headers, body = fetch(site.url + "/feed.xml")
    assert status == 200 and headers["Content-Type"].startswith("application/rss+xml")
    parsed = feedparser.parse(body)
    assert not parsed.bozo and parsed.version == "rss20"
    assert {e.title for e in parsed.entries} == {"Welcome to Listenalong", "Beds <&> cedar"}
    feed = read_feed(body)    # our namespace pass: all of them, not only the last
    welcome = next(i for i in feed.items if i.title == "Welcome to Listenalong")
    assert [(t.url.split("/")[-1], t.type) for t in welcome.tags.transcripts] == [
        ("transcript.json", "application/json"), ("transcript.vtt", "text/vtt"),
        ("transcript.srt", "application/srt"), ("transcript.json?words=1", "application/json")]
    assert welcome.tags.chapters == site.url + "/episodes/welcome/chapters.json"
    assert welcome.audio_type == "audio/mpeg" and welcome.duration == 219
    assert welcome.audio_length == (REPO / "media" / "welcome" / "audio.mp3").stat().st_size
    beds = next(i for i in feed.items if i.title.startswith("Beds"))
    assert len(beds.tags.transcripts) == 3 and not beds.tags.chapters   # no words, no chapters
    assert [(p.name, p.href) for p in beds.tags.persons] == [("Rosa Delgado", "https://e.org/rosa")]
    # the library page and every page point feed readers at it
    assert b'type="application/rss+xml"' in fetch(site.url + "/")[2]


@pytest.mark.parametrize("path", ["/feed.xml", "/episodes/welcome/transcript.json",
                                  "/episodes/welcome/transcript.vtt", "/episodes/welcome/transcript.srt",
                                  "/episodes/welcome/transcript.json?words=1",
                                  "/episodes/welcome/chapters.json"])
def test_files_have_validators_and_transcripts_cors(site, path):
    status, headers, _ = fetch(site.url + path)
    assert status == 200 and headers.get("ETag")
    if path != "/feed.xml":
        assert headers["Access-Control-Allow-Origin"] == "*"
    again, _, body = fetch(site.url + path, **{"If-None-Match": headers["ETag"]})
    assert again == 304 and body == b""


def test_chapters_json_is_podcasting_2(site):
    import json

    status, headers, body = fetch(site.url + "/episodes/welcome/chapters.json")
    data = json.loads(body)
    assert data["version"] == "1.2.0" and data["chapters"][1] == {"startTime": 17.34, "title": "The basics"}
    assert fetch(site.url + "/episodes/beds/chapters.json")[0] == 404


def test_the_feed_round_trips_into_a_second_library(site, first_library, tmp_path):
    second = Library(tmp_path)
    report = import_feed(second, site.url + "/feed.xml", Options(allow_private=True))
    assert [o.kind for o in report.outcomes] == ["added", "added"], report.outcomes
    first = Library(first_library)
    for original in first.episodes():
        title = original.title.replace("\x0b", "")    # not a character XML can hold
        copy = next(e for e in second.episodes() if e.title == title)
        assert copy.guid == site.url + f"/episodes/{original.slug}"
        assert (copy.duration, copy.speakers, copy.notes, copy.people, copy.soundbites) == (
            original.duration, original.speakers, original.notes, original.people, original.soundbites)
        assert second.transcript(copy.slug).cues == first.transcript(original.slug).cues
        assert second.chapters(copy.slug) == first.chapters(original.slug)
        assert copy.transcript == "original.json"      # the best of the four
        assert (tmp_path / copy.slug / copy.audio).read_bytes() == \
            (first_library / original.slug / original.audio).read_bytes()
    # and again: nothing new
    assert import_feed(second, site.url + "/feed.xml", Options(allow_private=True)).unchanged
