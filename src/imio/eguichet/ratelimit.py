"""A small in-memory limit of attempts per client address.

Each Zope process keeps its own counts, in memory and never in the ZODB:
checking an access code writes nothing, so attempts neither conflict nor
grow the database. With N processes behind a load balancer, a client gets at
most N times the limit, which still makes guessing an access code hopeless;
a restart forgets the counts.
"""

from collections import deque

import threading
import time


class AttemptLimiter:
    """At most ``attempts`` per client address in any ``window`` seconds."""

    def __init__(self, attempts: int, window: float, clock=time.monotonic):
        self.attempts = attempts
        self.window = window
        self.clock = clock
        self._seen = {}
        self._lock = threading.Lock()
        self._next_sweep = clock() + window

    def allow(self, client: str, attempts: int | None = None) -> bool:
        """Count an attempt of ``client``; False once it has used them all.

        ``attempts`` overrides the limit, for limits read from the registry.
        """
        limit = self.attempts if attempts is None else attempts
        now = self.clock()
        with self._lock:
            if now >= self._next_sweep:
                self._sweep(now)
            times = self._seen.setdefault(client or "", deque())
            _expire(times, now - self.window)
            if len(times) >= limit:
                return False
            times.append(now)
            return True

    def exhausted(self, client: str) -> bool:
        """Whether ``client`` has used all its attempts, counting none."""
        now = self.clock()
        with self._lock:
            times = self._seen.get(client or "")
            if not times:
                return False
            _expire(times, now - self.window)
            return len(times) >= self.attempts

    def count(self, client: str) -> None:
        """Count one (failed) attempt of ``client``."""
        self.allow(client)

    def reset(self):
        with self._lock:
            self._seen.clear()

    def _sweep(self, now: float):
        # Once per window, forget the clients without a recent attempt: the
        # memory used is bounded by the clients of the last two windows.
        for client in list(self._seen):
            _expire(self._seen[client], now - self.window)
            if not self._seen[client]:
                del self._seen[client]
        self._next_sweep = now + self.window


def _expire(times: deque, limit: float):
    while times and times[0] <= limit:
        times.popleft()
