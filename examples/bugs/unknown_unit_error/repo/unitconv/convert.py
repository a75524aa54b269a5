"""Conversions between registered units."""

from __future__ import annotations

import re
from typing import Tuple

from unitconv.errors import IncompatibleUnits, UnitError
from unitconv.registry import find_unit

_QUANTITY_RE = re.compile(r"^\s*([-+]?\d+(?:\.\d+)?(?:[eE][-+]?\d+)?)\s*(.+?)\s*$")


def convert(value: float, src: str, dst: str) -> float:
    """Convert ``value`` from unit ``src`` to unit ``dst``.

    >>> round(convert(100, "C", "F"), 6)
    212.0
    """
    a, b = find_unit(src), find_unit(dst)
    if a.dimension != b.dimension:
        raise IncompatibleUnits(f"cannot convert {a.dimension} ({a.name}) to {b.dimension} ({b.name})")
    base = value * a.factor + a.offset
    return (base - b.offset) / b.factor


def parse_quantity(text: str) -> Tuple[float, str]:
    """Split ``"3.5 km"`` into ``(3.5, "km")``; the unit must be registered."""
    match = _QUANTITY_RE.match(text)
    if not match:
        raise UnitError(f"not a quantity: {text!r}")
    number, unit = match.groups()
    return float(number), find_unit(unit).name
