"""calkit: calendar arithmetic for monthly billing."""

from calkit.months import add_months, month_end, month_start
from calkit.periods import BillingPeriod, billing_periods, period_containing

__all__ = [
    "BillingPeriod",
    "add_months",
    "billing_periods",
    "month_end",
    "month_start",
    "period_containing",
]
