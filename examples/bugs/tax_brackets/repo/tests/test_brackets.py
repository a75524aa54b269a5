import pytest

from paycalc import Bracket, TaxTable, income_tax

TABLE = TaxTable.from_thresholds([1_000_000, 4_000_000], [0.0, 0.2, 0.4])


def test_table_validation():
    with pytest.raises(ValueError, match="contiguous"):
        TaxTable([Bracket(0, 100, 0.0), Bracket(200, None, 0.1)])
    with pytest.raises(ValueError, match="open-ended"):
        TaxTable([Bracket(0, 100, 0.0)])
    with pytest.raises(ValueError):
        TaxTable.from_thresholds([100], [0.1])


def test_marginal_rate():
    assert TABLE.marginal_rate(500_000) == 0.0
    assert TABLE.marginal_rate(1_000_000) == 0.2
    assert TABLE.marginal_rate(9_000_000) == 0.4


def test_tax_in_first_two_brackets():
    assert income_tax(0, TABLE) == 0
    assert income_tax(800_000, TABLE) == 0
    assert income_tax(1_500_000, TABLE) == 100_000


def test_single_flat_bracket():
    flat = TaxTable([Bracket(0, None, 0.25)])
    assert income_tax(1_000, flat) == 250
