"""A small shop package with a real bug (subtotal ignores quantity) to edit in tests."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

CART = '''"""Shopping cart."""
import math
from dataclasses import dataclass

from pkg.pricing import discount_for

TAX_RATE = 0.2


@dataclass
class Item:
    name: str
    price: float
    quantity: int = 1


class Cart:
    """A cart of items."""

    currency = "EUR"

    def __init__(self, owner):
        self.owner = owner
        self.items = []

    def add(self, item):
        self.items.append(item)

    @property
    def subtotal(self):
        return sum(i.price for i in self.items)

    @staticmethod
    def round_price(value):
        return math.floor(value * 100) / 100

    def total(self, code=None):
        """Total with tax and discount."""
        rate = discount_for(code)
        return self.round_price(self.subtotal * (1 - rate) * (1 + TAX_RATE))


class Wishlist:
    def __init__(self):
        self.items = []

    def add(self, item):
        self.items.append(item)


def empty_cart(owner):
    return Cart(owner)


if __name__ == "__main__":
    print(empty_cart("me").total())
'''

PRICING = '''CODES = {"HALF": 0.5}


def discount_for(code):
    if code is None:
        return 0.0
    return CODES[code]


class Coupon:
    def __init__(self, code):
        self.code = code

    def rate(self):
        return discount_for(self.code)
'''

LEGACY = "# -*- coding: latin-1 -*-\nNAME = 'caf\xe9'\n\n\ndef name():\n    return NAME\n".encode("latin-1")

@pytest.fixture
def shop(make_repo) -> Path:
    repo = make_repo({"pkg/__init__.py": "", "pkg/cart.py": CART, "pkg/pricing.py": PRICING, "README.md": "shop\n"})
    (repo / "pkg/legacy.py").write_bytes(LEGACY)
    subprocess.run(["git", "-C", str(repo), "add", "pkg/legacy.py"], check=True)
    subprocess.run(["git", "-C", str(repo), "-c", "user.email=t@e", "-c", "user.name=t", "commit", "-qm", "legacy"],
                   check=True)
    return repo


def _git_apply(repo: Path, diff: str, *, check_only: bool = True) -> subprocess.CompletedProcess:
    args = ["git", "-C", str(repo), "apply", "--whitespace=nowarn"] + (["--check"] if check_only else []) + ["-"]
    return subprocess.run(args, input=diff, capture_output=True, text=True)


def _run_python(repo: Path, code: str) -> str:
    done = subprocess.run(["python3", "-c", code], cwd=repo, capture_output=True, text=True, timeout=30)
    assert done.returncode == 0, done.stderr
    return done.stdout.strip()


@pytest.fixture
def git_apply():
    """``git apply [--check]`` a diff in a repository; returns the completed process."""
    return _git_apply


@pytest.fixture
def run_python():
    """Run Python code in a repository's root and return its stdout (fails on a non-zero exit)."""
    return _run_python
