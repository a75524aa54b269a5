"""Square-matrix algorithms: trace, determinant, linear solve (Gaussian elimination)."""

from __future__ import annotations

from typing import List, Sequence

from tinymat.matrix import Matrix, ShapeError


def _require_square(a: Matrix) -> int:
    n, m = a.shape
    if n != m:
        raise ShapeError(f"expected a square matrix, got {a.shape}")
    return n


def trace(a: Matrix) -> float:
    return sum(a[i, i] for i in range(_require_square(a)))


def _eliminate(rows: List[List[float]]) -> float:
    """Row-reduce ``rows`` in place to upper-triangular form; return the determinant sign factor."""
    n = len(rows)
    sign = 1.0
    for col in range(n):
        pivot = max(range(col, n), key=lambda r: abs(rows[r][col]))
        if rows[pivot][col] == 0:
            return 0.0
        if pivot != col:
            rows[col], rows[pivot] = rows[pivot], rows[col]
            sign = -sign
        for r in range(col + 1, n):
            factor = rows[r][col] / rows[col][col]
            rows[r] = [x - factor * y for x, y in zip(rows[r], rows[col])]
    return sign


def determinant(a: Matrix) -> float:
    n = _require_square(a)
    rows = [list(row) for row in a.rows]
    result = _eliminate(rows)
    for i in range(n):
        result *= rows[i][i]
    return result


def solve(a: Matrix, b: Sequence[float]) -> List[float]:
    """Solve ``a x = b`` for x; raises ShapeError for singular or mismatched input."""
    n = _require_square(a)
    if len(b) != n:
        raise ShapeError("right-hand side has the wrong length")
    rows = [list(row) + [float(v)] for row, v in zip(a.rows, b)]
    if _eliminate(rows) == 0.0:
        raise ShapeError("matrix is singular")
    x = [0.0] * n
    for i in reversed(range(n)):
        x[i] = (rows[i][n] - sum(rows[i][j] * x[j] for j in range(i + 1, n))) / rows[i][i]
    return x
