"""Several transcripts per episode, and search in every script (issue 26, its second part).

One episode, "The lighthouse" (tests/fixtures/lighthouse/: the same five paragraphs in
English, German, Russian, Chinese, Japanese, Arabic and Hebrew, written for these tests),
added with ``--transcript FILE --language CODE``: its page in each language (``?lang=``),
the switcher, links that keep the language, library search on SQLite and PostgreSQL
(Chinese and Japanese words inside sentences), the feed listing each language, and an
import of that feed keeping them all.
"""
from __future__ import annotations

import json
import re
import urllib.request
from xml.etree import ElementTree

import pytest

from support import FIXTURES, LiveServer, make_audio
from test_accessibility import assert_clean
from test_library_cli import run
from webapp import create_app
from webapp.core.episodes import Library
from webapp.core.feeds.importing import Options, import_feed
from webapp.core.feeds.podcast_tags import PODCAST_NS, TranscriptLink
from webapp.core.feeds.transcripts import by_language
from webapp.core.search.query import parse_query
from webapp.core.search.segmenting import segment, unsegment

LIGHTHOUSE = FIXTURES / "lighthouse"
OTHERS = ("de", "ru", "zh", "ja", "ar", "he")
READY = "() => performance.getEntriesByName('listenalong:ready').length > 0"


@pytest.fixture(scope="module")
def mp3(tmp_path_factory):
    return make_audio(tmp_path_factory.mktemp("languages-audio") / "sea.mp3", 45)


def add_lighthouse(media, mp3, slug="lighthouse"):
    return Library(media).add(str(LIGHTHOUSE / "en.vtt"), str(mp3), "The lighthouse", slug=slug,
                              language="en",
                              others=[(str(LIGHTHOUSE / f"{tag}.vtt"), tag) for tag in OTHERS])


@pytest.fixture(scope="module")
def media(tmp_path_factory, mp3):
    root = tmp_path_factory.mktemp("languages-media")
    add_lighthouse(root, mp3)
    Library(root).add(str(FIXTURES / "lang_chinese.vtt"), str(mp3), "灯塔", slug="deng")
    return root


@pytest.fixture
def client(media):
    return create_app({"TESTING": True, "MEDIA_DIR": str(media)}).test_client()


# ---- adding ----------------------------------------------------------------------------------

def test_add_takes_a_transcript_per_language(tmp_path, mp3):
    media = tmp_path / "media"
    added = run("add", LIGHTHOUSE / "en.vtt", "--audio", mp3, "--language", "en",
                "--transcript", LIGHTHOUSE / "de.vtt", "--language", "de",
                "--transcript", LIGHTHOUSE / "zh.vtt",            # told from its script
                "--transcript", LIGHTHOUSE / "ru.vtt", "--language", "RU", media=media)
    assert added.returncode == 0, added.stderr
    record = json.loads((media / "en" / "episode.json").read_text("utf-8"))
    assert record["language"] == "en"
    assert [(o["language"], o["vtt"]) for o in record["other_transcripts"]] == \
        [("de", "transcript.de.vtt"), ("zh", "transcript.zh.vtt"), ("ru", "transcript.ru.vtt")]
    assert (media / "en" / "original.ru.vtt").read_bytes() == (LIGHTHOUSE / "ru.vtt").read_bytes()
    opened = Library(media).open_language("en", "zh")
    assert opened.transcript.cues[2].text == "冬天的风暴摇晃着灯，但灯光从未熄灭。"
    assert opened.words.entries == [None] * 5          # never aligned
    assert run("list", media=media).stdout.endswith("\ten + de + zh + ru\n")


@pytest.mark.parametrize("args,says", [
    (["--transcript", LIGHTHOUSE / "ru.vtt"], "give it with --language CODE after --transcript"),
    (["--language", "en", "--transcript", LIGHTHOUSE / "de.vtt", "--language", "en"],
     "two transcripts are in en"),
    (["--transcript", LIGHTHOUSE / "de.vtt", "--language", "deutsch!"], "not a language code"),
    (["--transcript", FIXTURES / "bad_syntax.json", "--language", "de"], "bad_syntax.json"),
])
def test_a_wrong_transcript_is_one_line_and_nothing_is_added(tmp_path, mp3, args, says):
    media = tmp_path / "media"
    added = run("add", LIGHTHOUSE / "en.vtt", "--audio", mp3, *args, media=media)
    assert added.returncode == 2 and added.stderr.count("\n") == 1, added.stderr
    assert says in added.stderr and "Traceback" not in added.stderr
    assert not media.exists() or not [p for p in media.iterdir() if not p.name.startswith(".")]


