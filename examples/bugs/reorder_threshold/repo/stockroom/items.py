"""Catalogue items."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Item:
    """A stocked product.

    ``reorder_point`` is the stock level at or below which the item should be
    reordered; ``reorder_qty`` is how many units a reorder brings in.
    """

    sku: str
    name: str
    unit_cost_cents: int
    reorder_point: int = 0
    reorder_qty: int = 0

    def __post_init__(self) -> None:
        if not self.sku.strip():
            raise ValueError("sku must not be blank")
        if self.reorder_point < 0 or self.reorder_qty < 0:
            raise ValueError("reorder settings must not be negative")
