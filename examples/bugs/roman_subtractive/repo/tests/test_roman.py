import pytest

from numerals import from_roman, to_roman


def test_to_roman():
    assert to_roman(1994) == "MCMXCIV"
    assert to_roman(3999) == "MMMCMXCIX"
    assert to_roman(8) == "VIII"


def test_to_roman_range():
    with pytest.raises(ValueError):
        to_roman(0)
    with pytest.raises(TypeError):
        to_roman(2.5)


def test_from_roman_additive_numerals():
    assert from_roman("VIII") == 8
    assert from_roman("mdclxvi") == 1666
    assert from_roman(" XXVII ") == 27


def test_from_roman_rejects_garbage():
    with pytest.raises(ValueError, match="bad symbol"):
        from_roman("XIZ")
    with pytest.raises(ValueError, match="canonical"):
        from_roman("IIII")
    with pytest.raises(ValueError):
        from_roman("")