def test_a_rewrite_of_the_episode_keeps_its_other_languages(tmp_path, mp3):
    library = Library(tmp_path)
    episode, _ = add_lighthouse(tmp_path, mp3)
    episode.title = "The old lighthouse"
    library.update(episode)
    again = Library(tmp_path)
    assert [o["language"] for o in again.load("lighthouse").other_transcripts] == list(OTHERS)
    assert again.open_language("lighthouse", "he").transcript.cues[0].text.startswith("ברוכים השבים")


def test_a_damaged_vtt_of_another_language_is_made_again_from_its_original(tmp_path, mp3):
    add_lighthouse(tmp_path, mp3)
    (tmp_path / "lighthouse" / "transcript.ja.vtt").write_text("not a vtt", "utf-8")
    opened = Library(tmp_path).open_language("lighthouse", "ja")
    assert opened.transcript.cues[3].text.startswith("東京やハンブルクの船")
    assert (tmp_path / "lighthouse" / "transcript.ja.vtt").read_text("utf-8").startswith("WEBVTT")


# ---- the page --------------------------------------------------------------------------------

def test_the_page_shows_the_language_asked_for(client):
    page = client.get("/episodes/lighthouse?lang=ar").get_data(as_text=True)
    assert '<section class="transcript" aria-labelledby="transcript-heading" lang="ar" dir="rtl">' in page
    assert "أهلاً بعودتكم" in page and "Welcome back" not in page
    assert 'data-lang="ar"' in page and "data-words-url" not in page
    assert '<span lang="ar" dir="auto">آن · بن</span>' in page          # its own speakers
    english = client.get("/episodes/lighthouse").get_data(as_text=True)
    assert 'lang="en" dir="ltr"' in english and "Welcome back" in english
    assert "data-lang=" not in re.search(r"<main [^>]*>", english).group(0)


def test_the_switcher_names_each_language_in_itself(client):
    page = client.get("/episodes/lighthouse?lang=ja").get_data(as_text=True)
    links = re.findall(r'<a class="chapter-link language-link" href="([^"]+)" hreflang="([^"]+)"'
                       r'[^>]*?( aria-current="true")?><span lang="[^"]+" dir="(\w+)">([^<]+)</span>', page)
    assert [(href, tag, bool(now), own) for href, tag, now, _, own in links] == [
        ("/episodes/lighthouse", "en", False, "English"),
        ("/episodes/lighthouse?lang=de", "de", False, "Deutsch"),
        ("/episodes/lighthouse?lang=ru", "ru", False, "Русский"),
        ("/episodes/lighthouse?lang=zh", "zh", False, "中文"),
        ("/episodes/lighthouse?lang=ja", "ja", True, "日本語"),
        ("/episodes/lighthouse?lang=ar", "ar", False, "العربية"),
        ("/episodes/lighthouse?lang=he", "he", False, "עברית")]
    assert [d for *_, d, _ in links][-2:] == ["rtl", "rtl"]
    assert 'class="languages-now" lang="ja">日本語<' in page
    assert "languages-menu" not in client.get("/episodes/deng").get_data(as_text=True)


def test_links_keep_the_language(client):
    page = client.get("/episodes/lighthouse?lang=zh&t=9").get_data(as_text=True)
    assert 'href="?t=8&amp;lang=zh#cue-2"' in page                  # the cues' time links
    assert '<meta property="og:url" content="http://localhost/episodes/lighthouse?t=9&amp;lang=zh">' in page
    assert '<meta property="og:description" content="本: “守塔人每天晚上都要数二百一十二级台阶。”">' in page
    assert 'href="/episodes/lighthouse/transcript.vtt?lang=zh"' in page
    assert 'hreflang="de">WebVTT in <span lang="de">Deutsch</span>' in page
    embed = client.get("/episodes/lighthouse/embed?lang=he&t=20").get_data(as_text=True)
    assert 'lang="he" dir="rtl"' in embed and 'data-lang="he"' in embed
    described = client.get("/oembed", query_string={
        "url": "http://localhost/episodes/lighthouse?t=9&lang=ja"}).get_json()
    assert 'src="http://localhost/episodes/lighthouse/embed?t=9&amp;lang=ja"' in described["html"]


