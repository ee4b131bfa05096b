"""webapp/core/preferences.py reads the cookie static/js/prefs.js writes: both run the
table tests/fixtures/prefs_cases.json (tests/js/prefs.test.mjs)."""
from __future__ import annotations

import json

import pytest

from support import FIXTURES
from webapp.core.preferences import MAX_COOKIE, parse

CASES = json.loads((FIXTURES / "prefs_cases.json").read_text("utf-8"))


@pytest.mark.parametrize("case", CASES["written"] + CASES["read"], ids=lambda c: c["cookie"][:40] or "empty")
def test_a_cookie_renders_the_attributes_the_panel_shows(case):
    assert parse(case["cookie"]).html_attributes() == case["attributes"]


def test_a_cookie_longer_than_ours_is_not_ours():
    assert parse("theme=dark&" + "x" * MAX_COOKIE) == parse(None)
