"""ledger: small invoicing helpers that keep every amount as an integer number of cents."""

from ledger.invoice import Invoice, LineItem
from ledger.money import format_cents, to_cents
from ledger.tax import TaxRule, apply_tax

__all__ = ["Invoice", "LineItem", "TaxRule", "apply_tax", "format_cents", "to_cents"]
__version__ = "0.4.2"
