"""HTTP for feeds: GET with timeouts, a redirect limit, a size limit, http/https only, and
conditional requests (ETag / Last-Modified). Bodies are read into memory (feeds,
transcripts, chapters) or streamed to a file beside their destination and renamed into
place (audio), so a failed download leaves nothing.

Every failure is a :class:`FetchError` whose message is one line a person can act on
("404 Not Found", "more than 5 redirects", "2.0 GB is over the 1.0 GB limit").
"""
from __future__ import annotations

import http.client
import os
import socket
import ssl
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable
from urllib.parse import urljoin, urlsplit

from ..atomic import replacing

USER_AGENT = "Listenalong/0.1 (podcast feed import; +https://github.com/listenalong)"
TIMEOUT = 20.0          # seconds without a byte: the server is gone
MAX_REDIRECTS = 5
CHUNK = 256 * 1024
REDIRECTS = (301, 302, 303, 307, 308)

Progress = Callable[[int, int], None]   # (bytes so far, expected total or 0)


class FetchError(Exception):
    """A URL that could not be fetched; the message says why, in one line."""


@dataclass
class Limits:
    max_bytes: int
    timeout: float = field(default_factory=lambda: TIMEOUT)   # read when made (tests lower it)
    deadline: float = 600.0       # seconds for the whole transfer
    max_redirects: int = MAX_REDIRECTS


@dataclass
class Response:
    url: str                      # where the body came from, redirects followed
    status: int
    headers: dict[str, str] = field(default_factory=dict)
    body: bytes = b""

    @property
    def not_modified(self) -> bool:
        return self.status == 304

    @property
    def content_type(self) -> str:
        return self.headers.get("content-type", "").split(";")[0].strip().lower()


def megabytes(size: int) -> str:
    return f"{size / 2**30:.1f} GB" if size >= 2**30 else f"{size / 2**20:.1f} MB"


def check_url(url: str) -> str:
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise FetchError(f"{_shown(url)} is not an http(s) address")
    return url


def _shown(url: str) -> str:
    text = "".join(ch if ch.isprintable() else "?" for ch in url)
    return text if len(text) <= 120 else text[:119] + "…"


def _connect(url: str, timeout: float) -> tuple[http.client.HTTPConnection, str]:
    parts = urlsplit(url)
    path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    if parts.scheme == "https":
        connection = http.client.HTTPSConnection(parts.hostname, parts.port, timeout=timeout,
                                                 context=ssl.create_default_context())
    else:
        connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=timeout)
    return connection, path


def _open(url: str, limits: Limits, headers: dict[str, str]):
    """Send the GET, following redirects; the open response and its connection."""
    seen = []
    for _ in range(limits.max_redirects + 1):
        check_url(url)
        if url in seen:
            raise FetchError(f"{_shown(url)} redirects in a loop")
        seen.append(url)
        connection, path = _connect(url, limits.timeout)
        try:
            connection.request("GET", path, headers={"User-Agent": USER_AGENT,
                                                     "Accept-Encoding": "identity", **headers})
            response = connection.getresponse()
        except (OSError, http.client.HTTPException, ssl.SSLError) as error:
            connection.close()
            raise FetchError(f"{_shown(url)}: {_why(error)}") from None
        if response.status in REDIRECTS and response.getheader("Location"):
            url = urljoin(url, response.getheader("Location"))
            connection.close()
            continue
        return url, response, connection
    raise FetchError(f"{_shown(seen[0])} redirects more than {limits.max_redirects} times")


def _why(error: BaseException) -> str:
    if isinstance(error, (socket.timeout, TimeoutError)):
        return "the server did not answer in time"
    if isinstance(error, ConnectionRefusedError):
        return "connection refused"
    if isinstance(error, socket.gaierror):
        return "no such host"
    if isinstance(error, ssl.SSLError):
        return f"TLS failed ({error.reason or error})"
    return str(error) or type(error).__name__


def _expected_size(url: str, response, limits: Limits) -> int:
    length = response.getheader("Content-Length")
    size = int(length) if length and length.strip().isdigit() else 0
    if size > limits.max_bytes:
        raise FetchError(f"{_shown(url)} is {megabytes(size)}, over the "
                         f"{megabytes(limits.max_bytes)} limit")
    return size


def _chunks(url: str, response, limits: Limits, expected: int):
    """The body in chunks, no more than the limit, no longer than the deadline."""
    began, got = time.monotonic(), 0
    while True:
        try:
            chunk = response.read(CHUNK)
        except (OSError, http.client.HTTPException) as error:
            raise FetchError(f"{_shown(url)}: the transfer broke off ({_why(error)})") from None
        if not chunk:
            break
        got += len(chunk)
        if got > limits.max_bytes:
            raise FetchError(f"{_shown(url)} sent more than the {megabytes(limits.max_bytes)} "
                             f"limit")
        if time.monotonic() - began > limits.deadline:
            raise FetchError(f"{_shown(url)} took more than {limits.deadline:.0f} s")
        yield chunk
    if expected and got < expected:
        raise FetchError(f"{_shown(url)} ended after {megabytes(got)} of {megabytes(expected)}")


def _status_error(url: str, response) -> FetchError:
    return FetchError(f"{_shown(url)}: {response.status} {response.reason}".rstrip())


def get(url: str, limits: Limits, etag: str | None = None,
        last_modified: str | None = None) -> Response:
    """GET ``url`` into memory. With ``etag``/``last_modified`` the request is conditional,
    and a 304 comes back as a response whose ``not_modified`` is true."""
    headers = {}
    if etag:
        headers["If-None-Match"] = etag
    if last_modified:
        headers["If-Modified-Since"] = last_modified
    final, response, connection = _open(url, limits, headers)
    try:
        head = {k.lower(): v for k, v in response.getheaders()}
        if response.status == 304:
            return Response(final, 304, head)
        if response.status != 200:
            raise _status_error(final, response)
        expected = _expected_size(final, response, limits)
        body = b"".join(_chunks(final, response, limits, expected))
        return Response(final, 200, head, body)
    finally:
        connection.close()


def download(url: str, destination: str | os.PathLike, limits: Limits,
             progress: Progress | None = None) -> Response:
    """Stream ``url`` to ``destination``: into a temp file beside it, renamed into place
    when complete (a failure leaves nothing). The response carries no body."""
    final, response, connection = _open(url, limits, {})
    try:
        if response.status != 200:
            raise _status_error(final, response)
        expected = _expected_size(final, response, limits)
        done = 0
        with replacing(Path(destination)) as tmp, open(tmp, "wb") as out:
            for chunk in _chunks(final, response, limits, expected):
                out.write(chunk)
                done += len(chunk)
                if progress:
                    progress(done, expected)
        return Response(final, 200, {k.lower(): v for k, v in response.getheaders()})
    finally:
        connection.close()
