"""Annual payslips."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable

from paycalc.brackets import TaxTable, income_tax
from paycalc.deductions import Deduction, total_deductions


@dataclass(frozen=True)
class Payslip:
    gross: int
    deductions: int
    taxable: int
    tax: int

    @property
    def net(self) -> int:
        return self.gross - self.deductions - self.tax

    @property
    def effective_rate(self) -> float:
        """Tax as a fraction of gross pay."""
        return self.tax / self.gross if self.gross else 0.0


def make_payslip(gross: int, table: TaxTable, deductions: Iterable[Deduction] = ()) -> Payslip:
    """Deductions come off before tax."""
    deducted = total_deductions(gross, deductions)
    taxable = gross - deducted
    return Payslip(gross, deducted, taxable, income_tax(taxable, table))
