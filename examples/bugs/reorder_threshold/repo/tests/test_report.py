from stockroom import Inventory, Item, low_stock_report
from stockroom.report import format_report


def test_report_lists_low_items():
    inv = Inventory()
    inv.register(Item("A", "Apples", 40, reorder_point=10, reorder_qty=50), on_hand=3)
    inv.register(Item("B", "Bananas", 30, reorder_point=10, reorder_qty=50), on_hand=40)
    lines = low_stock_report(inv)
    assert [line.sku for line in lines] == ["A"]
    assert "order 50" in format_report(lines)


def test_empty_report():
    assert format_report([]) == "Nothing to reorder."
