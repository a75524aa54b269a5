import pytest

from verspec import Range, Version, bump, max_satisfying


def test_range_contains():
    rng = Range(">=1.2.0, <2.0.0")
    assert rng.contains(Version.parse("1.5.0"))
    assert not rng.contains(Version.parse("2.0.0"))
    assert not rng.contains(Version.parse("1.5.0-rc.1"))


def test_max_satisfying():
    assert max_satisfying(["1.2.0", "1.4.1", "2.0.0"], ">=1.0.0,<2.0.0") == "1.4.1"
    assert max_satisfying(["0.1.0"], ">=1.0.0") is None


def test_bump():
    assert bump("1.2.3", "minor") == "1.3.0"
    assert bump("1.2.3", "major") == "2.0.0"
    assert bump("1.2.3-rc.1", "patch") == "1.2.3"
    with pytest.raises(ValueError):
        bump("1.2.3", "build")
