"""planar: small 2-D geometry for maps and floor plans."""

from planar.bbox import BBox
from planar.point import Point
from planar.polygon import Polygon

__all__ = ["BBox", "Point", "Polygon"]
