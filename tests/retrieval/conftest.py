"""A small git repository the retrieval tests index."""

import subprocess
from pathlib import Path

import pytest

FILES = {
    "shop/__init__.py": '"""A tiny shop."""\n',
    "shop/cart.py": '''"""Shopping cart holding line items."""
from shop.pricing import apply_discount


class Cart:
    """A cart of items."""

    def __init__(self):
        self.items = []

    def add_item(self, name, price, quantity=1):
        """Add an item to the cart."""
        self.items.append((name, price, quantity))

    def total(self):
        """Sum of prices times quantities, after discounts."""
        subtotal = sum(price * quantity for _, price, quantity in self.items)
        return apply_discount(subtotal)
''',
    "shop/pricing.py": '''"""Prices and discounts."""

DISCOUNT_RATE = 0.1


def apply_discount(amount):
    """Take the discount rate off an amount above the threshold."""
    if amount > 100:
        return amount * (1 - DISCOUNT_RATE)
    return amount


def format_price(amount, currency="EUR"):
    """Render a price with two decimals and a currency symbol."""
    return f"{amount:.2f} {currency}"
''',
    "shop/inventory.py": '''"""Stock levels for the warehouse."""


class Inventory:
    def __init__(self):
        self.stock = {}

    def restock(self, name, count):
        self.stock[name] = self.stock.get(name, 0) + count

    def reserve(self, name, count):
        if self.stock.get(name, 0) < count:
            raise ValueError("not enough stock")
        self.stock[name] -= count
''',
    "tests/test_cart.py": '''from shop.cart import Cart


def test_total_discount():
    cart = Cart()
    cart.add_item("book", 120)
    assert cart.total() == 108
''',
}


def git(repo: Path, *args: str) -> None:
    subprocess.run(["git", "-C", str(repo), *args], check=True, capture_output=True)


@pytest.fixture
def shop_repo(tmp_path: Path) -> Path:
    repo = tmp_path / "shop"
    for path, text in FILES.items():
        (repo / path).parent.mkdir(parents=True, exist_ok=True)
        (repo / path).write_text(text)
    git(repo, "init", "-q")
    git(repo, "add", ".")
    git(repo, "-c", "user.name=t", "-c", "user.email=t@t", "commit", "-qm", "init")
    return repo
