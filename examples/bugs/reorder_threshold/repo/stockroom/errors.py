"""Exceptions raised by stockroom."""


class StockError(Exception):
    """Base class for inventory errors."""


class UnknownSku(StockError, KeyError):
    """The SKU is not registered in the inventory."""


class InsufficientStock(StockError):
    """A removal asked for more units than are on hand."""
