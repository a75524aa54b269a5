from descstats import describe, median, quantile


def test_median_even_count_averages_middle_pair():
    assert median([1, 2, 3, 4]) == 2.5
    assert median([10, 2]) == 6


def test_median_agrees_with_half_quantile():
    data = [5, 1, 9, 3, 7, 11]
    assert median(data) == quantile(data, 0.5) == 6


def test_describe_even_sample():
    assert describe([4, 1, 3, 2])["median"] == 2.5
