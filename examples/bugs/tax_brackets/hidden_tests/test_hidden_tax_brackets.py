from paycalc import TaxTable, income_tax, make_payslip

TABLE = TaxTable.from_thresholds([1_000_000, 4_000_000], [0.0, 0.2, 0.4])


def test_top_bracket_taxes_only_the_excess():
    # 0% on the first 10k, 20% on the next 30k (6k), 40% on the last 10k (4k).
    assert income_tax(5_000_000, TABLE) == 1_000_000


def test_three_bracket_table():
    table = TaxTable.from_thresholds([100, 300], [0.1, 0.2, 0.5])
    assert income_tax(400, table) == 10 + 40 + 50


def test_payslip_in_top_bracket():
    slip = make_payslip(6_000_000, TABLE)
    assert slip.tax == 1_400_000
    assert slip.net == 4_600_000
