"""A real HTTP server on loopback for the feed tests: serves fixture feeds, transcripts,
chapters and audio from a table of routes, and misbehaves on request (redirect loops, a
5 GB Content-Length, 404s). It answers conditional GETs (ETag / If-None-Match) with 304
and logs every request, so tests can count what an import fetched."""
from __future__ import annotations

import hashlib
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


@dataclass
class Route:
    body: bytes = b""
    type: str = "application/octet-stream"
    status: int = 200
    headers: dict[str, str] = field(default_factory=dict)
    claimed_length: int | None = None    # a Content-Length that is not the body's
    etag: bool = True
    stall: float = 0.0                   # seconds to wait before answering
    stall_body: float = 0.0              # seconds to wait after the headers


class FeedServer:
    def __init__(self):
        self.routes: dict[str, Route] = {}
        self.log: list[tuple[str, int]] = []   # (path, status)
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_GET(self):  # noqa: N802 - http.server's API
                server.answer(self)

            def log_message(self, *args):
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.httpd.handle_error = lambda request, address: None   # a client that hung up early
        self.url = f"http://127.0.0.1:{self.httpd.server_port}"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.httpd.shutdown()
        self.httpd.server_close()

    def add(self, path: str, body: bytes | str = b"", type: str = "application/octet-stream",
            **more) -> str:
        """Serve ``body`` at ``path``; returns its full URL."""
        data = body.encode("utf-8") if isinstance(body, str) else body
        self.routes[path] = Route(data, type, **more)
        return self.url + path

    def requests(self, path: str) -> int:
        return sum(1 for p, _ in self.log if p == path)

    def answer(self, handler: BaseHTTPRequestHandler) -> None:
        route = self.routes.get(handler.path)
        if route is None:
            self._send(handler, 404, b"not found", {"Content-Type": "text/plain"})
            return
        time.sleep(route.stall)
        headers = {"Content-Type": route.type, **route.headers}
        etag = '"' + hashlib.sha1(route.body).hexdigest()[:16] + '"'
        if route.etag and route.status == 200:
            headers["ETag"] = etag
            if handler.headers.get("If-None-Match") == etag:
                self._send(handler, 304, b"", headers)
                return
        self._send(handler, route.status, route.body, headers, route.claimed_length, route.stall_body)

    def _send(self, handler, status, body, headers, length=None, stall=0.0):
        self.log.append((handler.path, status))
        handler.send_response(status)
        for name, value in headers.items():
            handler.send_header(name, value)
        handler.send_header("Content-Length", str(length if length is not None else len(body)))
        if length is not None:
            handler.send_header("Connection", "close")
        handler.end_headers()
        try:
            if stall:
                handler.wfile.write(body[:100])
                handler.wfile.flush()
                time.sleep(stall)
            handler.wfile.write(body)
        except OSError:
            pass
        if length is not None:
            handler.close_connection = True
