"""paycalc: payroll arithmetic in whole cents."""

from paycalc.brackets import Bracket, TaxTable, income_tax
from paycalc.deductions import Deduction, total_deductions
from paycalc.payslip import Payslip, make_payslip

__all__ = ["Bracket", "Deduction", "Payslip", "TaxTable", "income_tax", "make_payslip", "total_deductions"]
