"""A read-only library (a read-only disk, or a mount a deploy made read-only) serves all
that exists — pages, transcripts, search, cached clips — and each write is one clear line
or a 503 page. The test mounts the library read-only in a private mount namespace
(``unshare -m``, as root), so the kernel itself refuses the writes."""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys

import pytest

from support import FIXTURES, REPO, make_audio
from webapp import create_app
from webapp.core.episodes import Library
from webapp.core.search import SearchIndex

PROBE = """
import json, subprocess, sys
sys.path.insert(0, {repo!r})
from webapp import create_app
client = create_app({{"TESTING": True, "MEDIA_DIR": {ro!r}}}).test_client()
urls = ["/", "/episodes/ep", "/episodes/ep/transcript.txt", "/search?q=lighthouse",
        "/api/search?q=lighthouse", "/episodes/ep/clip.mp3?t=1,5", "/episodes/ep/clip.mp3?t=2,6"]
out = {{"status": {{u: client.get(u).status_code for u in urls}},
        "hits": len(client.get("/api/search?q=lighthouse").get_json()["results"])}}
for name, args in [("add", ["add", {fixture!r}, "--audio", {audio!r}, "--slug", "two"]),
                   ("remove", ["remove", "ep"]), ("reindex", ["reindex"])]:
    done = subprocess.run([sys.executable, "-m", "webapp", *args, "--media", {ro!r}],
                          capture_output=True, text=True)
    out[name] = [done.returncode, done.stderr]
print(json.dumps(out))
"""


def can_mount_read_only(tmp_path) -> bool:
    if shutil.which("unshare") is None or os.geteuid() != 0:
        return False
    (tmp_path / "probe").mkdir()
    done = subprocess.run(["unshare", "-m", "sh", "-c", f"mount --bind {tmp_path}/probe {tmp_path}/probe"
                           f" && mount -o remount,bind,ro {tmp_path}/probe"], capture_output=True)
    return done.returncode == 0


def test_a_read_only_library_serves_what_exists_and_refuses_writes_in_one_line(tmp_path):
    if not can_mount_read_only(tmp_path):
        pytest.skip("needs root and unshare -m to mount the library read-only")
    media, ro = tmp_path / "media", tmp_path / "ro"
    audio = make_audio(tmp_path / "a.mp3", 70, tone=True)
    Library(media).add(str(FIXTURES / "share_moments.txt"), str(audio), slug="ep")
    SearchIndex(Library(media)).rebuild()
    client = create_app({"TESTING": True, "MEDIA_DIR": str(media)}).test_client()
    assert client.get("/episodes/ep/clip.mp3?t=1,5").status_code == 200      # cached now
    ro.mkdir()
    code = PROBE.format(repo=str(REPO), ro=str(ro), fixture=str(FIXTURES / "share_moments.txt"),
                        audio=str(audio))
    script = tmp_path / "probe.py"
    script.write_text(code)
    done = subprocess.run(["unshare", "-m", "sh", "-c", f"mount --bind {media} {ro} && "
                           f"mount -o remount,bind,ro {ro} && {sys.executable} {script}"],
                          capture_output=True, text=True, timeout=180)
    assert done.returncode == 0, done.stderr
    out = json.loads(done.stdout.strip().splitlines()[-1])
    assert out["status"] == {"/": 200, "/episodes/ep": 200, "/episodes/ep/transcript.txt": 200,
                             "/search?q=lighthouse": 200, "/api/search?q=lighthouse": 200,
                             "/episodes/ep/clip.mp3?t=1,5": 200,      # cached: served
                             "/episodes/ep/clip.mp3?t=2,6": 503}      # new: cannot be made
    assert out["hits"] >= 1
    for name in ("add", "remove", "reindex"):
        code_, err = out[name]
        assert code_ == 2 and err.startswith("error: ") and err.count("\n") == 1, (name, err)
        assert "Read-only file system" in err and "Traceback" not in err
