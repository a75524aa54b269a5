import pytest

from planar import Point, Polygon

SQUARE = [(0, 0), (4, 0), (4, 4), (0, 4)]


def test_square_measures():
    square = Polygon(SQUARE)
    assert square.area() == 16
    assert square.perimeter() == 16
    assert square.centroid() == Point(2, 2)


def test_triangle_area():
    assert Polygon([(0, 0), (6, 0), (0, 3)]).area() == 9


def test_orientation():
    assert not Polygon(SQUARE).is_clockwise()
    assert Polygon(list(reversed(SQUARE))).is_clockwise()


def test_contains():
    square = Polygon(SQUARE)
    assert square.contains(Point(1, 1))
    assert not square.contains(Point(5, 1))


def test_too_few_vertices():
    with pytest.raises(ValueError):
        Polygon([(0, 0), (1, 1)])
