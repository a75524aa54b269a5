"""A sliding-window request counter."""

from __future__ import annotations

import time
from collections import deque
from typing import Callable, Deque


class SlidingWindowCounter:
    """Counts events in the last ``window`` seconds and admits at most ``limit`` of them."""

    def __init__(self, limit: int, window: float, clock: Callable[[], float] = time.monotonic) -> None:
        self.limit = limit
        self.window = window
        self._clock = clock
        self._events: Deque[float] = deque()

    def _expire(self, now: float) -> None:
        while self._events and self._events[0] <= now - self.window:
            self._events.popleft()

    def count(self) -> int:
        self._expire(self._clock())
        return len(self._events)

    def hit(self) -> bool:
        """Record an event if under the limit; return whether it was admitted."""
        now = self._clock()
        self._expire(now)
        if len(self._events) >= self.limit:
            return False
        self._events.append(now)
        return True
