import pytest

from verspec import InvalidVersion, Version


def test_parse_and_str():
    v = Version.parse("v1.2.3-beta.2")
    assert (v.major, v.minor, v.patch, v.prerelease) == (1, 2, 3, "beta.2")
    assert str(v) == "1.2.3-beta.2"
    with pytest.raises(InvalidVersion):
        Version.parse("1.2")


def test_numeric_ordering():
    versions = ["1.10.0", "1.9.0", "1.9.10", "0.99.0"]
    assert [str(v) for v in sorted(map(Version.parse, versions))] == ["0.99.0", "1.9.0", "1.9.10", "1.10.0"]


def test_prerelease_identifiers_compare_numerically():
    assert Version.parse("1.0.0-rc.2") < Version.parse("1.0.0-rc.10")
    assert Version.parse("1.0.0-alpha") < Version.parse("1.0.0-beta")
