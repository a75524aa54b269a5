from paycalc import Deduction, TaxTable, make_payslip, total_deductions

TABLE = TaxTable.from_thresholds([1_000_000, 4_000_000], [0.0, 0.2, 0.4])


def test_deductions():
    pension = Deduction("pension", percent=5, cap=100_000)
    union = Deduction("union", fixed=12_000)
    assert pension.amount(1_000_000) == 50_000
    assert pension.amount(10_000_000) == 100_000
    assert total_deductions(1_000_000, [pension, union]) == 62_000
    assert total_deductions(5_000, [union]) == 5_000


def test_payslip_below_top_bracket():
    slip = make_payslip(2_050_000, TABLE, [Deduction("pension", fixed=50_000)])
    assert slip.taxable == 2_000_000
    assert slip.tax == 200_000
    assert slip.net == 1_800_000
    assert round(slip.effective_rate, 4) == 0.0976
