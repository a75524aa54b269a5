from readable import format_bytes, parse_size


def test_exact_unit_boundaries():
    assert format_bytes(1024) == "1.0 KiB"
    assert format_bytes(1024 ** 2) == "1.0 MiB"
    assert format_bytes(1024 ** 3, precision=0) == "1 GiB"


def test_roundtrip_of_parsed_sizes():
    assert format_bytes(parse_size("1 MiB")) == "1.0 MiB"
