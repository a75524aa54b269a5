"""The Matrix type: a rectangular grid of floats stored row by row."""

from __future__ import annotations

from typing import List, Sequence, Tuple


class ShapeError(ValueError):
    """Operands have incompatible shapes."""


class Matrix:
    """An ``n x m`` matrix. Rows are copied on construction, so callers may reuse lists."""

    def __init__(self, rows: Sequence[Sequence[float]]) -> None:
        if not rows or not rows[0]:
            raise ShapeError("a matrix needs at least one row and one column")
        width = len(rows[0])
        if any(len(row) != width for row in rows):
            raise ShapeError("all rows must have the same length")
        self.rows: List[List[float]] = [[float(x) for x in row] for row in rows]

    @property
    def shape(self) -> Tuple[int, int]:
        return len(self.rows), len(self.rows[0])

    def __getitem__(self, index: Tuple[int, int]) -> float:
        i, j = index
        return self.rows[i][j]

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Matrix) and self.rows == other.rows

    def __repr__(self) -> str:
        return f"Matrix({self.rows!r})"

    def column(self, j: int) -> List[float]:
        return [row[j] for row in self.rows]

    def transpose(self) -> "Matrix":
        """The ``m x n`` matrix with rows and columns swapped."""
        n = len(self.rows)
        return Matrix([[self.rows[i][j] for i in range(n)] for j in range(n)])

    def __add__(self, other: "Matrix") -> "Matrix":
        if self.shape != other.shape:
            raise ShapeError(f"cannot add {self.shape} and {other.shape}")
        return Matrix([[a + b for a, b in zip(r, s)] for r, s in zip(self.rows, other.rows)])

    def scale(self, factor: float) -> "Matrix":
        return Matrix([[x * factor for x in row] for row in self.rows])

    def __matmul__(self, other: "Matrix") -> "Matrix":
        """Matrix product ``self @ other``."""
        if self.shape[1] != other.shape[0]:
            raise ShapeError(f"cannot multiply {self.shape} by {other.shape}")
        cols = [other.column(j) for j in range(other.shape[1])]
        return Matrix([[sum(a * b for a, b in zip(row, col)) for col in cols] for row in self.rows])
