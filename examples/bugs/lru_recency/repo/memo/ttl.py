"""A cache whose entries expire a fixed number of seconds after they are stored."""

from __future__ import annotations

import time
from typing import Any, Callable, Dict, Hashable, Optional, Tuple

from memo.stats import CacheStats


class TTLCache:
    """Entries live for ``ttl`` seconds; ``clock`` is injectable for tests."""

    def __init__(self, ttl: float, clock: Callable[[], float] = time.monotonic) -> None:
        if ttl <= 0:
            raise ValueError("ttl must be positive")
        self.ttl = ttl
        self.stats = CacheStats()
        self._clock = clock
        self._data: Dict[Hashable, Tuple[float, Any]] = {}

    def get(self, key: Hashable, default: Optional[Any] = None) -> Any:
        entry = self._data.get(key)
        if entry is None or entry[0] <= self._clock():
            self._data.pop(key, None)
            self.stats.misses += 1
            return default
        self.stats.hits += 1
        return entry[1]

    def put(self, key: Hashable, value: Any) -> None:
        self._data[key] = (self._clock() + self.ttl, value)

    def __len__(self) -> int:
        now = self._clock()
        return sum(1 for expires, _ in self._data.values() if expires > now)
