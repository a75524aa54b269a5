from planar import Point, Polygon


def test_clockwise_polygon_has_positive_area():
    clockwise = Polygon([(0, 0), (0, 4), (4, 4), (4, 0)])
    assert clockwise.area() == 16


def test_area_independent_of_orientation():
    pts = [(0, 0), (6, 0), (6, 2), (2, 2), (2, 5), (0, 5)]
    assert Polygon(pts).area() == Polygon(list(reversed(pts))).area() == 18


def test_centroid_still_correct_for_clockwise():
    assert Polygon([(0, 0), (0, 4), (4, 4), (4, 0)]).centroid() == Point(2, 2)
