import pytest

from unitconv import UnitError, UnknownUnit, convert, find_unit, parse_quantity


def test_find_unit_raises_unknown_unit():
    with pytest.raises(UnknownUnit, match="furlong"):
        find_unit("furlong")


def test_convert_unknown_unit_is_a_unit_error():
    with pytest.raises(UnitError):
        convert(3, "parsec", "km")


def test_parse_quantity_with_unknown_unit():
    with pytest.raises(UnknownUnit):
        parse_quantity("7 cubits")
