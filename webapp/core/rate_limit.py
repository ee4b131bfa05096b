"""A token bucket per client: ``rate`` actions a minute, in bursts of up to ``burst``.
In memory, per process; the oldest clients are forgotten past ``clients``."""
from __future__ import annotations

import threading
import time
from collections import OrderedDict


class RateLimit:
    def __init__(self, per_minute: float, burst: int | None = None, clients: int = 10_000):
        self.rate = per_minute / 60.0
        self.burst = float(burst if burst is not None else max(1, round(per_minute / 2)))
        self.clients = clients
        self._buckets: OrderedDict[str, tuple[float, float]] = OrderedDict()
        self._lock = threading.Lock()

    def allow(self, client: str, now: float | None = None) -> bool:
        """Take one token for ``client``; False (and nothing taken) when it has none."""
        if self.rate <= 0:
            return True    # no limit
        now = time.monotonic() if now is None else now
        with self._lock:
            tokens, last = self._buckets.pop(client, (self.burst, now))
            tokens = min(self.burst, tokens + (now - last) * self.rate)
            allowed = tokens >= 1
            self._buckets[client] = (tokens - 1 if allowed else tokens, now)
            while len(self._buckets) > self.clients:
                self._buckets.popitem(last=False)
            return allowed

    def retry_after(self) -> int:
        """Seconds until a client that was refused has a token again."""
        return max(1, round(1 / self.rate)) if self.rate > 0 else 1
