"""Reports built from an inventory."""

from __future__ import annotations

from typing import List, NamedTuple

from stockroom.inventory import Inventory


class ReorderLine(NamedTuple):
    sku: str
    name: str
    on_hand: int
    order_qty: int


def low_stock_report(inventory: Inventory) -> List[ReorderLine]:
    """One line per item that needs reordering, sorted by SKU."""
    lines = []
    for sku in inventory.skus():
        if inventory.needs_reorder(sku):
            item = inventory.item(sku)
            lines.append(ReorderLine(sku, item.name, inventory.quantity(sku), item.reorder_qty))
    return lines


def format_report(lines: List[ReorderLine]) -> str:
    if not lines:
        return "Nothing to reorder."
    rows = [f"{line.sku:<10} {line.name:<20} {line.on_hand:>5} -> order {line.order_qty}" for line in lines]
    return "\n".join(rows)
