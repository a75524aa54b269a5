"""Per-key rate limiting (e.g. per client IP or API key)."""

from __future__ import annotations

import time
from typing import Callable, Dict, Hashable

from throttle.bucket import TokenBucket


class RateLimited(Exception):
    """The caller exceeded its rate; ``retry_after`` is in seconds."""

    def __init__(self, key: Hashable, retry_after: float) -> None:
        super().__init__(f"rate limit exceeded for {key!r}; retry after {retry_after:.2f}s")
        self.key = key
        self.retry_after = retry_after


class RateLimiter:
    """One token bucket per key, created on first use."""

    def __init__(self, rate: float, burst: float, clock: Callable[[], float] = time.monotonic) -> None:
        self.rate = rate
        self.burst = burst
        self._clock = clock
        self._buckets: Dict[Hashable, TokenBucket] = {}

    def bucket(self, key: Hashable) -> TokenBucket:
        if key not in self._buckets:
            self._buckets[key] = TokenBucket(self.rate, self.burst, self._clock)
        return self._buckets[key]

    def allow(self, key: Hashable) -> bool:
        return self.bucket(key).try_acquire()

    def check(self, key: Hashable) -> None:
        """Raise :class:`RateLimited` if ``key`` may not make a request now."""
        bucket = self.bucket(key)
        if not bucket.try_acquire():
            raise RateLimited(key, bucket.wait_time())
