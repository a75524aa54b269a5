from datetime import date

from workdays import BusinessCalendar, add_business_days, business_days_between


def test_subtract_business_days_across_weekend():
    assert add_business_days(date(2024, 6, 10), -1) == date(2024, 6, 7)
    assert add_business_days(date(2024, 6, 12), -5) == date(2024, 6, 5)


def test_negative_days_skip_holidays():
    calendar = BusinessCalendar.with_holidays([date(2024, 6, 7)])
    assert add_business_days(date(2024, 6, 10), -1, calendar) == date(2024, 6, 6)


def test_add_then_count_back_is_consistent():
    start = date(2024, 6, 13)
    earlier = add_business_days(start, -7)
    assert earlier == date(2024, 6, 4)
    assert business_days_between(earlier, start) == 7
