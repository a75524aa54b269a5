import pytest

from unitconv import IncompatibleUnits, UnitError, convert, parse_quantity


def test_lengths_and_masses():
    assert convert(1, "mi", "km") == pytest.approx(1.609344)
    assert convert(12, "inches", "ft") == pytest.approx(1.0)
    assert convert(1, "pound", "g") == pytest.approx(453.59237)


def test_temperatures():
    assert convert(100, "C", "F") == pytest.approx(212)
    assert convert(32, "°F", "celsius") == pytest.approx(0, abs=1e-9)
    assert convert(0, "K", "C") == pytest.approx(-273.15)


def test_incompatible_dimensions():
    with pytest.raises(IncompatibleUnits):
        convert(1, "m", "s")
    with pytest.raises(UnitError):
        convert(1, "kg", "h")


def test_parse_quantity():
    assert parse_quantity("3.5 km") == (3.5, "km")
    assert parse_quantity("-40 fahrenheit") == (-40.0, "F")
    with pytest.raises(UnitError):
        parse_quantity("lots")
