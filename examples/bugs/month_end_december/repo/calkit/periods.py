"""Monthly billing periods anchored on the calendar month."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import List

from calkit.months import add_months, month_end, month_start


@dataclass(frozen=True)
class BillingPeriod:
    """An inclusive range of days billed together."""

    start: date
    end: date

    def __contains__(self, day: date) -> bool:
        return self.start <= day <= self.end

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    def label(self) -> str:
        return self.start.strftime("%Y-%m")


def period_containing(day: date) -> BillingPeriod:
    """The calendar-month billing period that contains ``day``."""
    return BillingPeriod(month_start(day), month_end(day))


def billing_periods(first: date, count: int) -> List[BillingPeriod]:
    """``count`` consecutive monthly periods, the first one containing ``first``."""
    if count < 0:
        raise ValueError("count must not be negative")
    start = month_start(first)
    return [period_containing(add_months(start, i)) for i in range(count)]


def prorate(amount_cents: int, period: BillingPeriod, active_from: date) -> int:
    """Charge for the part of ``period`` from ``active_from`` on, rounded down to a cent."""
    if active_from not in period:
        raise ValueError(f"{active_from} is outside {period.label()}")
    active_days = (period.end - active_from).days + 1
    return amount_cents * active_days // period.days
