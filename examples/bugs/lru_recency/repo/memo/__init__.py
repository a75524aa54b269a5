"""memo: small in-process caches with hit/miss statistics."""

from memo.decorators import memoize
from memo.lru import LRUCache
from memo.stats import CacheStats
from memo.ttl import TTLCache

__all__ = ["CacheStats", "LRUCache", "TTLCache", "memoize"]
