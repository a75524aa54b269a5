import pytest

from tinymat import Matrix, ShapeError, identity, zeros


def test_shape_and_indexing():
    m = Matrix([[1, 2, 3], [4, 5, 6]])
    assert m.shape == (2, 3)
    assert m[1, 2] == 6.0
    assert m.column(1) == [2.0, 5.0]


def test_ragged_rows_rejected():
    with pytest.raises(ShapeError):
        Matrix([[1, 2], [3]])


def test_square_transpose():
    assert Matrix([[1, 2], [3, 4]]).transpose() == Matrix([[1, 3], [2, 4]])


def test_add_and_matmul():
    a = Matrix([[1, 2], [3, 4]])
    assert a + identity(2) == Matrix([[2, 2], [3, 5]])
    assert a @ Matrix([[1], [1]]) == Matrix([[3], [7]])
    with pytest.raises(ShapeError):
        a @ zeros(3, 1)
