"""Conversions between user-facing amounts and integer cents.

All arithmetic in ledger happens on integers so that sums never drift;
these helpers are the only place where floats or strings are accepted.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Union

Amount = Union[int, float, str, Decimal]

CURRENCY_SYMBOLS = {"USD": "$", "EUR": "\u20ac", "GBP": "\u00a3"}


def to_cents(amount: Amount) -> int:
    """Convert an amount in currency units (e.g. ``"12.30"`` or ``12.3``) to cents.

    >>> to_cents("12.30")
    1230
    """
    if isinstance(amount, bool):
        raise TypeError("amount must be a number, not a bool")
    return int(float(amount) * 100)


def format_cents(cents: int, currency: str = "USD") -> str:
    """Render cents as a string such as ``$1,234.50`` or ``-$3.00``."""
    symbol = CURRENCY_SYMBOLS.get(currency, currency + " ")
    sign = "-" if cents < 0 else ""
    units, rest = divmod(abs(cents), 100)
    return f"{sign}{symbol}{units:,}.{rest:02d}"


def split_cents(cents: int, parts: int) -> list:
    """Split ``cents`` into ``parts`` near-equal integer shares that add up exactly.

    The first shares receive the leftover cents, so ``split_cents(100, 3)`` is
    ``[34, 33, 33]``.
    """
    if parts <= 0:
        raise ValueError("parts must be positive")
    base, extra = divmod(cents, parts)
    return [base + 1 if i < extra else base for i in range(parts)]
