"""A reader's preferences (theme, text size, line width, follow, highlight, shortcuts,
headphone capture).

They are kept per browser in one cookie, written by static/js/prefs.js as a query string
(``theme=dark&size=large&follow=0``), so the server can render the page in them from the
first byte: no flash of the wrong theme, no script in the head. Anything unknown in the
cookie is ignored; a value that is not one of a setting's choices leaves its default.
"""
from __future__ import annotations

from dataclasses import dataclass, fields
from urllib.parse import parse_qsl

COOKIE = "listenalong_prefs"
MAX_COOKIE = 300  # ours is under 100 characters; a longer one is not ours
CHOICES = {
    "theme": ("system", "light", "dark"),
    "size": ("small", "normal", "large", "larger"),
    "width": ("narrow", "normal", "wide"),
}
SWITCHES = ("follow", "highlight", "shortcuts", "capture")


@dataclass(frozen=True)
class Preferences:
    theme: str = "system"
    size: str = "normal"
    width: str = "normal"
    follow: bool = True
    highlight: bool = True
    shortcuts: bool = True
    capture: bool = True   # the headphones' next-track press saves a highlight

    def html_attributes(self) -> dict[str, str]:
        """The data attributes of <html> that the stylesheet and scripts read."""
        shown = {name: getattr(self, name) for name in CHOICES}
        shown.update({name: "on" if getattr(self, name) else "off" for name in SWITCHES})
        return shown


def parse(cookie: str | None) -> Preferences:
    """The preferences a cookie holds; the defaults for whatever it lacks or garbles."""
    if not cookie or len(cookie) > MAX_COOKIE:
        return Preferences()
    given = dict(parse_qsl(cookie, keep_blank_values=True))
    values = {}
    for field in fields(Preferences):
        raw = given.get(field.name)
        if field.name in CHOICES and raw in CHOICES[field.name]:
            values[field.name] = raw
        elif field.name in SWITCHES and raw in ("0", "1"):
            values[field.name] = raw == "1"
    return Preferences(**values)
