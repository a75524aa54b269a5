"""Immutable 2-D points/vectors."""

from __future__ import annotations

import math
from typing import NamedTuple


class Point(NamedTuple):
    """A point (or vector) in the plane."""

    x: float
    y: float

    def __add__(self, other: "Point") -> "Point":  # type: ignore[override]
        return Point(self.x + other.x, self.y + other.y)

    def __sub__(self, other: "Point") -> "Point":
        return Point(self.x - other.x, self.y - other.y)

    def scale(self, factor: float) -> "Point":
        return Point(self.x * factor, self.y * factor)

    def cross(self, other: "Point") -> float:
        """z component of the 3-D cross product; > 0 when ``other`` is counter-clockwise."""
        return self.x * other.y - self.y * other.x

    def distance_to(self, other: "Point") -> float:
        return math.hypot(self.x - other.x, self.y - other.y)
