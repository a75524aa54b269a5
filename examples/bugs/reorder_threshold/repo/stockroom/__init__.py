"""stockroom: inventory tracking for small shops."""

from stockroom.errors import InsufficientStock, StockError, UnknownSku
from stockroom.inventory import Inventory
from stockroom.items import Item
from stockroom.report import low_stock_report

__all__ = ["InsufficientStock", "Inventory", "Item", "StockError", "UnknownSku", "low_stock_report"]
