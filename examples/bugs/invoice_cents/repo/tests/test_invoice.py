from ledger import Invoice, TaxRule


def test_totals_with_tax():
    invoice = Invoice("2024-001", taxes=[TaxRule("VAT", 20)])
    invoice.add("Widget", "10.50", quantity=2)
    invoice.add("Gadget", 4.25)
    assert invoice.subtotal_cents() == 2525
    assert invoice.tax_cents() == 505
    assert invoice.total_cents() == 3030


def test_render_lists_items():
    invoice = Invoice("A-7")
    invoice.add("Consulting", 100)
    text = invoice.render()
    assert "1 x Consulting: $100.00" in text
    assert text.endswith("Total: $100.00")
