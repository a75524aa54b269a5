"""Progressive income tax: each rate applies only to the part of income inside its bracket."""

from __future__ import annotations

from dataclasses import dataclass
from typing import List, Optional, Sequence


@dataclass(frozen=True)
class Bracket:
    """Income from ``lower`` (inclusive) up to ``upper`` (exclusive; None = no limit), in cents."""

    lower: int
    upper: Optional[int]
    rate: float


class TaxTable:
    """Contiguous brackets starting at zero, ordered by lower bound."""

    def __init__(self, brackets: Sequence[Bracket]) -> None:
        ordered: List[Bracket] = sorted(brackets, key=lambda b: b.lower)
        if not ordered or ordered[0].lower != 0:
            raise ValueError("the first bracket must start at 0")
        for prev, nxt in zip(ordered, ordered[1:]):
            if prev.upper != nxt.lower:
                raise ValueError(f"brackets must be contiguous: {prev} then {nxt}")
        if ordered[-1].upper is not None:
            raise ValueError("the last bracket must be open-ended")
        self.brackets = ordered

    @classmethod
    def from_thresholds(cls, thresholds: Sequence[int], rates: Sequence[float]) -> "TaxTable":
        """``from_thresholds([1_000_000, 4_000_000], [0.0, 0.2, 0.4])`` (thresholds in cents)."""
        if len(rates) != len(thresholds) + 1:
            raise ValueError("need exactly one more rate than thresholds")
        bounds = [0, *thresholds, None]
        return cls([Bracket(bounds[i], bounds[i + 1], rates[i]) for i in range(len(rates))])

    def marginal_rate(self, income: int) -> float:
        for bracket in self.brackets:
            if bracket.upper is None or income < bracket.upper:
                return bracket.rate
        raise AssertionError("unreachable: the last bracket is open-ended")


def income_tax(income: int, table: TaxTable) -> int:
    """Tax on ``income`` cents, rounded to the nearest cent (never negative)."""
    if income <= 0:
        return 0
    tax = 0.0
    for bracket in table.brackets:
        if income <= bracket.lower:
            break
        tax += (income - bracket.lower) * bracket.rate
    return int(round(tax))
