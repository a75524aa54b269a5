from datetime import date

from workdays import fixed_holidays, observed


def test_observed():
    assert observed(date(2021, 12, 25)) == date(2021, 12, 24)   # Saturday
    assert observed(date(2022, 12, 25)) == date(2022, 12, 26)   # Sunday
    assert observed(date(2024, 12, 25)) == date(2024, 12, 25)


def test_fixed_holidays():
    assert fixed_holidays([2024, 2025], [(1, 1)]) == {date(2024, 1, 1), date(2025, 1, 1)}
