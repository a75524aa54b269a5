from numerals import from_base, to_base, to_words


def test_bases():
    assert to_base(255, 16) == "ff"
    assert to_base(-5, 2) == "-101"
    assert to_base(0, 7) == "0"
    assert from_base("FF", 16) == 255


def test_words():
    assert to_words(0) == "zero"
    assert to_words(42) == "forty-two"
    assert to_words(115) == "one hundred and fifteen"
    assert to_words(1234) == "one thousand two hundred and thirty-four"
    assert to_words(2005) == "two thousand and five"
