"""logday: daily summaries of access logs in the site's local time zone."""

from logday.buckets import group_by_day, local_day
from logday.events import LogEvent, parse_line, parse_lines
from logday.summary import DaySummary, summarise

__all__ = ["DaySummary", "LogEvent", "group_by_day", "local_day", "parse_line", "parse_lines", "summarise"]
