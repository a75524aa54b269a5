"""Hit/miss counters shared by every cache type."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass
class CacheStats:
    """Counters updated by a cache as it is used."""

    hits: int = 0
    misses: int = 0
    evictions: int = 0

    @property
    def lookups(self) -> int:
        return self.hits + self.misses

    @property
    def hit_rate(self) -> float:
        """Fraction of lookups that were hits; 0.0 before the first lookup."""
        return self.hits / self.lookups if self.lookups else 0.0

    def reset(self) -> None:
        self.hits = self.misses = self.evictions = 0
