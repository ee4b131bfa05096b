#!/usr/bin/env python3
"""Render the lock-screen artwork (static/artwork-512.png) from static/favicon.svg.

Lock screens and notification shades (the Media Session API) and home-screen icons want
a PNG: Android's media notification shows no SVG artwork. The PNG is the favicon's mark,
centred on the accent's soft tint, drawn by Debian's Chromium through Playwright (both
already needed by the tests), written atomically.

    .venv/bin/python scripts/make_artwork.py
"""
from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))

from support import launch_chromium  # noqa: E402

from webapp.core.atomic import replacing  # noqa: E402

SIZE = 512
PAGE = """<!doctype html><html><head><style>
body {{ margin: 0; }} div {{ width: {size}px; height: {size}px; display: grid; place-items: center;
background: #efeafc; }} svg {{ width: 62%; height: 62%; }}</style></head>
<body><div>{svg}</div></body></html>"""


def main() -> int:
    from playwright.sync_api import sync_playwright

    svg = (ROOT / "static" / "favicon.svg").read_text("utf-8").strip()
    target = ROOT / "static" / f"artwork-{SIZE}.png"
    with sync_playwright() as playwright:
        browser = launch_chromium(playwright)
        try:
            page = browser.new_page(viewport={"width": SIZE, "height": SIZE})
            page.set_content(PAGE.format(size=SIZE, svg=svg))
            png = page.screenshot(clip={"x": 0, "y": 0, "width": SIZE, "height": SIZE})
        finally:
            browser.close()
    with replacing(target) as temp:
        Path(temp).write_bytes(png)
    print(f"wrote {target.relative_to(ROOT)} ({len(png)} bytes)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
