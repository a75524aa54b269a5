"""Tax rules applied to an invoice subtotal."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class TaxRule:
    """A named percentage tax, e.g. ``TaxRule("VAT", 20)``."""

    name: str
    percent: float

    def __post_init__(self) -> None:
        if self.percent < 0:
            raise ValueError(f"tax percent must not be negative: {self.percent}")


def apply_tax(subtotal_cents: int, rule: TaxRule) -> int:
    """Return the tax owed on ``subtotal_cents`` in cents, rounding half up."""
    raw = subtotal_cents * rule.percent / 100
    return int(raw + 0.5) if raw >= 0 else -int(-raw + 0.5)
