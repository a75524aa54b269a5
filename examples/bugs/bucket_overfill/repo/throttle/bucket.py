"""The token bucket algorithm."""

from __future__ import annotations

import time
from typing import Callable


class TokenBucket:
    """Holds up to ``capacity`` tokens, refilled continuously at ``rate`` tokens per second.

    A full bucket allows a burst of ``capacity`` requests; after that, requests are admitted
    at ``rate`` per second. ``clock`` returns seconds and is injectable for tests.
    """

    def __init__(self, rate: float, capacity: float, clock: Callable[[], float] = time.monotonic) -> None:
        if rate <= 0 or capacity <= 0:
            raise ValueError("rate and capacity must be positive")
        self.rate = rate
        self.capacity = capacity
        self._clock = clock
        self._tokens = capacity
        self._updated = clock()

    def _refill(self) -> None:
        now = self._clock()
        elapsed = max(0.0, now - self._updated)
        self._tokens = self._tokens + elapsed * self.rate
        self._updated = now

    @property
    def tokens(self) -> float:
        """Tokens available right now."""
        self._refill()
        return self._tokens

    def try_acquire(self, tokens: float = 1.0) -> bool:
        """Take ``tokens`` if available; return whether they were taken."""
        if tokens > self.capacity:
            raise ValueError(f"cannot acquire {tokens} tokens from a bucket of {self.capacity}")
        self._refill()
        if self._tokens >= tokens:
            self._tokens -= tokens
            return True
        return False

    def wait_time(self, tokens: float = 1.0) -> float:
        """Seconds until ``tokens`` will be available (0 if they are now)."""
        missing = tokens - self.tokens
        return max(0.0, missing / self.rate)
