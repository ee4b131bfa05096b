"""HTTP for feeds, which are untrusted input: GET with a redirect limit, a size limit,
http/https only, and conditional requests (ETag / Last-Modified). Bodies are read into
memory (feeds, transcripts, chapters) or streamed to a file beside their destination and
renamed into place (audio), so a failed download leaves nothing.

- **Public addresses only.** Every hop's host is resolved here, every address it resolves
  to must be global (no loopback, private, link-local, unspecified, multicast, reserved,
  IPv4-mapped or other non-global address), and the connection is made to the address
  that was checked (checked again once connected), so a DNS answer that changes between
  the check and the connect cannot reach inside. ``Limits.allow_private`` (the
  ``ALLOW_PRIVATE_FEEDS`` setting) lifts this for a feed on your own network.
- **One deadline.** A fetch has one monotonic deadline, redirects, connecting, headers and
  body included: a watchdog shuts the socket when it passes, so a server that trickles a
  byte at a time cannot hold an import. ``timeout`` is the longest silence between bytes.
- A gzip or deflate body sent despite ``Accept-Encoding: identity`` is unpacked (no more
  than the size limit).

Every failure is a :class:`FetchError` whose message is one line a person can act on
("404 Not Found", "more than 5 redirects", "2.0 GB is over the 1.0 GB limit").
"""
from __future__ import annotations

import http.client
import ipaddress
import os
import socket
import ssl
import threading
import time
import zlib
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
    deadline: float = 600.0       # seconds for the whole fetch, redirects included
    max_redirects: int = MAX_REDIRECTS
    allow_private: bool = False   # fetch from loopback and private addresses too


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


def not_public(address: str) -> str | None:
    """What kind of non-public address ``address`` is ("loopback", "private"…), or None
    for a global one. An IPv4 address inside IPv6 (mapped, 6to4, Teredo) is judged as
    the IPv4 address it holds."""
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    if ip.version == 6:
        inner = ip.ipv4_mapped or ip.sixtofour or (ip.teredo[1] if ip.teredo else None)
        if inner is not None:
            return not_public(str(inner)) or ("an IPv4-mapped address" if ip.ipv4_mapped else None)
    for kind in ("loopback", "unspecified", "link_local", "multicast", "private", "reserved"):
        if getattr(ip, f"is_{kind}"):
            return kind.replace("_", "-")
    return None if ip.is_global else "not a public address"


def _addresses(url: str, host: str, port: int, limits: Limits, deadline: "_Deadline"):
    """Where ``host`` resolves to, each address checked (unless private ones are allowed)."""
    try:
        found = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError):
        raise FetchError(f"{_shown(url)}: no such host") from None
    except OSError as error:
        raise FetchError(f"{_shown(url)}: {_why(error)}") from None
    deadline.check(url)
    if not limits.allow_private:
        for *_, sockaddr in found:
            kind = not_public(sockaddr[0])
            if kind:
                raise FetchError(f"{_shown(url)}: refused, {host} is {_article(kind)} address "
                                 f"({sockaddr[0]}); feeds are fetched from public addresses only "
                                 f"(set ALLOW_PRIVATE_FEEDS to import from your own network)")
    return [(family, sockaddr) for family, _, _, _, sockaddr in found]


def _article(kind: str) -> str:
    return kind if kind.startswith(("an ", "not ")) else f"a {kind}"


class _Deadline:
    """One monotonic deadline for a whole fetch; a watchdog shuts the live socket down
    when it passes, which ends any read blocked on a trickling server."""

    def __init__(self, seconds: float):
        self.seconds, self.ends = seconds, time.monotonic() + seconds
        self.passed = False
        self._sock = None
        self._lock = threading.Lock()
        self._timer = threading.Timer(seconds, self._expire)
        self._timer.daemon = True
        self._timer.start()

    def remaining(self) -> float:
        return self.ends - time.monotonic()

    def check(self, url: str) -> None:
        if self.passed or self.remaining() <= 0:
            raise self.error(url)

    def error(self, url: str) -> FetchError:
        return FetchError(f"{_shown(url)} took more than {self.seconds:.0f} s")

    def watch(self, sock) -> None:
        with self._lock:
            self._sock = sock
            if self.passed:
                _shut(sock)

    def _expire(self) -> None:
        with self._lock:
            self.passed = True
            if self._sock is not None:
                _shut(self._sock)

    def cancel(self) -> None:
        self._timer.cancel()


def _shut(sock) -> None:
    try:
        sock.shutdown(socket.SHUT_RDWR)
    except OSError:
        pass


def _dial(url: str, addresses, limits: Limits, deadline: _Deadline) -> socket.socket:
    """A connected socket to the first of ``addresses`` that answers; the address it is
    connected to is checked once more."""
    failure: OSError | None = None
    for family, sockaddr in addresses:
        sock = socket.socket(family, socket.SOCK_STREAM)
        deadline.watch(sock)
        try:
            sock.settimeout(max(0.01, min(limits.timeout, deadline.remaining())))
            sock.connect(sockaddr)
            peer = sock.getpeername()[0]
            if not limits.allow_private and not_public(peer):
                raise FetchError(f"{_shown(url)}: refused, connected to a non-public address "
                                 f"({peer})")
            sock.settimeout(limits.timeout)
            return sock
        except OSError as error:
            sock.close()
            deadline.check(url)
            failure = error
        except BaseException:
            sock.close()
            raise
    raise FetchError(f"{_shown(url)}: {_why(failure) if failure else 'no address to connect to'}")


