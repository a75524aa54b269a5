import pytest

from descstats import describe, iqr, quantile, stdev, variance


def test_variance_and_stdev():
    data = [2, 4, 4, 4, 5, 5, 7, 9]
    assert variance(data, sample=False) == 4
    assert stdev(data, sample=False) == 2
    assert variance([1, 3]) == 2


def test_quantile_interpolates():
    assert quantile([1, 2, 3, 4], 0.5) == 2.5
    assert quantile([10, 20, 30], 1.0) == 30
    assert iqr([1, 2, 3, 4, 5]) == 2


def test_describe_odd_sample():
    summary = describe([3, 1, 2])
    assert summary["median"] == 2
    assert summary["min"] == 1 and summary["max"] == 3
    assert summary["stdev"] == pytest.approx(1.0)
