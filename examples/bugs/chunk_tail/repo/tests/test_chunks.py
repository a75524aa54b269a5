import pytest

from batchwork import chunked, sliding_windows


def test_even_chunks():
    assert chunked([1, 2, 3, 4, 5, 6], 2) == [[1, 2], [3, 4], [5, 6]]
    assert chunked("abcdef", 3) == [["a", "b", "c"], ["d", "e", "f"]]


def test_bad_size():
    with pytest.raises(ValueError):
        chunked([1], 0)


def test_sliding_windows():
    assert sliding_windows([1, 2, 3, 4], 3) == [[1, 2, 3], [2, 3, 4]]
    assert sliding_windows([1], 2) == []
