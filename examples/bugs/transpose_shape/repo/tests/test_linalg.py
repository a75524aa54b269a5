import pytest

from tinymat import Matrix, ShapeError, determinant, solve, trace


def test_trace_and_determinant():
    a = Matrix([[2, 0, 1], [1, 3, 2], [1, 1, 2]])
    assert trace(a) == 7
    assert determinant(a) == pytest.approx(6.0)


def test_solve():
    a = Matrix([[2, 1], [1, 3]])
    assert solve(a, [3, 5]) == pytest.approx([0.8, 1.4])


def test_singular():
    with pytest.raises(ShapeError):
        solve(Matrix([[1, 2], [2, 4]]), [1, 2])
