"""static/js/share.js reads times (#t= fragments) by the same rules as the server (?t=)."""
from __future__ import annotations

import json
import os
import shutil
import subprocess

import pytest

from support import REPO
from test_moments import DURATION, INVALID_TIMES, MOMENTS, VALID_TIMES

SCRIPT = """
import { parseTime, parseMoment, formatTime, clock } from %s;
const input = JSON.parse(process.argv[1]);
const out = {
  times: input.times.map(parseTime),
  moments: input.moments.map((raw) => parseMoment(raw, input.duration)),
  formatted: [754, 754.5, 754.125, 0].map(formatTime),
  clocks: [0, 59.9, 754, 3723.7, 7560].map(clock),
};
console.log(JSON.stringify(out));
"""


@pytest.fixture(scope="module")
def run_js():
    node = shutil.which("node")
    if node is None:
        if os.environ.get("CI"):
            pytest.fail("Node.js is needed for the JavaScript tests")
        pytest.skip("Node.js is not installed")
    module = json.dumps((REPO / "static" / "js" / "share.js").as_uri())

    def run(payload: dict) -> dict:
        done = subprocess.run([node, "--input-type=module", "-e", SCRIPT % module,
                               json.dumps(payload)], capture_output=True, text=True, timeout=60)
        assert done.returncode == 0, done.stderr
        return json.loads(done.stdout)

    return run


def test_javascript_reads_times_like_the_server(run_js):
    texts = [t for t, _ in VALID_TIMES] + INVALID_TIMES
    result = run_js({"times": texts, "moments": [], "duration": DURATION})
    for text, got in zip(texts, result["times"]):
        expected = dict(VALID_TIMES).get(text)
        if expected is None:
            assert got is None, f"{text!r} should be refused, got {got}"
        else:
            assert got == pytest.approx(expected, abs=1e-3), text


def test_javascript_reads_moments_like_the_server(run_js):
    raws = [raw for raw, *_ in MOMENTS if raw is not None]
    result = run_js({"times": [], "moments": raws, "duration": DURATION})
    for (raw, start, end, _notice), got in zip([m for m in MOMENTS if m[0] is not None],
                                               result["moments"]):
        if start is None:
            assert got is None, raw
        else:
            assert got == {"start": start, "end": end}, raw


def test_javascript_formats_links_and_clocks(run_js):
    result = run_js({"times": [], "moments": [], "duration": DURATION})
    assert result["formatted"] == ["754", "754.5", "754.125", "0"]
    assert result["clocks"] == ["00:00:00", "00:00:59", "00:12:34", "01:02:03", "02:06:00"]
