from ledger import Invoice
from ledger.money import to_cents


def test_to_cents_float_prices_are_exact():
    assert to_cents(19.99) == 1999
    assert to_cents(0.29) == 29
    assert to_cents("4.35") == 435


def test_invoice_total_for_float_price():
    invoice = Invoice("2024-002")
    invoice.add("Cable", 19.99, quantity=3)
    assert invoice.total_cents() == 5997
