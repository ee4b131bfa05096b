"""HTML transcripts, as Podcasting 2.0 describes them (``type="text/html"``): a speaker in
``<cite>``, a start time in ``<time>``, then the words in ``<p>``::

    <cite>Kevin:</cite>
    <time>0:00</time>
    <p>Welcome to the show.</p>

A ``<p>`` with no ``<time>`` of its own continues the paragraph before it; a ``<time>``'s
``datetime`` attribute (``PT1M5S`` or a clock) wins over its text. Markup inside a
paragraph (links, emphasis) is kept as its text; scripts and styles are dropped. No word
is lost: a ``<time>`` inside a ``<p>`` starts a new paragraph there, and text outside any
``<p>`` (in a ``<span>`` or ``<div>``) is a paragraph of its own after a ``<time>``, else
joins the paragraph before it; text before the first ``<time>`` is named in a warning.
"""
from __future__ import annotations

from html.parser import HTMLParser

from ..errors import InputError, Warn
from ..timecode import parse_duration
from . import Draft, Parsed

_SKIPPED = {"script", "style", "template", "head", "title"}
_BREAKS = {"br", "div", "li", "section", "article"}


def looks_like_html(head: str) -> bool:
    """Whether decoded text (its start) is an HTML transcript rather than SRT, VTT, JSON
    or timestamped paragraphs."""
    start = head.lstrip("\ufeff \t\r\n")[:2000].lower()
    return start.startswith(("<!doctype html", "<html", "<body", "<cite", "<time", "<p",
                             "<div", "<section", "<article", "<meta", "<head")) \
        or (start.startswith("<") and ("<time" in start or "<cite" in start))


class _Reader(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.drafts: list[Draft] = []
        self.warnings: list[Warn] = []
        self.speaker: str | None = None
        self.start: tuple[float, int] | None = None   # the last <time>: seconds, line
        self.into: str | None = None   # "cite", "time" or "p": where text goes now
        self.buffer: list[str] = []
        self.datetime: str | None = None
        self.skipping = 0
        self.resume_p = False            # a <time> inside a <p>: the <p> goes on after it
        self.loose: list[str] = []       # text outside <cite>, <time> and <p>

    def handle_starttag(self, tag, attrs):
        if tag in _SKIPPED:
            self.skipping += 1
        elif tag in ("cite", "time", "p"):
            self.resume_p = tag == "time" and self.into == "p"
            self._close()
            self._flush_loose()
            self.into, self.buffer = tag, []
            self.datetime = dict(attrs).get("datetime") if tag == "time" else None
        elif tag in _BREAKS and self.into == "p":
            self.buffer.append(" ")
        elif not self.into:
            self.loose.append(" ")

    def handle_endtag(self, tag):
        if tag in _SKIPPED:
            self.skipping = max(0, self.skipping - 1)
        elif tag == self.into:
            self._close()
            if tag == "time" and self.resume_p:
                self.resume_p, self.into, self.buffer = False, "p", []
        elif tag == "p":
            self.resume_p = False
        elif tag in _BREAKS and not self.into:
            self.loose.append(" ")

    def handle_data(self, data):
        if self.skipping:
            return
        if self.into:
            self.buffer.append(data)
        else:
            self.loose.append(data)

    def _flush_loose(self) -> None:
        text = " ".join("".join(self.loose).split())
        self.loose = []
        if not text:
            return
        if self.start is not None or self.drafts:
            self._paragraph(text)
        else:
            self.warnings.append(Warn(f"text before the first <time> left out: "
                                      f"{text[:60]!r}{'…' if len(text) > 60 else ''}",
                                      line=self.getpos()[0]))

    def _close(self) -> None:
        text = " ".join("".join(self.buffer).split())
        kind, self.into, self.buffer = self.into, None, []
        if kind == "cite":
            self.speaker = text.rstrip(":").strip() or None
        elif kind == "time":
            self._timed(self.datetime or text)
        elif kind == "p" and text:
            self._paragraph(text)

    def _timed(self, value: str) -> None:
        line = self.getpos()[0]
        try:
            self.start = (parse_duration(value), line)
        except ValueError:
            self.warnings.append(Warn(f"<time>{value[:40]}</time> is not a time we can read "
                                      f"(give H:MM:SS or MM:SS); its paragraph joins the one "
                                      f"before", line=line))

    def _paragraph(self, text: str) -> None:
        line = self.getpos()[0]
        if self.start is not None:
            seconds, time_line = self.start
            self.start = None
            self.drafts.append(Draft(start=seconds, text=text, speaker=self.speaker,
                                     line=time_line))
        elif self.drafts:
            self.drafts[-1].text += "\n" + text
        else:
            raise InputError("a <p> comes before any <time>; put the paragraph's start time "
                             "in a <time> element before it", line=line)


def read_html(text: str) -> Parsed:
    reader = _Reader()
    reader.feed(text)
    reader.close()
    reader._close()
    reader._flush_loose()
    if not reader.drafts:
        raise InputError("no timed paragraphs in this HTML; expected <time>0:00</time> "
                         "before each <p>…</p> (Podcasting 2.0 HTML transcripts)")
    return Parsed(reader.drafts, warnings=reader.warnings)
