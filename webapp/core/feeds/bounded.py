"""Reading a feed without letting it take the machine: its shape is bounded before any
parser that can be made slow sees it, and the reading itself runs in a child process
with a CPU limit.

feedparser's cost grows with the square of an element's attributes (a 430 KB feed of
one element with thousands of attributes took 16 s, 3.5 MB over two minutes), and its
loose parser reads feeds that are not well-formed XML, where no shape check can count
everything. So: (1) a well-formed feed is counted by expat first (attributes per
element, elements, depth) and refused past the limits; (2) every feed is read in a
forked child limited to ``cpu_seconds`` of CPU and ``wall_seconds`` of time, which is
killed past them and named as such.
"""
from __future__ import annotations

import os
import pickle
import resource
import select
import signal
import time
from xml.parsers import expat

MAX_ATTRIBUTES = 64        # per element; real feeds use a handful
MAX_ELEMENTS = 2_000_000   # a 20 MB feed of tiny elements stays under it
MAX_DEPTH = 64
CPU_SECONDS = 30
WALL_SECONDS = 60


class FeedTooHeavy(ValueError):
    """The feed is shaped to exhaust a parser, or reading it took too long."""


def check_shape(data: bytes) -> bool:
    """Refuse (:class:`FeedTooHeavy`) a feed with an element of more than MAX_ATTRIBUTES
    attributes, more than MAX_ELEMENTS elements or deeper than MAX_DEPTH. True when the
    feed was counted whole; False when it is not well-formed XML (counted up to the
    error; the child's CPU limit covers the rest)."""
    parser = expat.ParserCreate()
    depth = count = 0

    def start(name, attributes):
        nonlocal depth, count
        depth += 1
        count += 1
        if len(attributes) > MAX_ATTRIBUTES:
            raise FeedTooHeavy(f"an element <{name[:40]}> has {len(attributes):,} attributes "
                               f"(at most {MAX_ATTRIBUTES}); refused, as it is built to "
                               f"exhaust a parser")
        if depth > MAX_DEPTH:
            raise FeedTooHeavy(f"elements nest more than {MAX_DEPTH} deep; refused, as it is "
                               f"built to exhaust a parser")
        if count > MAX_ELEMENTS:
            raise FeedTooHeavy(f"more than {MAX_ELEMENTS:,} elements; refused")

    def end(name):
        nonlocal depth
        depth -= 1

    parser.StartElementHandler, parser.EndElementHandler = start, end
    try:
        parser.Parse(data, True)
    except (expat.ExpatError, ValueError, LookupError) as error:
        if isinstance(error, FeedTooHeavy):
            raise
        return False
    return True


def in_child(work, data: bytes, cpu_seconds: float = CPU_SECONDS,
             wall_seconds: float = WALL_SECONDS):
    """``work(data)`` run in a forked child with a CPU limit; its result (or the
    ValueError it raised, raised again here). Past either limit: :class:`FeedTooHeavy`."""
    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:
        os.close(read_end)
        _child(work, data, write_end, cpu_seconds)
    os.close(write_end)
    try:
        payload = _answer(pid, read_end, wall_seconds)
    finally:
        _, status = os.waitpid(pid, 0)
    if os.WIFSIGNALED(status) and os.WTERMSIG(status) in (signal.SIGXCPU, signal.SIGKILL):
        raise FeedTooHeavy(f"reading it took more than {cpu_seconds:.0f} s of CPU; refused, as "
                           f"it is built to exhaust a parser")
    if not payload:
        raise FeedTooHeavy(f"the process reading it stopped without an answer (exit status "
                           f"{status}); refused")
    kind, value = pickle.loads(payload)
    if kind == "error":
        raise value
    return value


def _child(work, data: bytes, write_end: int, cpu_seconds: float) -> None:
    """In the child: do the work under the CPU limit, send the pickled outcome, leave."""
    code = 0
    try:
        resource.setrlimit(resource.RLIMIT_CPU, (int(cpu_seconds), int(cpu_seconds) + 1))
        try:
            outcome = ("ok", work(data))
        except ValueError as error:
            outcome = ("error", error)
        payload = pickle.dumps(outcome)
        with os.fdopen(write_end, "wb") as out:
            out.write(payload)
    except BaseException:
        code = 1
    finally:
        os._exit(code)


def _answer(pid: int, read_end: int, wall_seconds: float) -> bytes:
    """What the child sent, read until it closes the pipe; killed past ``wall_seconds``."""
    chunks, ends = [], time.monotonic() + wall_seconds
    with os.fdopen(read_end, "rb", buffering=0) as pipe:
        while True:
            left = ends - time.monotonic()
            if left <= 0 or not select.select([pipe], [], [], left)[0]:
                os.kill(pid, signal.SIGKILL)
                raise FeedTooHeavy(f"reading it took more than {wall_seconds:.0f} s; refused")
            chunk = pipe.read(1 << 20)
            if not chunk:
                return b"".join(chunks)
            chunks.append(chunk)
