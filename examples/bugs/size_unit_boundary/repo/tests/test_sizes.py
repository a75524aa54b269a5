import pytest

from readable import format_bytes, parse_size


def test_small_sizes_in_bytes():
    assert format_bytes(0) == "0 B"
    assert format_bytes(512) == "512 B"


def test_larger_sizes():
    assert format_bytes(1536) == "1.5 KiB"
    assert format_bytes(5 * 1024 ** 3 + 1) == "5.0 GiB"
    assert format_bytes(-2048 - 512, precision=2) == "-2.50 KiB"


def test_parse_size():
    assert parse_size("512") == 512
    assert parse_size("1.5 KiB") == 1536
    assert parse_size("20mib") == 20 * 1024 ** 2
    with pytest.raises(ValueError):
        parse_size("twelve")
