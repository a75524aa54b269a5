"""Counting and adding business days."""

from __future__ import annotations

from datetime import date, timedelta

from workdays.calendar import DEFAULT_CALENDAR, BusinessCalendar

_ONE_DAY = timedelta(days=1)


def business_days_between(start: date, end: date, calendar: BusinessCalendar = DEFAULT_CALENDAR) -> int:
    """Business days in the half-open range ``[start, end)``; negative if ``end`` is before ``start``."""
    if end < start:
        return -business_days_between(end, start, calendar)
    count = 0
    day = start
    while day < end:
        if calendar.is_business_day(day):
            count += 1
        day += _ONE_DAY
    return count


def add_business_days(start: date, days: int, calendar: BusinessCalendar = DEFAULT_CALENDAR) -> date:
    """The date ``days`` business days after ``start`` (before it, if ``days`` is negative).

    ``start`` itself need not be a business day; ``days=0`` returns ``start`` unchanged.
    """
    day = start
    remaining = days
    while remaining > 0:
        day += _ONE_DAY
        if calendar.is_business_day(day):
            remaining -= 1
    return day
