"""unitconv: unit conversion for lengths, masses, durations and temperatures."""

from unitconv.convert import convert, parse_quantity
from unitconv.errors import IncompatibleUnits, UnitError, UnknownUnit
from unitconv.registry import Unit, find_unit

__all__ = ["IncompatibleUnits", "Unit", "UnitError", "UnknownUnit", "convert", "find_unit", "parse_quantity"]