def test_a_language_it_does_not_have_shows_the_main_transcript_and_says_so(client):
    page = client.get("/episodes/lighthouse?lang=fr")
    text = page.get_data(as_text=True)
    assert page.status_code == 200 and "Welcome back" in text
    assert "This episode has no transcript in French; showing the English transcript." in text
    hostile = client.get("/episodes/lighthouse", query_string={"lang": '"><script>x</script>'})
    assert hostile.status_code == 200 and b"<script>x" not in hostile.data


def test_each_language_s_files_and_the_w3c_validator(client, validate_vtt, read_vtt_back):
    for tag in OTHERS:
        vtt = client.get(f"/episodes/lighthouse/transcript.vtt?lang={tag}")
        assert vtt.status_code == 200 and vtt.headers["Content-Type"].startswith("text/vtt")
        body = vtt.get_data(as_text=True)
        given = read_vtt_back((LIGHTHOUSE / f"{tag}.vtt").read_text("utf-8"))
        assert read_vtt_back(body) == given
        checked = validate_vtt(body)
        assert checked["errors"] == [] and checked["cues"] == 5, (tag, checked)
    text = client.get("/episodes/lighthouse/transcript.txt?lang=ru&download=1")
    assert "Смотритель каждую ночь" in text.get_data(as_text=True)
    assert text.headers["Content-Disposition"] == 'attachment; filename="lighthouse.ru.txt"'
    words = client.get("/episodes/lighthouse/transcript.json?lang=de&words=1").get_json()
    assert "Wärter" in json.dumps(words, ensure_ascii=False)


# ---- search, on both engines -----------------------------------------------------------------

# (query, the (language, cue) pairs it finds): words inside Chinese and Japanese sentences,
# Arabic and Hebrew with their article, Russian and German (accents folded)
KNOWN = [
    ("灯塔", {("zh", 1)}), ("守塔人", {("zh", 2), ("zh", 5)}), ("光束", {("zh", 4)}),
    ("熄灭", {("zh", 3)}), ("灯台守", {("ja", 2), ("ja", 5)}), ("ランプ", {("ja", 3)}),
    ("ハンブルク", {("ja", 4)}), ("المنارة", {("ar", 1)}), ("المصباح", {("ar", 3)}),
    ("המגדלור", {("he", 1)}), ("המנורה", {("he", 3)}), ("маяк", {("ru", 1)}),
    ("смотритель", {("ru", 2)}), ("Leuchtturm", {("de", 1)}), ("Warter", {("de", 2)}),
    ("Wärters", {("de", 5)}), ("Tokio Hamburg", {("de", 4)}), ("lighthouse", {("en", 1)}),
    ("lighthouses", {("en", 1)}), ("东京", {("zh", 4)}),
]
# English is stemmed, the other languages matched word for word (search/stemming.py): the
# Porter stemmer would make German "Stürme" (storms) "sturm", and Russian it leaves alone
NOT_STEMMED = ["Sturm", "смотрителю"]


@pytest.mark.usefixtures("engine")
def test_library_search_finds_every_script(client):
    for query, wanted in KNOWN:
        results = client.get("/api/search", query_string={"q": query}).get_json()["results"]
        found = {(r["language"], r["cue"]) for r in results if r["episode"] == "lighthouse"}
        assert found == wanted, query
    for query in NOT_STEMMED:
        assert client.get("/api/search", query_string={"q": query}).get_json()["results"] == [], query
    deng = client.get("/api/search", query_string={"q": "守塔人"}).get_json()["results"]
    assert [(r["episode"], r["url"]) for r in deng if r["episode"] == "deng"] == [("deng", "/episodes/deng?t=6")]


