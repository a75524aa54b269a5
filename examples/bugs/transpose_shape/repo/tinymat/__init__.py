"""tinymat: small dense matrices in pure Python."""

from tinymat.builders import from_rows, identity, zeros
from tinymat.linalg import determinant, solve, trace
from tinymat.matrix import Matrix, ShapeError

__all__ = ["Matrix", "ShapeError", "determinant", "from_rows", "identity", "solve", "trace", "zeros"]
