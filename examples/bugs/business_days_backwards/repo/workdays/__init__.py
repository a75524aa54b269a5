"""workdays: business-day arithmetic."""

from workdays.calendar import BusinessCalendar
from workdays.counting import add_business_days, business_days_between
from workdays.holidays import fixed_holidays, observed

__all__ = ["BusinessCalendar", "add_business_days", "business_days_between", "fixed_holidays", "observed"]
