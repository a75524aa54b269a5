"""readable: format numbers for humans."""

from readable.durations import format_duration, parse_duration
from readable.numbers import intcomma, ordinal
from readable.sizes import format_bytes, parse_size

__all__ = ["format_bytes", "format_duration", "intcomma", "ordinal", "parse_duration", "parse_size"]
