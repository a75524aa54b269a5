"""Which days are business days."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import FrozenSet, Iterable


@dataclass(frozen=True)
class BusinessCalendar:
    """Weekends (``weekend`` weekday numbers, Monday = 0) and holidays are non-business days."""

    holidays: FrozenSet[date] = field(default_factory=frozenset)
    weekend: FrozenSet[int] = frozenset({5, 6})

    @classmethod
    def with_holidays(cls, holidays: Iterable[date]) -> "BusinessCalendar":
        return cls(frozenset(holidays))

    def is_business_day(self, day: date) -> bool:
        return day.weekday() not in self.weekend and day not in self.holidays


DEFAULT_CALENDAR = BusinessCalendar()
