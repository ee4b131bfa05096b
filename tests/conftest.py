"""Fixtures shared across test modules. Helpers live in support.py."""
from __future__ import annotations

import html
import io
import json
import os
import shutil
import subprocess

import pytest

from support import FIXTURES, REPO, LiveServer, launch_chromium, make_audio, seed_or_skip


@pytest.fixture(scope="session")
def seed_library(tmp_path_factory):
    """A library holding the seed transcript as episode 'seed' with 2 h 06 min of audio."""
    from webapp.core.episodes import Library

    seed = seed_or_skip()
    root = tmp_path_factory.mktemp("seed-library")
    audio = make_audio(root.parent / "seed-audio.mp3", 7560)
    Library(root).add(str(seed), str(audio), title="Mark Zuckerberg: Meta, Facebook & the Metaverse",
                      slug="seed")
    return root


@pytest.fixture(scope="session")
def seed_server(seed_library):
    """The app on the seed library, served on loopback for the browser tests."""
    from webapp import create_app

    app = create_app({"TESTING": True, "MEDIA_DIR": str(seed_library)})
    with LiveServer(app) as server:
        yield server


@pytest.fixture(scope="session")
def browser():
    playwright_api = pytest.importorskip("playwright.sync_api")
    with playwright_api.sync_playwright() as playwright:
        chromium = launch_chromium(playwright)
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    yield page
    context.close()


# --- conversion core: fixture files, the seed, the W3C validator, webvtt-py -------------

@pytest.fixture(scope="session")
def fixtures_dir():
    """The folder of small hand-written transcripts (tests/fixtures)."""
    return FIXTURES


@pytest.fixture(scope="session")
def seed_path():
    """The reference transcript in ../shared/seeds; skips the test when it is absent."""
    return seed_or_skip()


@pytest.fixture(scope="session")
def validate_vtt():
    """``validate_vtt(text) -> {"errors": [...], "cues": N}``: the W3C ``webvtt-parser`` in
    'subtitles' mode (tests/vtt_validate.mjs). Skips if Node or the package is missing;
    fails instead when the CI environment variable is set."""
    node = shutil.which("node")
    if node is None:
        problem = "Node.js ('node') is not on PATH"
    elif not (REPO / "node_modules" / "webvtt-parser").is_dir():
        problem = f"the npm package webvtt-parser is not in {REPO / 'node_modules'}"
    else:
        problem = None
    if problem:
        message = f"W3C WebVTT validator unavailable: {problem}; install Node.js, run `npm ci`"
        if os.environ.get("CI"):
            pytest.fail(message, pytrace=False)
        pytest.skip(message)
    script = REPO / "tests" / "vtt_validate.mjs"

    def validate(text: str) -> dict:
        proc = subprocess.run([node, str(script)], input=text.encode("utf-8"),
                              capture_output=True, cwd=REPO, timeout=120)
        if proc.returncode != 0:
            pytest.fail(f"{script.name} exited {proc.returncode}: "
                        f"{proc.stderr.decode(errors='replace')}", pytrace=False)
        return json.loads(proc.stdout)

    return validate


@pytest.fixture(scope="session")
def read_vtt_back():
    """``read_vtt_back(text)`` -> ``[(start_ms, end_ms, voice, text), ...]`` as webvtt-py
    reads the WebVTT, entities unescaped; voice is None for a cue without ``<v>``."""
    import webvtt

    def read(text: str) -> list:
        return [(c.start_time.in_milliseconds(), c.end_time.in_milliseconds(),
                 None if c.voice is None else html.unescape(c.voice), html.unescape(c.text))
                for c in webvtt.from_buffer(io.StringIO(text)).captions]

    return read


# ---- the two engines: SQLite, and PostgreSQL in a temporary cluster -------------------------
# A module runs every test on both with `pytestmark = pytest.mark.usefixtures("engine")`;
# a test about SQLite's own file is marked `sqlite_only`.

def pytest_generate_tests(metafunc):
    if "engine" in metafunc.fixturenames:
        only = metafunc.definition.get_closest_marker("sqlite_only")
        metafunc.parametrize("engine", ["sqlite"] if only else ["sqlite", "postgres"],
                             indirect=True)


@pytest.fixture(scope="session")
def pg_cluster():
    """One PostgreSQL server for the session, on a loopback port of its own, with a template
    database holding the current schema. Without one: a failure under CI, else a skip
    saying why."""
    from pg_cluster import ClusterUnavailable, TempCluster
    from webapp.core.search import pg_store

    try:
        cluster = TempCluster().start()
    except ClusterUnavailable as error:
        if os.environ.get("CI"):
            pytest.fail(f"CI runs every test on PostgreSQL too, and none could start: {error}")
        pytest.skip(f"PostgreSQL half skipped: no server could be started here ({error})")
    try:
        pg_store.upgrade(cluster.create_database("listenalong_template"))
        yield cluster
    finally:
        pg_store.close_pools()
        cluster.stop()


_databases = iter(range(1, 1_000_000))


@pytest.fixture
def pg_database(pg_cluster):
    """A fresh database of the current schema; its URL."""
    from webapp.core.search import pg_store

    url = pg_cluster.create_database(f"test_{os.getpid()}_{next(_databases)}",
                                     template="listenalong_template")
    yield url
    pg_store.close_pools(url)


@pytest.fixture
def engine(request, monkeypatch):
    """``sqlite`` or ``postgres``: LISTENALONG_DATABASE_URL set (to a fresh database) or not,
    for the test and whatever it starts."""
    if request.param == "postgres":
        monkeypatch.setenv("LISTENALONG_DATABASE_URL", request.getfixturevalue("pg_database"))
    else:
        monkeypatch.delenv("LISTENALONG_DATABASE_URL", raising=False)
    return request.param
