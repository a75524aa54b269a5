from datetime import date

from calkit.periods import billing_periods, period_containing, prorate


def test_three_periods_from_mid_month():
    periods = billing_periods(date(2024, 3, 14), 3)
    assert [p.label() for p in periods] == ["2024-03", "2024-04", "2024-05"]
    assert periods[1].days == 30


def test_prorate_half_month():
    period = period_containing(date(2024, 6, 1))
    assert prorate(3000, period, date(2024, 6, 16)) == 1500