@pytest.mark.usefixtures("engine")
def test_a_result_names_its_language_and_opens_the_page_in_it(client):
    result = client.get("/api/search", query_string={"q": "ランプ"}).get_json()["results"][0]
    assert result["url"] == "/episodes/lighthouse?t=16&lang=ja"
    assert "冬には嵐がランプを揺らしましたが、明かりが消える" in result["snippet"]
    start, end = result["highlights"][0]
    assert result["snippet"][start:end] == "ランプ"
    english = client.get("/api/search", query_string={"q": "lighthouse"}).get_json()["results"][0]
    assert english["url"] == "/episodes/lighthouse?t=0" and english["language"] == "en"
    page = client.get("/search", query_string={"q": "灯台"}).get_data(as_text=True)
    assert '<span class="search-hit-language">Japanese</span>' in page
    assert '<span class="search-hit-text" lang="ja" dir="auto">' in page
    assert 'href="/episodes/lighthouse?t=8&amp;lang=ja"' in page


def test_close_written_text_is_searched_character_by_character():
    assert segment("今天我们聊聊灯塔。") == "今\x1f天\x1f我\x1f们\x1f聊\x1f聊\x1f灯\x1f塔。"
    assert segment("서울에서 만나요") == "서\x1f울\x1f에\x1f서 만\x1f나\x1f요"
    assert segment("iPhone手机 2024年") == "iPhone\x1f手\x1f机 2024\x1f年"
    assert segment("plain words") == "plain words"
    assert unsegment(segment("東京タワーは高い")) == "東京タワーは高い"
    assert parse_query("灯塔").fts() == '"灯 塔"'
    assert parse_query("서울 -灯").fts() == '("서 울") NOT ("灯")'
    assert parse_query("“守塔人”").terms[0].words == ("守", "塔", "人")


# ---- feeds -----------------------------------------------------------------------------------

def test_the_feed_lists_each_language(client):
    feed = ElementTree.fromstring(client.get("/feed.xml").data)
    item = next(i for i in feed.iter("item") if i.findtext("title") == "The lighthouse")
    tags = [(t.get("url").replace("http://localhost/episodes/lighthouse/", ""), t.get("language"))
            for t in item.iter(f"{{{PODCAST_NS}}}transcript")]
    assert tags[:3] == [("transcript.json", "en"), ("transcript.vtt", "en"), ("transcript.srt", "en")]
    assert ("transcript.vtt?lang=zh", "zh") in tags and ("transcript.srt?lang=he", "he") in tags
    assert len(tags) == 3 * 7


def test_transcripts_are_grouped_by_language():
    links = [TranscriptLink("a.srt", "application/srt"), TranscriptLink("b.json", "application/json", "en"),
             TranscriptLink("c.vtt", "text/vtt", "de"), TranscriptLink("d.vtt", "text/vtt", "EN"),
             TranscriptLink("e.vtt", "text/vtt", "not a code!")]
    main, mine, others = by_language(links)
    assert main == "en" and [l.url for l in mine] == ["a.srt", "b.json", "d.vtt", "e.vtt"]
    assert {k: [l.url for l in v] for k, v in others.items()} == {"de": ["c.vtt"]}
    main, mine, others = by_language(links, "de")     # the channel's language comes first
    assert main == "de" and [l.url for l in mine] == ["a.srt", "c.vtt", "e.vtt"]
    assert list(others) == ["en"]
    assert by_language([TranscriptLink("x.vtt")], "") == ("", [TranscriptLink("x.vtt")], {})


@pytest.fixture(scope="module")
def live(media):
    with LiveServer(create_app({"TESTING": True, "MEDIA_DIR": str(media)})) as server:
        yield server


def test_our_feed_imports_back_with_every_language(tmp_path, live, media):
    report = import_feed(Library(tmp_path), f"{live.url}/feed.xml", Options(allow_private=True))
    added = {o.title: o for o in report.outcomes}
    assert added["The lighthouse"].kind == "added", added["The lighthouse"].detail
    assert "also in de, ru, zh, ja, ar, he" in added["The lighthouse"].detail
    library = Library(tmp_path)
    episode = library.load(added["The lighthouse"].slug)
    assert episode.language == "en" and [o["language"] for o in episode.other_transcripts] == list(OTHERS)
    assert library.load(added["灯塔"].slug).language == "zh"
    for tag in OTHERS:
        theirs = library.open_language(episode.slug, tag).transcript.cues
        ours = Library(media).open_language("lighthouse", tag).transcript.cues
        assert [(c.start, c.text) for c in theirs] == [(c.start, c.text) for c in ours]
    again = import_feed(Library(tmp_path), f"{live.url}/feed.xml", Options(allow_private=True))
    assert [o.kind for o in again.outcomes] == []      # nothing changed: nothing done