class _Pinned(http.client.HTTPConnection):
    """A connection to an address chosen (and checked) beforehand, not resolved again."""

    def __init__(self, host, port, sock_factory, timeout):
        super().__init__(host, port, timeout=timeout)
        self._sock_factory = sock_factory

    def connect(self):
        self.sock = self._sock_factory()


class _PinnedTLS(http.client.HTTPSConnection):
    def __init__(self, host, port, sock_factory, timeout):
        super().__init__(host, port, timeout=timeout, context=ssl.create_default_context())
        self._sock_factory = sock_factory

    def connect(self):
        self.sock = self._context.wrap_socket(self._sock_factory(), server_hostname=self.host)


def _connect(url: str, limits: Limits, deadline: _Deadline) -> tuple[http.client.HTTPConnection, str]:
    parts = urlsplit(url)
    path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    try:
        port = parts.port or (443 if parts.scheme == "https" else 80)
    except ValueError:
        raise FetchError(f"{_shown(url)}: the port is not a number from 0 to 65535") from None
    addresses = _addresses(url, parts.hostname, port, limits, deadline)
    kind = _PinnedTLS if parts.scheme == "https" else _Pinned
    return kind(parts.hostname, port, lambda: _dial(url, addresses, limits, deadline),
                limits.timeout), path


def _open(url: str, limits: Limits, headers: dict[str, str], deadline: _Deadline):
    """Send the GET, following redirects; the open response and its connection."""
    seen = []
    for _ in range(limits.max_redirects + 1):
        check_url(url)
        if url in seen:
            raise FetchError(f"{_shown(url)} redirects in a loop")
        seen.append(url)
        connection, path = _connect(url, limits, deadline)
        try:
            connection.request("GET", path, headers={"User-Agent": USER_AGENT,
                                                     "Accept-Encoding": "identity", **headers})
            response = connection.getresponse()
        except FetchError:
            connection.close()
            raise
        except (OSError, http.client.HTTPException, ssl.SSLError, ValueError) as error:
            connection.close()
            deadline.check(url)
            raise FetchError(f"{_shown(url)}: {_why(error)}") from None
        if response.status in REDIRECTS and response.getheader("Location"):
            url = urljoin(url, response.getheader("Location").strip())
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


def _chunks(url: str, response, limits: Limits, expected: int, deadline: _Deadline):
    """The body in chunks, no more than the limit, no longer than the deadline."""
    got = 0
    while True:
        try:
            chunk = response.read(CHUNK)
        except (OSError, http.client.HTTPException, ValueError) as error:
            deadline.check(url)
            raise FetchError(f"{_shown(url)}: the transfer broke off ({_why(error)})") from None
        deadline.check(url)
        if not chunk:
            break
        got += len(chunk)
        if got > limits.max_bytes:
            raise FetchError(f"{_shown(url)} sent more than the {megabytes(limits.max_bytes)} "
                             f"limit")
        yield chunk
    if expected and got < expected:
        raise FetchError(f"{_shown(url)} ended after {megabytes(got)} of {megabytes(expected)}")


def _unpacked(url: str, body: bytes, encoding: str, limits: Limits) -> bytes:
    """A body sent gzip- or deflate-encoded although we asked for none, unpacked to at
    most the size limit."""
    if encoding not in ("gzip", "x-gzip", "deflate"):
        return body
    unpack = zlib.decompressobj(47 if encoding != "deflate" else 15)   # 47: gzip or zlib
    try:
        data = unpack.decompress(body, limits.max_bytes + 1)
    except zlib.error:
        if encoding != "deflate":
            raise FetchError(f"{_shown(url)}: the {encoding} body is damaged") from None
        try:
            data = zlib.decompressobj(-15).decompress(body, limits.max_bytes + 1)   # raw deflate
        except zlib.error:
            raise FetchError(f"{_shown(url)}: the deflate body is damaged") from None
    if len(data) > limits.max_bytes:
        raise FetchError(f"{_shown(url)} unpacks to more than the {megabytes(limits.max_bytes)} "
                         f"limit")
    return data


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
    deadline = _Deadline(limits.deadline)
    try:
        final, response, connection = _open(url, limits, headers, deadline)
        try:
            head = {k.lower(): v for k, v in response.getheaders()}
            if response.status == 304:
                return Response(final, 304, head)
            if response.status != 200:
                raise _status_error(final, response)
            expected = _expected_size(final, response, limits)
            body = b"".join(_chunks(final, response, limits, expected, deadline))
            body = _unpacked(final, body, head.get("content-encoding", "").strip().lower(), limits)
            return Response(final, 200, head, body)
        finally:
            connection.close()
    finally:
        deadline.cancel()


def download(url: str, destination: str | os.PathLike, limits: Limits,
             progress: Progress | None = None) -> Response:
    """Stream ``url`` to ``destination``: into a temp file beside it, renamed into place
    when complete (a failure leaves nothing). The response carries no body."""
    deadline = _Deadline(limits.deadline)
    try:
        final, response, connection = _open(url, limits, {}, deadline)
        try:
            if response.status != 200:
                raise _status_error(final, response)
            expected = _expected_size(final, response, limits)
            done = 0
            with replacing(Path(destination)) as tmp, open(tmp, "wb") as out:
                for chunk in _chunks(final, response, limits, expected, deadline):
                    out.write(chunk)
                    done += len(chunk)
                    if progress:
                        progress(done, expected)
            return Response(final, 200, {k.lower(): v for k, v in response.getheaders()})
        finally:
            connection.close()
    finally:
        deadline.cancel()
