"""``@memoize``: cache a function's results in an :class:`LRUCache`."""

from __future__ import annotations

import functools
from typing import Any, Callable, TypeVar

from memo.lru import LRUCache

F = TypeVar("F", bound=Callable[..., Any])
_SENTINEL = object()


def _make_key(args: tuple, kwargs: dict) -> tuple:
    return args + tuple(sorted(kwargs.items())) if kwargs else args


def memoize(maxsize: int = 128) -> Callable[[F], F]:
    """Decorator caching results by positional and keyword arguments (which must be hashable).

    The wrapped function gains a ``cache`` attribute holding its :class:`LRUCache`.
    """

    def decorate(func: F) -> F:
        cache = LRUCache(maxsize)

        @functools.wraps(func)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            key = _make_key(args, kwargs)
            result = cache.get(key, _SENTINEL)
            if result is _SENTINEL:
                result = func(*args, **kwargs)
                cache.put(key, result)
            return result

        wrapper.cache = cache  # type: ignore[attr-defined]
        return wrapper  # type: ignore[return-value]

    return decorate
