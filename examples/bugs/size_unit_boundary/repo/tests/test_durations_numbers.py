import pytest

from readable import format_duration, intcomma, ordinal, parse_duration


def test_duration_roundtrip():
    assert format_duration(3903) == "1h 5m 3s"
    assert format_duration(0) == "0s"
    assert parse_duration("1h 5m 3s") == 3903
    assert parse_duration("90s") == 90
    with pytest.raises(ValueError):
        parse_duration("soon")


def test_numbers():
    assert intcomma(1234567) == "1,234,567"
    assert [ordinal(n) for n in (1, 2, 3, 4, 11, 12, 13, 21, 112)] == [
        "1st", "2nd", "3rd", "4th", "11th", "12th", "13th", "21st", "112th",
    ]
