import pytest

from numerals import from_roman, to_roman


def test_subtractive_numerals():
    assert from_roman("IV") == 4
    assert from_roman("XC") == 90
    assert from_roman("MCMXCIV") == 1994


def test_roundtrip_every_numeral():
    for number in range(1, 4000):
        assert from_roman(to_roman(number)) == number


def test_non_canonical_subtractive_forms_still_rejected():
    for bad in ("IIV", "VX", "IC"):
        with pytest.raises(ValueError, match="canonical"):
            from_roman(bad)
