import pytest

from mixtape import Track, format_duration


def test_format_duration():
    assert format_duration(245) == "4:05"
    assert format_duration(3725) == "1:02:05"
    with pytest.raises(ValueError):
        format_duration(-1)


def test_label():
    assert Track("Blue", "Joni", 185).label() == "Joni - Blue (3:05)"
