"""Splitting sequences into batches and windows."""

from __future__ import annotations

from typing import List, Sequence, TypeVar

T = TypeVar("T")


def chunked(items: Sequence[T], size: int) -> List[List[T]]:
    """Consecutive batches of ``size`` items; the last batch may be shorter.

    >>> chunked([1, 2, 3, 4, 5], 2)
    [[1, 2], [3, 4], [5]]
    """
    if size < 1:
        raise ValueError("size must be at least 1")
    return [list(items[i:i + size]) for i in range(0, len(items) - size + 1, size)]


def sliding_windows(items: Sequence[T], width: int) -> List[List[T]]:
    """Every run of ``width`` consecutive items (none if there are fewer than ``width``)."""
    if width < 1:
        raise ValueError("width must be at least 1")
    return [list(items[i:i + width]) for i in range(len(items) - width + 1)]
