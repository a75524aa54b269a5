"""A bounded least-recently-used cache."""

from __future__ import annotations

from collections import OrderedDict
from typing import Any, Hashable, Optional

from memo.stats import CacheStats

_MISSING = object()


class LRUCache:
    """Keeps at most ``maxsize`` entries; when full, the least recently *used* one goes.

    Both reads (:meth:`get`) and writes (:meth:`put`) count as a use.
    """

    def __init__(self, maxsize: int = 128) -> None:
        if maxsize < 1:
            raise ValueError("maxsize must be at least 1")
        self.maxsize = maxsize
        self.stats = CacheStats()
        self._data: "OrderedDict[Hashable, Any]" = OrderedDict()

    def get(self, key: Hashable, default: Optional[Any] = None) -> Any:
        """Return the cached value for ``key`` or ``default``."""
        value = self._data.get(key, _MISSING)
        if value is _MISSING:
            self.stats.misses += 1
            return default
        self.stats.hits += 1
        return value

    def put(self, key: Hashable, value: Any) -> None:
        """Store ``value`` under ``key``, evicting the least recently used entry if full."""
        if key in self._data:
            self._data.move_to_end(key)
        self._data[key] = value
        if len(self._data) > self.maxsize:
            self._data.popitem(last=False)
            self.stats.evictions += 1

    def pop(self, key: Hashable, default: Optional[Any] = None) -> Any:
        return self._data.pop(key, default)

    def clear(self) -> None:
        self._data.clear()

    def keys(self) -> list:
        """Keys from least to most recently used."""
        return list(self._data)

    def __contains__(self, key: object) -> bool:
        return key in self._data

    def __len__(self) -> int:
        return len(self._data)
