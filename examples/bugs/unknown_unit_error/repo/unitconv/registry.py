"""The table of known units.

Each unit maps to a dimension and an affine transform to the dimension's base unit:
``base = value * factor + offset``. Only temperatures use an offset.
"""

from __future__ import annotations

from typing import Dict, NamedTuple

from unitconv.errors import UnknownUnit  # noqa: F401  (re-exported for callers of this module)


class Unit(NamedTuple):
    name: str
    dimension: str
    factor: float
    offset: float = 0.0


_UNITS = [
    Unit("m", "length", 1.0), Unit("km", "length", 1000.0), Unit("cm", "length", 0.01),
    Unit("mm", "length", 0.001), Unit("in", "length", 0.0254), Unit("ft", "length", 0.3048),
    Unit("mi", "length", 1609.344),
    Unit("kg", "mass", 1.0), Unit("g", "mass", 0.001), Unit("lb", "mass", 0.45359237),
    Unit("oz", "mass", 0.028349523125),
    Unit("s", "time", 1.0), Unit("min", "time", 60.0), Unit("h", "time", 3600.0),
    Unit("day", "time", 86400.0),
    Unit("K", "temperature", 1.0), Unit("C", "temperature", 1.0, 273.15),
    Unit("F", "temperature", 5 / 9, 273.15 - 32 * 5 / 9),
]

_ALIASES = {
    "metre": "m", "meter": "m", "kilometre": "km", "kilometer": "km", "inch": "in", "inches": "in", "foot": "ft",
    "feet": "ft", "mile": "mi", "gram": "g", "pound": "lb", "second": "s", "minute": "min",
    "hour": "h", "kelvin": "K", "celsius": "C", "fahrenheit": "F", "°c": "C", "°f": "F",
}

UNITS: Dict[str, Unit] = {unit.name: unit for unit in _UNITS}


def _canonical(name: str) -> str:
    text = name.strip()
    lowered = text.lower()
    singular = lowered[:-1] if lowered.endswith("s") and lowered[:-1] in _ALIASES else lowered
    return _ALIASES.get(singular, text)


def find_unit(name: str) -> Unit:
    """Look up a unit by symbol (``"km"``), name (``"kilometres"``) or alias (``"°F"``).

    Raises :class:`UnknownUnit` for names that are not registered.
    """
    return UNITS[_canonical(name)]
