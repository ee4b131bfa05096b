"""Every setting of Listenalong, declared once: its name, default, help and environment
variable (``LISTENALONG_<NAME>``). This module is the only place that reads them.

Precedence, highest first: a value given in code (the app factory's ``test_config``, a
command-line flag), the environment, the default. ``listenalong config`` prints the result.
A new knob is one more :class:`Setting` in :data:`SETTINGS`; read it from the dict that
:func:`load` returns (the Flask app keeps it in ``app.config``).
"""
from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Mapping

PROJECT_ROOT = Path(__file__).resolve().parents[2]
ENV_PREFIX = "LISTENALONG_"


@dataclass(frozen=True)
class Setting:
    name: str
    default: Any  # a value, or a function of the settings resolved before this one
    help: str
    kind: Callable[[str], Any] = str

    @property
    def env(self) -> str:
        return ENV_PREFIX + self.name

    def default_for(self, resolved: Mapping[str, Any]) -> Any:
        return self.default(resolved) if callable(self.default) else self.default


def _port(text: str) -> int:
    value = int(text)
    if not 1 <= value <= 65535:
        raise ValueError("must be a port number from 1 to 65535")
    return value


def _positive_int(text: str) -> int:
    value = int(text)
    if value <= 0:
        raise ValueError("must be a whole number above 0")
    return value


def _public_url(text: str) -> str:
    from urllib.parse import urlsplit

    parts = urlsplit(text.strip())
    if parts.scheme not in ("http", "https") or not parts.netloc or parts.query or parts.fragment:
        raise ValueError("must be an http(s) address like https://listen.example.org")
    return text.strip().rstrip("/")


def _host_list(text: str) -> tuple[str, ...]:
    return tuple(h.strip().lower() for h in text.split(",") if h.strip())


def _whole_number(text: str) -> int:
    value = int(text)
    if value < 0:
        raise ValueError("must be a whole number, 0 or more")
    return value


def _niceness(text: str) -> int:
    value = int(text)
    if not 0 <= value <= 19:
        raise ValueError("must be a whole number from 0 to 19")
    return value


def _positive_float(text: str) -> float:
    value = float(text)
    if not 0 < value < float("inf"):
        raise ValueError("must be a number of seconds above 0")
    return value


def _yes_no(text: str) -> bool:
    value = text.strip().lower()
    if value in ("1", "true", "yes", "on"):
        return True
    if value in ("0", "false", "no", "off"):
        return False
    raise ValueError("must be 1 or 0 (yes or no)")


def _database_url(text: str) -> str:
    from urllib.parse import urlsplit

    if urlsplit(text.strip()).scheme not in ("postgresql", "postgres"):
        raise ValueError("must be a PostgreSQL address like postgresql://user@host:5432/db")
    return text.strip()


SETTINGS: tuple[Setting, ...] = (
    Setting("MEDIA_DIR", lambda _: str(PROJECT_ROOT / "media"),
            "the episode library: one folder per episode"),
    Setting("CLIP_CACHE_DIR", lambda s: str(Path(s["MEDIA_DIR"]) / ".cache" / "clips"),
            "where MP3 clips of shared ranges are cached"),
    Setting("CLIP_CACHE_SIZE", 500, "clips kept in the cache; the least recently used go first",
            _positive_int),
    Setting("CLIP_ENCODERS", 1, "clip encodes at once on this machine, across workers; "
            "past them a request waits 2 s, then gets 503 + Retry-After", _positive_int),
    Setting("CLIP_RATE_PER_MINUTE", 20, "new clips one client may have made a minute (cached "
            "clips do not count; 0: no limit)", _whole_number),
    Setting("CLIP_NICENESS", 10, "how much lower than the web workers clip encodes run "
            "(0-19)", _niceness),
    Setting("DATABASE_URL", "", "where the search index and episode catalogue live: empty for "
            "SQLite beside the episodes (one machine), postgresql://user@host/db for a "
            "library shared by several app nodes (run 'listenalong db upgrade' first)",
            _database_url),
    Setting("SEARCH_SYNC_SECONDS", 10.0,
            "how often a search compares the index with the episode folders", _positive_float),
    Setting("STATIC_MAX_AGE", 3600, "seconds browsers may keep static files and audio",
            _positive_int),
    Setting("ALLOW_PRIVATE_FEEDS", False, "let import-feed and refresh fetch from loopback, "
            "private and link-local addresses (a feed on your own network); off, only public "
            "addresses are fetched", _yes_no),
    Setting("PORT", 5000, "the port 'listenalong run' serves on (5000 is taken by AirPlay on "
            "macOS: try 8000), and that 'add' prints the episode's address with",
            _port),
    Setting("FEED_TITLE", "Listenalong", "the title of the library's podcast feed (/feed.xml)"),
    Setting("PUBLIC_URL", "", "the site's address as listeners see it (https://listen.example.org); "
            "previews, embeds and oEmbed link there, whatever Host a request names", _public_url),
    Setting("ALLOWED_HOSTS", ("localhost", "127.0.0.1", "::1"),
            "without PUBLIC_URL, the host names this server answers to (comma-separated; "
            "'.example.org' takes its subdomains, '*' any name)", _host_list),
)
BY_NAME = {setting.name: setting for setting in SETTINGS}


class SettingError(ValueError):
    """An environment variable holds a value its setting cannot take."""


def load(given: Mapping[str, Any] | None = None,
         environ: Mapping[str, str] | None = None) -> dict[str, Any]:
    """Every setting's value: ``given`` (None and "" count as not given), else the
    environment, else the default. Raises :class:`SettingError` for a bad variable."""
    return {name: value for name, (value, _) in explain(given, environ).items()}


def explain(given: Mapping[str, Any] | None = None,
            environ: Mapping[str, str] | None = None) -> dict[str, tuple[Any, str]]:
    """``{name: (value, source)}``, the source being ``given``, ``env`` or ``default``."""
    given = given or {}
    environ = os.environ if environ is None else environ
    resolved: dict[str, Any] = {}
    sources: dict[str, tuple[Any, str]] = {}
    for setting in SETTINGS:
        if given.get(setting.name) not in (None, ""):
            value, source = given[setting.name], "given"
        elif environ.get(setting.env):
            value, source = _parse(setting, environ[setting.env]), "env"
        else:
            value, source = setting.default_for(resolved), "default"
        resolved[setting.name] = value
        sources[setting.name] = (value, source)
    return sources


def _parse(setting: Setting, raw: str) -> Any:
    try:
        return setting.kind(raw)
    except ValueError as error:
        raise SettingError(f"{setting.env}={raw!r} is not usable: {error}") from None


def media_dir(given: str | os.PathLike | None = None) -> Path:
    """The library folder: ``given``, else ``$LISTENALONG_MEDIA_DIR``, else ./media."""
    return Path(load({"MEDIA_DIR": os.fspath(given) if given else None})["MEDIA_DIR"])
