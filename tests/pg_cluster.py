"""A throwaway PostgreSQL server for tests and benchmarks: ``initdb`` a temporary cluster,
``pg_ctl`` it on a loopback port of its own, and remove it all at the end. Run as root
(CI), the server runs as the ``postgres`` user that Debian's package makes (PostgreSQL
refuses to run as root)."""
from __future__ import annotations

import glob
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
from pathlib import Path


class ClusterUnavailable(RuntimeError):
    """No PostgreSQL server can be started here; the message says why."""


def server_bin() -> Path:
    """The folder holding initdb and pg_ctl (Debian keeps them out of PATH)."""
    found = shutil.which("pg_ctl")
    if found and os.path.exists(os.path.join(os.path.dirname(os.path.realpath(found)), "initdb")):
        return Path(os.path.realpath(found)).parent
    for folder in sorted(glob.glob("/usr/lib/postgresql/*/bin"), reverse=True):
        if os.path.exists(os.path.join(folder, "initdb")):
            return Path(folder)
    raise ClusterUnavailable("PostgreSQL's server is not installed (Debian: apt-get install "
                             "postgresql)")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class TempCluster:
    """``with TempCluster() as cluster: cluster.url(...)``."""

    def __init__(self):
        self.bin = server_bin()
        self.port = free_port()
        self.folder = Path(tempfile.mkdtemp(prefix="listenalong-pg-"))
        self.data = self.folder / "data"
        self.user = None
        if os.geteuid() == 0:
            try:
                self.user = pwd.getpwnam("postgres")
            except KeyError:
                raise ClusterUnavailable("running as root and there is no 'postgres' user "
                                         "to run the server as") from None
            os.chown(self.folder, self.user.pw_uid, self.user.pw_gid)

    def _run(self, *argv: str) -> None:
        command = [str(self.bin / argv[0]), *argv[1:]]
        if self.user is not None:
            command = ["runuser", "-u", "postgres", "--", *command]
        done = subprocess.run(command, capture_output=True, text=True, timeout=120)
        if done.returncode:
            raise ClusterUnavailable(f"{argv[0]} failed: {(done.stderr or done.stdout).strip()}")

    def start(self) -> "TempCluster":
        self._run("initdb", "-D", str(self.data), "-A", "trust", "-U", "listenalong",
                  "-E", "UTF8", "--locale=C.UTF-8", "--no-sync", "--no-instructions")
        self._pg_ctl("start")
        return self

    def _pg_ctl(self, action: str) -> None:
        options = (f"-p {self.port} -k {self.folder} -c listen_addresses=127.0.0.1 "
                   "-c fsync=off -c synchronous_commit=off -c full_page_writes=off "
                   "-c max_connections=300 -c shared_buffers=256MB")
        self._run("pg_ctl", "-D", str(self.data), "-l", str(self.folder / "server.log"),
                  "-o", options, "-w", "-t", "60", "-m", "fast", action)

    def restart(self) -> None:
        """Stop the server (dropping every connection) and start it again."""
        self._pg_ctl("restart")

    def stop(self) -> None:
        try:
            self._pg_ctl("stop")
        except ClusterUnavailable:
            pass
        shutil.rmtree(self.folder, ignore_errors=True)

    def url(self, database: str = "postgres") -> str:
        return f"postgresql://listenalong@127.0.0.1:{self.port}/{database}"

    def create_database(self, name: str, template: str | None = None) -> str:
        """A new database (copied from ``template`` when given); its URL."""
        import psycopg

        with psycopg.connect(self.url(), autocommit=True) as db:
            db.execute(f'CREATE DATABASE "{name}"' + (f' TEMPLATE "{template}"' if template else ""))
        return self.url(name)

    def __enter__(self) -> "TempCluster":
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()