# ---- in the browser --------------------------------------------------------------------------

@pytest.mark.browser
def test_switching_language_keeps_the_place_and_the_playing(live, browser):
    context = browser.new_context(viewport={"width": 390, "height": 844}, has_touch=True)
    try:
        page = context.new_page()
        page.goto(f"{live.url}/episodes/lighthouse")
        page.wait_for_function(READY)
        page.evaluate("() => { const a = document.getElementById('player'); a.currentTime = 20; return a.play(); }")
        page.wait_for_function("() => document.getElementById('cue-3').getAttribute('aria-current') === 'true'")
        page.click("#languages-menu summary")
        page.click(".language-link[data-lang='de']")
        page.wait_for_url("**/episodes/lighthouse?lang=de")
        page.wait_for_function(READY)
        page.wait_for_function("() => !document.getElementById('player').paused")
        at = page.evaluate("document.getElementById('player').currentTime")
        assert 20 <= at < 26, at
        assert page.locator("#cue-3 .cue-text").inner_text().startswith("Im Winter")
        page.wait_for_function("() => document.getElementById('cue-3').getAttribute('aria-current') === 'true'")
        # paused in German, switched to Hebrew: the same time, still paused
        page.evaluate("() => { const a = document.getElementById('player'); a.pause(); a.currentTime = 30; }")
        page.click("#languages-menu summary")
        page.click(".language-link[data-lang='he']")
        page.wait_for_url("**/episodes/lighthouse?lang=he")
        page.wait_for_function(READY)
        page.wait_for_function("() => document.getElementById('cue-4').getAttribute('aria-current') === 'true'")
        assert page.evaluate("document.getElementById('player').paused")
        assert abs(page.evaluate("document.getElementById('player').currentTime") - 30) < 0.5
        # a share link made on the Hebrew page keeps the language
        link = page.evaluate("async () => (await import('/static/js/time.js')).momentHref(30, null, 4)")
        assert link == "?t=30&lang=he#cue-4"
    finally:
        context.close()


@pytest.mark.browser
@pytest.mark.parametrize("lang,width", [("ar", 1280), ("he", 390), ("zh", 390), ("ja", 1280), ("ru", 390), ("de", 1280)])
def test_each_language_s_page_is_accessible(live, browser, lang, width, tmp_path):
    context = browser.new_context(viewport={"width": width, "height": 800}, bypass_csp=True)
    try:
        page = context.new_page()
        page.goto(f"{live.url}/episodes/lighthouse?lang={lang}&t=9")
        page.wait_for_function(READY)
        page.screenshot(path=str(tmp_path / f"{lang}-{width}.png"))
        assert page.evaluate("document.querySelector('.transcript').lang") == lang
        assert_clean(page, f"the lighthouse in {lang} at {width} px")
        page.click("#languages-menu summary")
        page.screenshot(path=str(tmp_path / f"{lang}-{width}-switcher.png"))
        assert_clean(page, f"the switcher open on the {lang} page at {width} px", "#languages-menu")
    finally:
        context.close()


@pytest.mark.browser
@pytest.mark.parametrize("lang,typed,marked", [
    ("ja", "灯台", ["灯台"] * 3), ("ru", "смотрител", ["Смотритель", "смотрителя"]),
    ("de", "warter", ["Wärter", "Wärters"]), ("ar", "المنارة", ["المنارة"]), ("he", "המגדלור", ["המגדלור"])])
def test_find_works_in_each_language(live, browser, lang, typed, marked):
    page = browser.new_page(viewport={"width": 1280, "height": 800})
    try:
        page.goto(f"{live.url}/episodes/lighthouse?lang={lang}")
        page.wait_for_function(READY)
        page.click("#find-q")
        page.keyboard.type(typed)
        page.keyboard.press("Enter")
        page.wait_for_function("(n) => document.getElementById('find-status').textContent === `1 of ${n}`",
                               arg=len(marked))
        assert page.evaluate("() => [...document.querySelectorAll('#cues mark')].map(m => m.textContent)") == marked
    finally:
        page.close()


