"""Pre-tax deductions such as pension contributions."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable, Optional


@dataclass(frozen=True)
class Deduction:
    """Either a fixed amount in cents or a percentage of gross pay, optionally capped."""

    name: str
    fixed: int = 0
    percent: float = 0.0
    cap: Optional[int] = None

    def amount(self, gross: int) -> int:
        value = self.fixed + int(round(gross * self.percent / 100))
        return min(value, self.cap) if self.cap is not None else value


def total_deductions(gross: int, deductions: Iterable[Deduction]) -> int:
    """Sum of all deductions, never more than ``gross``."""
    return min(gross, sum(d.amount(gross) for d in deductions))
