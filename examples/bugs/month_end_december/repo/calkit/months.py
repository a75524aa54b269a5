"""Month boundaries and month arithmetic on :class:`datetime.date`."""

from __future__ import annotations

from datetime import date, timedelta


def is_leap_year(year: int) -> bool:
    """Gregorian leap-year rule."""
    return year % 4 == 0 and (year % 100 != 0 or year % 400 == 0)


def days_in_month(year: int, month: int) -> int:
    """Number of days in ``month`` of ``year`` (1-12)."""
    if not 1 <= month <= 12:
        raise ValueError(f"month must be in 1..12, got {month}")
    if month == 2:
        return 29 if is_leap_year(year) else 28
    return 30 if month in (4, 6, 9, 11) else 31


def month_start(day: date) -> date:
    """The first day of the month containing ``day``."""
    return day.replace(day=1)


def month_end(day: date) -> date:
    """The last day of the month containing ``day``.

    >>> month_end(date(2024, 2, 10))
    datetime.date(2024, 2, 29)
    """
    first_of_next = date(day.year, day.month + 1, 1)
    return first_of_next - timedelta(days=1)


def add_months(day: date, months: int) -> date:
    """Shift ``day`` by ``months`` (may be negative), clamping to the month's last day.

    >>> add_months(date(2024, 1, 31), 1)
    datetime.date(2024, 2, 29)
    """
    index = day.year * 12 + (day.month - 1) + months
    year, month = divmod(index, 12)
    month += 1
    return date(year, month, min(day.day, days_in_month(year, month)))