@pytest.mark.browser
@pytest.mark.parametrize("lang,word", [("ar", "المنارة"), ("he", "המגדלור"), ("zh", "灯塔")])
def test_a_highlight_of_a_selection_in_another_language(live, browser, lang, word):
    from test_notebook import SELECT, STORED

    context = browser.new_context(viewport={"width": 1280, "height": 800}, bypass_csp=True)
    try:
        page = context.new_page()
        page.goto(f"{live.url}/episodes/lighthouse?lang={lang}")
        page.wait_for_function("() => document.querySelector('.episode-page').dataset.notebook === 'ready'")
        text = page.locator("#cue-1 .cue-text").inner_text()
        at = text.index(word)
        page.evaluate(SELECT, [1, at, at + len(word), None])
        page.click(".share-pop-highlight")
        page.wait_for_function("() => document.getElementById('notebook-count').textContent === '1'")
        stored = page.evaluate(STORED)
        assert [(h["quote"], h["lang"]) for h in stored] == [(word, lang)]
        marked = page.evaluate("() => [...document.querySelectorAll('#cue-1 .note-mark')].map(m => m.textContent).join('')")
        assert marked == word
    finally:
        context.close()


def test_a_main_transcript_of_unknown_language_is_the_original(tmp_path, mp3):
    Library(tmp_path).add(str(FIXTURES / "garden_chat.txt"), str(mp3), "Garden", slug="garden",
                          others=[(str(LIGHTHOUSE / "de.vtt"), "de")])
    client = create_app({"TESTING": True, "MEDIA_DIR": str(tmp_path)}).test_client()
    page = client.get("/episodes/garden?lang=de").get_data(as_text=True)
    assert '<a class="chapter-link language-link" href="/episodes/garden" data-lang=""><span dir="ltr">Original</span>' \
        ' <span class="language-english">the original language</span></a>' in page
    assert not re.search(r'\s(href)?lang=""', page)
    main = client.get("/episodes/garden").get_data(as_text=True)
    assert '<span class="languages-now">Original</span>' in main
    assert "This episode has no transcript" not in main


def test_episodes_added_and_removed_keep_both_kinds_of_table_whole(tmp_path, mp3):
    import sqlite3

    from webapp.core.search import SearchIndex

    library = Library(tmp_path)
    index = SearchIndex(library, url="")
    library.add(str(FIXTURES / "garden_chat.txt"), str(mp3), "Garden", slug="garden")
    index.rebuild()
    library.on_change = index.changed           # from now on, one episode at a time
    add_lighthouse(tmp_path, mp3)
    index.update("lighthouse")                  # (added by a library of its own)
    assert {(h.language, h.cue) for h in index.search("Leuchtturm")} == {("de", 0)}
    assert {(h.language, h.cue) for h in index.search("lighthouses")} == {("en", 0)}
    library.remove("lighthouse")
    assert index.search("Leuchtturm") == [] and index.search("灯塔") == []
    with sqlite3.connect(index.path) as db:
        for table in ("cues_fts_0", "cues_words_0"):
            db.execute(f"INSERT INTO {table} ({table}) VALUES ('integrity-check')")
        db.execute("CREATE VIRTUAL TABLE temp.words USING fts5vocab(main, cues_words_0, 'row')")
        assert db.execute("SELECT count(*) FROM temp.words").fetchone()[0] == 0   # all taken out
        db.execute("CREATE VIRTUAL TABLE temp.stemmed USING fts5vocab(main, cues_fts_0, 'row')")
        assert db.execute("SELECT count(*) FROM temp.stemmed WHERE term = 'lighthous'").fetchone()[0] == 0
        assert db.execute("SELECT count(*) FROM temp.stemmed WHERE term = 'garden'").fetchone()[0] == 1


