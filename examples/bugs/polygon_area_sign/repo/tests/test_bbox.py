import pytest

from planar import BBox, Point, Polygon


def test_bbox_of_polygon():
    box = Polygon([(1, 2), (5, 2), (3, 7)]).bbox()
    assert box == BBox(1, 2, 5, 7)
    assert (box.width, box.height) == (4, 5)


def test_intersects_and_contains():
    a, b = BBox(0, 0, 2, 2), BBox(1, 1, 3, 3)
    assert a.intersects(b) and b.intersects(a)
    assert not a.intersects(BBox(5, 5, 6, 6))
    assert a.contains(Point(2, 2))


def test_empty_bbox():
    with pytest.raises(ValueError):
        BBox.around([])
