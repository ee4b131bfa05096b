"""App nodes for the multi-node tests and benchmarks: gunicorn serving
``webapp:create_app()`` on a loopback port of its own, in a process of its own, with the
environment a node of a shared library has (one media folder, one database)."""
from __future__ import annotations

import json
import os
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

from pg_cluster import free_port

REPO = Path(__file__).resolve().parents[1]


def node_env(media: Path, database: str, **extra: str) -> dict:
    """The environment of a node (and of its CLI): the shared folder and database."""
    return {**os.environ, "LISTENALONG_MEDIA_DIR": str(media),
            "LISTENALONG_DATABASE_URL": database, **extra}


class Node:
    """``with Node(media, url) as node: node.get("/search?q=x")``."""

    def __init__(self, media: Path, database: str, workers: int = 2, threads: int = 4,
                 root: Path = REPO, **extra: str):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.env = node_env(media, database, **extra)
        self.log = Path(media).parent / f"node-{self.port}.log"
        self.command = [sys.executable, "-m", "gunicorn", "--workers", str(workers),
                        "--threads", str(threads), "--bind", f"127.0.0.1:{self.port}",
                        "--graceful-timeout", "5", "webapp:create_app()"]
        self.process = None
        self.root = root      # the tree whose webapp it serves (a benchmark's baseline)

    def __enter__(self) -> "Node":
        with open(self.log, "wb") as log:
            self.process = subprocess.Popen(self.command, env=self.env, cwd=self.root,
                                            stdout=log, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"node on {self.port} exited: {self.log.read_text()[-2000:]}")
            try:
                if self.get("/")[0] == 200:
                    return self
            except OSError:
                time.sleep(0.1)
        raise RuntimeError(f"node on {self.port} did not answer within 60 s")

    def __exit__(self, *exc) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()

    def get(self, path: str, headers: dict | None = None) -> tuple[int, dict, bytes]:
        """``(status, headers, body)`` of a GET, errors included."""
        request = urllib.request.Request(self.url + path, headers=headers or {})
        try:
            with urllib.request.urlopen(request, timeout=60) as response:
                return response.status, dict(response.headers), response.read()
        except urllib.error.HTTPError as error:
            return error.code, dict(error.headers), error.read()

    def search(self, query: str) -> list[dict]:
        status, _, body = self.get("/api/search?limit=100&q=" + urllib.request.quote(query))
        assert status == 200, body[:300]
        return json.loads(body)["results"]
