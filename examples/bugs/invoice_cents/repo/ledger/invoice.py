"""Invoices made of line items, with optional tax rules."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import List

from ledger.money import Amount, format_cents, to_cents
from ledger.tax import TaxRule, apply_tax


@dataclass
class LineItem:
    """One billed product or service: ``quantity`` units at ``unit_cents`` each."""

    description: str
    unit_cents: int
    quantity: int = 1

    @classmethod
    def from_price(cls, description: str, price: Amount, quantity: int = 1) -> "LineItem":
        """Build an item from a price in currency units (``"9.99"``, ``9.99``...)."""
        if quantity < 1:
            raise ValueError("quantity must be at least 1")
        return cls(description, to_cents(price), quantity)

    @property
    def total_cents(self) -> int:
        return self.unit_cents * self.quantity


@dataclass
class Invoice:
    """A list of line items plus tax rules, in a single currency."""

    number: str
    currency: str = "USD"
    items: List[LineItem] = field(default_factory=list)
    taxes: List[TaxRule] = field(default_factory=list)

    def add(self, description: str, price: Amount, quantity: int = 1) -> LineItem:
        """Append a line item priced in currency units and return it."""
        item = LineItem.from_price(description, price, quantity)
        self.items.append(item)
        return item

    def subtotal_cents(self) -> int:
        return sum(item.total_cents for item in self.items)

    def tax_cents(self) -> int:
        subtotal = self.subtotal_cents()
        return sum(apply_tax(subtotal, rule) for rule in self.taxes)

    def total_cents(self) -> int:
        return self.subtotal_cents() + self.tax_cents()

    def render(self) -> str:
        """A plain-text rendering, one line per item and a total line."""
        lines = [f"Invoice {self.number}"]
        for item in self.items:
            amount = format_cents(item.total_cents, self.currency)
            lines.append(f"  {item.quantity} x {item.description}: {amount}")
        lines.append(f"  Tax: {format_cents(self.tax_cents(), self.currency)}")
        lines.append(f"  Total: {format_cents(self.total_cents(), self.currency)}")
        return "\n".join(lines)
