"""Simple (non-self-intersecting) polygons given by their vertices."""

from __future__ import annotations

from typing import Iterable, List, Sequence, Tuple

from planar.bbox import BBox
from planar.point import Point


class Polygon:
    """A closed polygon; vertices may be listed clockwise or counter-clockwise."""

    def __init__(self, vertices: Iterable[Sequence[float]]) -> None:
        self.vertices: List[Point] = [Point(float(v[0]), float(v[1])) for v in vertices]
        if len(self.vertices) < 3:
            raise ValueError("a polygon needs at least three vertices")

    def edges(self) -> List[Tuple[Point, Point]]:
        """Consecutive vertex pairs, including the closing edge."""
        vs = self.vertices
        return [(vs[i], vs[(i + 1) % len(vs)]) for i in range(len(vs))]

    def _signed_area(self) -> float:
        """Shoelace formula: positive for counter-clockwise vertex order."""
        return sum(a.cross(b) for a, b in self.edges()) / 2.0

    def area(self) -> float:
        """Enclosed area (always >= 0)."""
        return self._signed_area()

    def perimeter(self) -> float:
        return sum(a.distance_to(b) for a, b in self.edges())

    def is_clockwise(self) -> bool:
        return self._signed_area() < 0

    def centroid(self) -> Point:
        """Centre of mass of the enclosed region."""
        signed = self._signed_area()
        if signed == 0:
            raise ValueError("degenerate polygon has no centroid")
        cx = sum((a.x + b.x) * a.cross(b) for a, b in self.edges())
        cy = sum((a.y + b.y) * a.cross(b) for a, b in self.edges())
        return Point(cx / (6 * signed), cy / (6 * signed))

    def bbox(self) -> BBox:
        return BBox.around(self.vertices)

    def contains(self, point: Point) -> bool:
        """Even-odd ray casting; points exactly on an edge may go either way."""
        inside = False
        for a, b in self.edges():
            if (a.y > point.y) != (b.y > point.y):
                x_cross = a.x + (point.y - a.y) * (b.x - a.x) / (b.y - a.y)
                if point.x < x_cross:
                    inside = not inside
        return inside
