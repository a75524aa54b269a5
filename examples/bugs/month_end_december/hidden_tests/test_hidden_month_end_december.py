from datetime import date

from calkit.months import month_end
from calkit.periods import billing_periods


def test_month_end_in_december():
    assert month_end(date(2024, 12, 5)) == date(2024, 12, 31)


def test_billing_periods_across_new_year():
    periods = billing_periods(date(2024, 11, 20), 3)
    assert [p.label() for p in periods] == ["2024-11", "2024-12", "2025-01"]
    assert periods[1].end == date(2024, 12, 31)
