"""flagparse: declare options, parse argv into a dict, print help."""

from flagparse.errors import UsageError
from flagparse.parser import Option, Parser

__all__ = ["Option", "Parser", "UsageError"]
