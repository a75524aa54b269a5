import pytest

from descstats import mean, median, mode
from descstats._checks import StatisticsError


def test_mean():
    assert mean([1, 2, 3, 4]) == 2.5


def test_median_odd_count():
    assert median([7, 1, 3]) == 3
    assert median([5]) == 5


def test_mode():
    assert mode([1, 2, 2, 3, 3]) == [2, 3]
    with pytest.raises(StatisticsError):
        mode([1, 2, 3])


def test_empty_and_nan_rejected():
    with pytest.raises(StatisticsError):
        mean([])
    with pytest.raises(StatisticsError):
        median([1, float("nan"), 2])
