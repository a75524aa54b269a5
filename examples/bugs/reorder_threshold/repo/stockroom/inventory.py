"""Stock levels and the movements that change them."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Dict, List

from stockroom.errors import InsufficientStock, UnknownSku
from stockroom.items import Item


@dataclass(frozen=True)
class Movement:
    """A change in stock: positive for receipts, negative for sales/removals."""

    sku: str
    delta: int
    reason: str


class Inventory:
    """Tracks units on hand per SKU and keeps a movement log."""

    def __init__(self) -> None:
        self._items: Dict[str, Item] = {}
        self._on_hand: Dict[str, int] = {}
        self.movements: List[Movement] = []

    def register(self, item: Item, on_hand: int = 0) -> None:
        if item.sku in self._items:
            raise ValueError(f"duplicate sku {item.sku}")
        self._items[item.sku] = item
        self._on_hand[item.sku] = on_hand

    def item(self, sku: str) -> Item:
        try:
            return self._items[sku]
        except KeyError:
            raise UnknownSku(sku) from None

    def quantity(self, sku: str) -> int:
        self.item(sku)
        return self._on_hand[sku]

    def receive(self, sku: str, qty: int, reason: str = "receipt") -> None:
        if qty <= 0:
            raise ValueError("received quantity must be positive")
        self.item(sku)
        self._on_hand[sku] += qty
        self.movements.append(Movement(sku, qty, reason))

    def remove(self, sku: str, qty: int, reason: str = "sale") -> None:
        if qty <= 0:
            raise ValueError("removed quantity must be positive")
        if qty > self.quantity(sku):
            raise InsufficientStock(f"{sku}: asked for {qty}, have {self._on_hand[sku]}")
        self._on_hand[sku] -= qty
        self.movements.append(Movement(sku, -qty, reason))

    def needs_reorder(self, sku: str) -> bool:
        """True when the item's stock has fallen to its reorder point."""
        item = self.item(sku)
        return self._on_hand[sku] < item.reorder_point

    def stock_value_cents(self) -> int:
        return sum(self._items[s].unit_cost_cents * n for s, n in self._on_hand.items())

    def skus(self) -> List[str]:
        return sorted(self._items)
