"""Reading feeds (issue 13): feedparser for the items, our own defusedxml pass for every
Podcasting 2.0 tag, and the order transcripts are tried in."""
from __future__ import annotations

import pytest

from support import FIXTURES
from webapp.core.feeds.podcast_tags import TranscriptLink, read_podcast_tags
from webapp.core.feeds.reading import FeedError, plain_text, read_duration, read_feed
from webapp.core.feeds.transcripts import declared_kind, ranked

GARDEN = (FIXTURES / "feeds" / "garden.xml").read_bytes().replace(b"{base}", b"http://h")


def test_every_transcript_of_an_item_is_read_not_only_the_last():
    import feedparser

    # feedparser alone keeps one: why the second pass exists
    assert feedparser.parse(GARDEN).entries[0]["podcast_transcript"]["url"] == "http://h/t/1.vtt"
    tags = read_podcast_tags(GARDEN)["garden-1"]
    assert [(t.url, t.type, t.language) for t in tags.transcripts] == [
        ("http://h/t/1.srt", "application/srt", ""), ("http://h/t/1.json", "application/json", "en"),
        ("http://h/t/1.vtt", "text/vtt", "")]
    assert tags.chapters == "http://h/c/1.json"
    assert [(p.name, p.role, p.href) for p in tags.persons] == [
        ("Rosa Delgado", "host", "https://garden.example.org/rosa"), ("Tom Okafor", "guest", "")]
    assert [(s.start, s.duration, s.title) for s in tags.soundbites] == [(20.0, 15.5, "Cedar lasts ten years")]


def test_items_carry_their_enclosure_date_notes_and_tags():
    feed = read_feed(GARDEN)
    assert feed.title == "The Garden Hour" and len(feed.items) == 5
    first = feed.items[0]
    assert (first.key, first.audio_url, first.audio_type, first.duration) == (
        "garden-1", "http://h/audio/1.mp3", "audio/mpeg", 60.0)
    assert first.published.isoformat() == "2026-11-02T10:00:00+00:00"
    assert first.notes == "Rosa and Tom on raised beds."
    assert len(first.tags.transcripts) == 3
    assert feed.items[1].notes.splitlines()[1:] == ["0:00 – Hello", "(0:25) Staking", "[0:40] Questions"]


def test_a_feed_that_is_not_well_formed_still_gives_its_items():
    broken = GARDEN.replace(b"<title>The Garden Hour</title>", b"<title>The Garden &nbsp; Hour</title>")
    feed = read_feed(broken)
    assert len(feed.items) == 5 and "not well-formed" in feed.warnings[0]
    # feedparser's own (last) transcript is what is left
    assert [t.url for t in feed.items[0].tags.transcripts] == ["http://h/t/1.vtt"]


def test_atom_feeds_read_too():
    atom = b"""<?xml version="1.0"?><feed xmlns="http://www.w3.org/2005/Atom"><title>A</title>
      <entry><title>One</title><id>urn:1</id><updated>2026-01-02T00:00:00Z</updated>
      <link rel="enclosure" href="http://h/1.mp3" type="audio/mpeg"/></entry></feed>"""
    item = read_feed(atom).items[0]
    assert (item.key, item.audio_url) == ("urn:1", "http://h/1.mp3")


@pytest.mark.parametrize("data, says", [
    (b"<!DOCTYPE html><html><head></head><body>hi</body></html>", "HTML page, not a podcast feed; give"),
    (b"", "not an RSS or Atom feed"),
    (b'<?xml version="1.0"?><!DOCTYPE r [<!ENTITY a "b">]><rss><channel/></rss>', "declares XML entities"),
    (b'<?xml version="1.0"?><!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/passwd">]><rss>&x;</rss>',
     "declares XML entities"),
])
def test_unusable_feeds_say_why(data, says):
    with pytest.raises(FeedError) as caught:
        read_feed(data)
    assert says in str(caught.value)


def test_transcripts_are_tried_json_vtt_srt_html_text_then_unknown():
    links = [TranscriptLink(u, t) for u, t in [
        ("http://h/a", "text/plain"), ("http://h/b.srt", ""), ("http://h/c", "text/html"),
        ("http://h/d", "application/x-unknown"), ("http://h/e", "text/vtt"),
        ("http://h/f", "application/json"), ("http://h/g", "application/srt")]]
    assert [link.url[-3:].strip("/") for link in ranked(links)] == [
        "h/f", "h/e", "srt", "h/g", "h/c", "h/a", "h/d"]
    assert declared_kind(TranscriptLink("http://h/x.VTT?sig=1", "")) == "vtt"


@pytest.mark.parametrize("value, seconds", [("3600", 3600), ("1:02:03", 3723), ("62:03", 3723),
                                            ("", None), ("soon", None), ("-5", None)])
def test_itunes_duration(value, seconds):
    assert read_duration(value) == seconds


def test_html_notes_become_plain_text():
    assert plain_text("<p>One &amp; <b>two</b></p><p>Three<br>four</p>") == "One & two\n\nThree\nfour"
