"""Fixtures shared across test modules. Helpers live in support.py."""
from __future__ import annotations

import pytest

from support import LiveServer, launch_chromium, make_audio, seed_or_skip


@pytest.fixture(scope="session")
def seed_library(tmp_path_factory):
    """A library holding the seed transcript as episode 'seed' with 2 h 06 min of audio."""
    from webapp.core.library import Library

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
