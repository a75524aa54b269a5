"""Convenience constructors."""

from __future__ import annotations

from typing import Iterable, Sequence

from tinymat.matrix import Matrix


def zeros(n: int, m: int) -> Matrix:
    return Matrix([[0.0] * m for _ in range(n)])


def identity(n: int) -> Matrix:
    return Matrix([[1.0 if i == j else 0.0 for j in range(n)] for i in range(n)])


def from_rows(rows: Iterable[Sequence[float]]) -> Matrix:
    """Build a matrix from any iterable of rows (generators included)."""
    return Matrix([list(row) for row in rows])
