import pytest

from ledger.money import format_cents, split_cents, to_cents


def test_to_cents_from_string_and_int():
    assert to_cents("12.50") == 1250
    assert to_cents(3) == 300


def test_to_cents_rejects_bool():
    with pytest.raises(TypeError):
        to_cents(True)


def test_format_cents():
    assert format_cents(123450) == "$1,234.50"
    assert format_cents(-300, "EUR") == "-\u20ac3.00"
    assert format_cents(5, "CHF") == "CHF 0.05"


def test_split_cents_adds_up():
    assert split_cents(100, 3) == [34, 33, 33]
    assert sum(split_cents(1001, 7)) == 1001
