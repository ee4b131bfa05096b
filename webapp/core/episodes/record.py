"""The episode record: ``episode.json``, what it holds and the checks it must pass, and
the slug that names an episode (its folder, its URL)."""
from __future__ import annotations

import json
import re
import unicodedata
from dataclasses import asdict, dataclass, field

from anyascii import anyascii

from ..timecode import MAX_SECONDS

SLUG = re.compile(r"^[a-z0-9](?:[a-z0-9-]{0,78}[a-z0-9])?$")


def slugify(title: str) -> str:
    """A URL name from a title in any script, transliterated (灯塔 → dengta, Grüße → grusse,
    Привет мир → privet-mir); symbols and emoji left out; "episode" when nothing is left."""
    words = "".join(ch for ch in unicodedata.normalize("NFKC", title)
                    if not unicodedata.category(ch).startswith("S"))
    slug = re.sub(r"[^a-z0-9]+", "-", anyascii(words).lower()).strip("-")[:60].strip("-")
    return slug or "episode"


@dataclass
class Episode:
    slug: str
    title: str
    duration: float
    audio: str
    transcript: str
    speakers: list[str] = field(default_factory=list)
    notes: str = ""
    added: str = ""
    cues: int = 0
    guid: str = ""        # an imported episode's item guid (feeds.py), its identity there
    feed: str = ""        # the feed it was imported from
    published: str = ""   # the item's date, ISO 8601
    people: list[dict] = field(default_factory=list)      # podcast:person {name, role, group, href, img}
    soundbites: list[dict] = field(default_factory=list)  # podcast:soundbite {start, duration, title}
    enclosure: str = ""   # the audio's URL (rotating query left out) and declared length
    transcript_url: str = ""   # the feed transcript it was converted from
    language: str = ""    # BCP 47 tag of the transcript's language ("" unknown): languages.py
    # the same episode's transcripts in other languages, each
    # {"language": tag, "vtt": file, "original": file, "url": the feed's link or ""}
    other_transcripts: list[dict] = field(default_factory=list)

    @classmethod
    def from_json(cls, data) -> "Episode":
        """The episode described by ``data`` (episode.json), checked field by field.
        Raises :class:`BrokenEpisode` saying which field is wrong."""
        if not isinstance(data, dict):
            raise BrokenEpisode("episode.json is not a JSON object")
        known = {k: data[k] for k in cls.__dataclass_fields__ if k in data}
        for name in ("slug", "title", "duration", "audio", "transcript"):
            if name not in known:
                raise BrokenEpisode(f"episode.json has no {name!r}")
        for name, check, wanted in _FIELD_CHECKS:
            if name in known and not check(known[name]):
                raise BrokenEpisode(f"episode.json's {name!r} is {_shown(known[name])}, "
                                    f"not {wanted}")
        return cls(**known)

    def to_json(self) -> str:
        return json.dumps(asdict(self), ensure_ascii=False, indent=2) + "\n"


class BrokenEpisode(ValueError):
    """An episode folder whose files cannot be used; the message says what is wrong."""


_LANGUAGE = re.compile(r"^[a-z]{2,3}(-[a-z0-9]{2,8})*$")


def _is_seconds(value) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool) and \
        0 < value <= MAX_SECONDS


def _is_name(value) -> bool:
    return isinstance(value, str) and bool(value) and "/" not in value and "\\" not in value \
        and not value.startswith(".")


_FIELD_CHECKS = (
    ("slug", lambda v: isinstance(v, str) and bool(SLUG.match(v)), "a slug"),
    ("title", lambda v: isinstance(v, str), "a string"),
    ("duration", _is_seconds, "a number of seconds"),
    ("audio", _is_name, "a file name"),
    ("transcript", _is_name, "a file name"),
    ("speakers", lambda v: isinstance(v, list) and all(isinstance(x, str) for x in v),
     "a list of names"),
    ("notes", lambda v: isinstance(v, str), "a string"),
    ("added", lambda v: isinstance(v, str), "a date string"),
    ("cues", lambda v: isinstance(v, int) and not isinstance(v, bool) and v >= 0, "a count"),
    ("guid", lambda v: isinstance(v, str), "a string"),
    ("feed", lambda v: isinstance(v, str), "a URL string"),
    ("published", lambda v: isinstance(v, str), "a date string"),
    ("enclosure", lambda v: isinstance(v, str), "a string"),
    ("transcript_url", lambda v: isinstance(v, str), "a URL string"),
    ("language", lambda v: isinstance(v, str) and (not v or bool(_LANGUAGE.match(v.lower()))),
     "a language tag"),
    ("other_transcripts", lambda v: isinstance(v, list) and all(_is_other(x) for x in v)
     and len({x["language"].lower() for x in v}) == len(v), "a list of transcripts"),
    ("people", lambda v: isinstance(v, list) and all(_is_person(x) for x in v), "a list of people"),
    ("soundbites", lambda v: isinstance(v, list) and all(_is_soundbite(x) for x in v),
     "a list of soundbites"),
)


def _is_person(value) -> bool:
    return isinstance(value, dict) and isinstance(value.get("name"), str) and \
        all(isinstance(value.get(k, ""), str) for k in ("role", "group", "href", "img"))


def _is_other(value) -> bool:
    """One of ``other_transcripts``: a language tag and two file names of the folder."""
    return isinstance(value, dict) and isinstance(value.get("language"), str) and \
        bool(_LANGUAGE.match(value["language"].lower())) and _is_name(value.get("vtt")) and \
        _is_name(value.get("original")) and isinstance(value.get("url", ""), str)


def _is_soundbite(value) -> bool:
    return isinstance(value, dict) and _is_seconds(value.get("duration")) and \
        isinstance(value.get("start"), (int, float)) and not isinstance(value.get("start"), bool) \
        and 0 <= value["start"] <= MAX_SECONDS and isinstance(value.get("title", ""), str)


def _shown(value) -> str:
    text = json.dumps(value, ensure_ascii=False)
    return text if len(text) <= 40 else text[:39] + "…"


