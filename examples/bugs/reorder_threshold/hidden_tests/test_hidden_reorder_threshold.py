from stockroom import Inventory, Item, low_stock_report


def test_item_exactly_at_reorder_point_needs_reorder():
    inv = Inventory()
    inv.register(Item("MUG-01", "Mug", 350, reorder_point=5, reorder_qty=24), on_hand=8)
    inv.remove("MUG-01", 3)
    assert inv.needs_reorder("MUG-01")


def test_report_includes_items_at_the_point():
    inv = Inventory()
    inv.register(Item("A", "Apples", 40, reorder_point=10, reorder_qty=50), on_hand=10)
    inv.register(Item("B", "Bananas", 30, reorder_point=10, reorder_qty=50), on_hand=11)
    assert [line.sku for line in low_stock_report(inv)] == ["A"]
