"""Axis-aligned bounding boxes."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable

from planar.point import Point


@dataclass(frozen=True)
class BBox:
    """The rectangle ``[min_x, max_x] x [min_y, max_y]``."""

    min_x: float
    min_y: float
    max_x: float
    max_y: float

    @classmethod
    def around(cls, points: Iterable[Point]) -> "BBox":
        pts = list(points)
        if not pts:
            raise ValueError("cannot bound an empty set of points")
        xs = [p.x for p in pts]
        ys = [p.y for p in pts]
        return cls(min(xs), min(ys), max(xs), max(ys))

    @property
    def width(self) -> float:
        return self.max_x - self.min_x

    @property
    def height(self) -> float:
        return self.max_y - self.min_y

    def contains(self, point: Point) -> bool:
        return self.min_x <= point.x <= self.max_x and self.min_y <= point.y <= self.max_y

    def intersects(self, other: "BBox") -> bool:
        return not (other.min_x > self.max_x or other.max_x < self.min_x
                    or other.min_y > self.max_y or other.max_y < self.min_y)
