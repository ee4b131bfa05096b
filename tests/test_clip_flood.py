"""A flood of clip requests cannot exhaust the server: ranges snap to a grid so near-equal
ones share a cache entry, one encode per clip across processes, a bounded number of
encodes at once (503 + Retry-After past it), a per-client rate (429), encodes at a lower
priority, no temp files left by failed encodes, and a truncated cached clip made again."""
from __future__ import annotations

import os
import subprocess
import sys
import textwrap

import pytest

from support import FIXTURES, REPO, ffmpeg, make_audio
from webapp import create_app
from webapp.core import clips
from webapp.core.clip_slots import encoder_slot
from webapp.core.episodes import Library


@pytest.fixture(scope="module")
def media(tmp_path_factory):
    root = tmp_path_factory.mktemp("flood-media")
    audio = make_audio(root.parent / "tone.mp3", 70, tone=True)
    Library(root).add(str(FIXTURES / "share_moments.txt"), str(audio), title="Tone", slug="tone")
    return root


def client_for(media, tmp_path, **config):
    app = create_app({"TESTING": True, "MEDIA_DIR": str(media),
                      "CLIP_CACHE_DIR": str(tmp_path / "clips"), **config})
    return app.test_client()


def cached_clips(tmp_path):
    folder = tmp_path / "clips"
    return sorted(p.name for p in folder.iterdir() if p.suffix == ".mp3") if folder.exists() else []


def test_ranges_a_millisecond_apart_share_one_clip(media, tmp_path):
    client = client_for(media, tmp_path)
    for t in ("10.01,20.02", "10.04,20.05", "10.0,20.1", "10.09,20.001"):
        assert client.get(f"/episodes/tone/clip.mp3?t={t}").status_code == 200, t
    assert len(cached_clips(tmp_path)) == 1
    assert cached_clips(tmp_path)[0].startswith("tone-10000-20100-")


@pytest.mark.parametrize("start,end,duration,expected", [
    (10.01, 20.02, None, (10.0, 20.1)), (0, 300, None, (0, 300)), (0.05, 300.05, None, (0, 300)),
    (59.97, 60, 60.04, (59.9, 60)), (12.3, 21.8, 30, (12.3, 21.8)),
])
def test_snap(start, end, duration, expected):
    assert clips.snap(start, end, duration) == pytest.approx(expected)


def test_past_the_encoders_a_request_gets_503_with_retry_after(media, tmp_path):
    client = client_for(media, tmp_path, CLIP_ENCODERS=1)
    with encoder_slot(1, wait=0):               # another worker holds the only encoder
        busy = client.get("/episodes/tone/clip.mp3?t=1,5")
    assert busy.status_code == 503 and int(busy.headers["Retry-After"]) >= 1
    assert "try again" in busy.get_data(as_text=True) and busy.mimetype == "text/plain"
    assert client.get("/episodes/tone/clip.mp3?t=1,5").status_code == 200   # free again


def test_one_client_making_many_new_clips_gets_429_but_cached_ones_still_play(media, tmp_path):
    client = client_for(media, tmp_path, CLIP_RATE_PER_MINUTE=2)
    assert client.get("/episodes/tone/clip.mp3?t=1,2").status_code == 200
    refused = client.get("/episodes/tone/clip.mp3?t=3,4")
    assert refused.status_code == 429 and int(refused.headers["Retry-After"]) >= 1
    assert client.get("/episodes/tone/clip.mp3?t=1,2").status_code == 200   # cached: free
    other = client.get("/episodes/tone/clip.mp3?t=3,4", environ_base={"REMOTE_ADDR": "10.9.9.9"})
    assert other.status_code == 200


def logging_ffmpeg(tmp_path):
    """An ffmpeg that logs each call's niceness and arguments, then runs the real one."""
    log = tmp_path / "calls.log"
    script = tmp_path / "ffmpeg"
    script.write_text(textwrap.dedent(f"""\
        #!/bin/sh
        echo "$(nice) $*" >> {log}
        exec {ffmpeg()} "$@"
        """))
    script.chmod(0o755)
    return script, log


def test_encodes_run_at_a_lower_priority(tmp_path, media):
    converter, log = logging_ffmpeg(tmp_path)
    audio = media / "tone" / "audio.mp3"
    clips.get_clip(tmp_path / "cache", "tone", audio, 5, 8, converter=str(converter), niceness=7)
    calls = log.read_text().splitlines()
    assert len(calls) == 2 and all(int(c.split()[0]) >= 7 for c in calls)


def test_two_processes_asking_for_one_clip_encode_it_once(tmp_path, media):
    converter, log = logging_ffmpeg(tmp_path)
    audio = media / "tone" / "audio.mp3"
    code = (f"import sys; sys.path.insert(0, {str(REPO)!r}); from webapp.core import clips; "
            f"print(clips.get_clip({str(tmp_path / 'cache')!r}, 'tone', {str(audio)!r}, 20, 40, "
            f"converter={str(converter)!r}))")
    procs = [subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, text=True)
             for _ in range(3)]
    outputs = {p.communicate(timeout=120)[0].strip() for p in procs}
    assert all(p.returncode == 0 for p in procs)
    assert len(outputs) == 1
    encodes = [c for c in log.read_text().splitlines() if "pipe:0" in c]
    assert len(encodes) == 1
    assert sorted(p.name for p in (tmp_path / "cache").iterdir()) == [os.path.basename(outputs.pop())]


def test_a_truncated_cached_clip_is_made_again(tmp_path, media):
    audio = media / "tone" / "audio.mp3"
    path = clips.get_clip(tmp_path / "cache", "tone", audio, 10, 40)
    whole = path.stat().st_size
    with open(path, "r+b") as handle:
        handle.truncate(whole // 2)
    assert clips.cached(tmp_path / "cache", "tone", audio, 10, 40) is None
    again = clips.get_clip(tmp_path / "cache", "tone", audio, 10, 40)
    assert again == path and path.stat().st_size == whole


def test_a_failed_encode_leaves_no_temp_files(tmp_path, media, monkeypatch):
    tmpdir = tmp_path / "tmpdir"
    tmpdir.mkdir()
    monkeypatch.setenv("TMPDIR", str(tmpdir))
    monkeypatch.setattr("tempfile.tempdir", str(tmpdir))
    failing = tmp_path / "ffmpeg-fails-to-encode"
    failing.write_text(f'#!/bin/sh\ncase "$*" in *pipe:0*) exit 1;; esac\nexec {ffmpeg()} "$@"\n')
    failing.chmod(0o755)
    audio = media / "tone" / "audio.mp3"
    with pytest.raises(clips.ClipUnavailable):
        clips.get_clip(tmp_path / "cache", "tone", audio, 1, 9, converter=str(failing))
    left = [p.name for p in tmpdir.iterdir() if not p.name.startswith("listenalong-encoders-")]
    assert left == []                                   # (the encoder slots are kept, empty)
    assert [p.name for p in (tmp_path / "cache").iterdir()] == []
