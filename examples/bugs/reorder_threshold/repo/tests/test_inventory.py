import pytest

from stockroom import InsufficientStock, Inventory, Item, StockError, UnknownSku


def make_inventory():
    inv = Inventory()
    inv.register(Item("MUG-01", "Mug", 350, reorder_point=5, reorder_qty=24), on_hand=10)
    inv.register(Item("TEA-02", "Green tea", 500, reorder_point=2, reorder_qty=10), on_hand=1)
    return inv


def test_receive_and_remove():
    inv = make_inventory()
    inv.receive("MUG-01", 6)
    inv.remove("MUG-01", 4)
    assert inv.quantity("MUG-01") == 12
    assert [m.delta for m in inv.movements] == [6, -4]


def test_cannot_oversell():
    inv = make_inventory()
    with pytest.raises(InsufficientStock):
        inv.remove("TEA-02", 2)


def test_unknown_sku_is_a_stock_error():
    with pytest.raises(StockError):
        make_inventory().quantity("NOPE")
    with pytest.raises(UnknownSku):
        make_inventory().remove("NOPE", 1)


def test_needs_reorder_below_point():
    inv = make_inventory()
    assert inv.needs_reorder("TEA-02")
    assert not inv.needs_reorder("MUG-01")


def test_stock_value():
    assert make_inventory().stock_value_cents() == 10 * 350 + 500
