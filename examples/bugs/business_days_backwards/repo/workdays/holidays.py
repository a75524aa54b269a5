"""Public holidays on fixed dates, with weekend observance."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Iterable, Set, Tuple


def observed(day: date) -> date:
    """The weekday a holiday is observed on: Saturday -> Friday, Sunday -> Monday."""
    if day.weekday() == 5:
        return day - timedelta(days=1)
    if day.weekday() == 6:
        return day + timedelta(days=1)
    return day


def fixed_holidays(years: Iterable[int], month_days: Iterable[Tuple[int, int]]) -> Set[date]:
    """Observed dates of the given (month, day) holidays in each year."""
    pairs = list(month_days)
    return {observed(date(year, month, day)) for year in years for month, day in pairs}