@pytest.mark.browser
def test_an_episode_saved_offline_keeps_every_language(browser, media):
    from test_offline import network_gone_after, save_for_offline

    def save(page, server):
        save_for_offline(page, f"{server.url}/episodes/lighthouse?lang=ja")

    with network_gone_after(browser, media, {"width": 1280, "height": 800}, save) as (page, server):
        for asked, lang, first in [("?lang=de&t=16", "de", "Willkommen zurück."),
                                   ("?lang=ja", "ja", "おかえりなさい。"),
                                   ("", "en", "Welcome back."), ("?lang=he", "he", "ברוכים השבים.")]:
            page.goto(f"{server.url}/episodes/lighthouse{asked}")
            page.wait_for_function(READY)
            assert page.evaluate("document.querySelector('.transcript').lang") == lang
            assert page.locator("#cue-1 .cue-text").inner_text().startswith(first)


def test_a_language_whose_files_are_both_damaged_gives_way_to_the_main_one(tmp_path, mp3):
    add_lighthouse(tmp_path, mp3)
    for name in ("transcript.ru.vtt", "original.ru.vtt"):
        (tmp_path / "lighthouse" / name).write_text("garbage", "utf-8")
    client = create_app({"TESTING": True, "MEDIA_DIR": str(tmp_path)}).test_client()
    page = client.get("/episodes/lighthouse?lang=ru")
    assert page.status_code == 200 and b"Welcome back" in page.data
    assert "The Russian transcript can't be shown right now; showing the English transcript." in \
        page.get_data(as_text=True)
    library = Library(tmp_path)
    episode = library.load("lighthouse")
    episode.title = "Renamed"
    library.update(episode)                              # the rest is kept, Russian left out
    assert [o["language"] for o in library.load("lighthouse").other_transcripts] == \
        ["de", "zh", "ja", "ar", "he"]


FEED = """<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:podcast="https://podcastindex.org/namespace/1.0">
<channel><title>Der Leuchtturm</title><link>https://example.org/</link><language>de-de</language>
  <item><title>Folge 1</title><guid isPermaLink="false">f-1</guid>
    <enclosure url="{base}/a.mp3" type="audio/mpeg" length="1000"/>
    <podcast:transcript url="{base}/de.vtt" type="text/vtt"/>
    <podcast:transcript url="{base}/en.vtt" type="text/vtt" language="en"/>
    <podcast:transcript url="{base}/fr.vtt" type="text/vtt" language="fr"/>
    <podcast:transcript url="{base}/ja.srt" type="application/srt" language="ja"/>
    <podcast:transcript url="{base}/ja.vtt" type="text/vtt" language="ja"/>
  </item>
</channel></rss>"""


def test_a_feed_in_several_languages_imports_each_and_says_what_did_not_read(tmp_path, mp3):
    from feed_server import FeedServer
    from webapp.core import read_transcript, render

    with FeedServer() as server:
        server.add("/a.mp3", mp3.read_bytes(), "audio/mpeg")
        for tag in ("de", "en"):
            server.add(f"/{tag}.vtt", (LIGHTHOUSE / f"{tag}.vtt").read_bytes(), "text/vtt")
        server.add("/ja.vtt", b"WEBVTT\n\nnot a cue", "text/vtt")               # (fr: a 404)
        server.add("/ja.srt", render(read_transcript(str(LIGHTHOUSE / "ja.vtt")), "srt"),
                   "application/srt")
        feed = server.add("/feed.xml", FEED.replace("{base}", server.url), "application/rss+xml")
        report = import_feed(Library(tmp_path), feed, Options(allow_private=True))
    [added] = report.outcomes
    assert added.kind == "added", added.detail
    assert "also in en, ja" in added.detail and "its fr transcript could not be read" in added.detail
    episode = Library(tmp_path).load(added.slug)
    assert episode.language == "de-DE"                  # the channel's language: the untagged one
    assert Library(tmp_path).transcript(added.slug).cues[0].text.startswith("Willkommen zurück")
    assert [(o["language"], o["url"].rsplit("/", 1)[1]) for o in episode.other_transcripts] == \
        [("en", "en.vtt"), ("ja", "ja.srt")]           # Japanese: the VTT did not read, the SRT did
    assert "灯台守は毎晩" in Library(tmp_path).open_language(added.slug, "ja").transcript.cues[1].text
