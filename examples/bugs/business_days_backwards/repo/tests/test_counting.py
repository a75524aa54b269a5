from datetime import date

from workdays import BusinessCalendar, add_business_days, business_days_between

MON = date(2024, 6, 3)


def test_add_business_days_skips_weekend():
    assert add_business_days(MON, 4) == date(2024, 6, 7)
    assert add_business_days(MON, 5) == date(2024, 6, 10)
    assert add_business_days(date(2024, 6, 8), 1) == date(2024, 6, 10)


def test_add_zero_days():
    assert add_business_days(date(2024, 6, 8), 0) == date(2024, 6, 8)


def test_between():
    assert business_days_between(MON, date(2024, 6, 10)) == 5
    assert business_days_between(date(2024, 6, 10), MON) == -5


def test_holidays_are_skipped():
    calendar = BusinessCalendar.with_holidays([date(2024, 6, 4)])
    assert add_business_days(MON, 1, calendar) == date(2024, 6, 5)
    assert business_days_between(MON, date(2024, 6, 10), calendar) == 4
