from tinymat import Matrix


def test_transpose_wide_matrix():
    m = Matrix([[1, 2, 3], [4, 5, 6]])
    t = m.transpose()
    assert t.shape == (3, 2)
    assert t == Matrix([[1, 4], [2, 5], [3, 6]])


def test_transpose_tall_matrix_and_gram():
    m = Matrix([[1, 2], [3, 4], [5, 6]])
    assert m.transpose().shape == (2, 3)
    assert m.transpose() @ m == Matrix([[35, 44], [44, 56]])
