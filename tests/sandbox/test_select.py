"""Regression test selection by naming conventions and imports."""

from __future__ import annotations

from pathlib import Path

from sandbox import select_regression_tests
from sandbox.select import module_names


def _write(root: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text)
    return root


def test_naming_then_imports(tmp_path):
    repo = _write(tmp_path, {
        "src/shop/cart.py": "def total(): return 0\n",
        "src/shop/price.py": "def price(): return 1\n",
        "tests/test_cart.py": "def test_x(): pass\n",
        "tests/test_checkout.py": "from shop.cart import total\n\ndef test_y(): pass\n",
        "tests/test_price.py": "import shop.price\n",
        "tests/test_unrelated.py": "import os\n",
        "tests/test_mentions_cart_in_text.py": "# cart is mentioned but not imported\n",
    })
    got = select_regression_tests(repo, ["src/shop/cart.py"])
    assert got == ["tests/test_cart.py", "tests/test_checkout.py"]


def test_from_package_import_module(tmp_path):
    repo = _write(tmp_path, {"pkg/util.py": "", "pkg/tests/test_misc.py": "from pkg import util\n"})
    assert select_regression_tests(repo, ["pkg/util.py"]) == ["pkg/tests/test_misc.py"]


def test_touched_test_files_come_first_and_graph_is_used(tmp_path):
    repo = _write(tmp_path, {"a.py": "", "tests/test_a.py": "", "tests/test_b.py": "", "tests/test_c.py": ""})

    class Graph:  # a scripted stand-in for retrieval's CodeGraph: only `importers` is read
        importers = {"a.py": {"tests/test_c.py", "b.py"}}

    got = select_regression_tests(repo, ["tests/test_b.py", "a.py"], graph=Graph())
    assert got == ["tests/test_b.py", "tests/test_a.py", "tests/test_c.py"]


def test_module_names_of_layouts():
    assert module_names("src/pkg/mod.py") == ["src.pkg.mod", "pkg.mod"]
    assert module_names("pkg/__init__.py") == ["pkg"]


def test_tests_reaching_the_changed_module_through_the_package_or_a_sibling(tmp_path):
    repo = _write(tmp_path, {
        "stats/__init__.py": "from .central import median\nfrom stats.spread import spread\n",
        "stats/central.py": "def median(xs): return xs[0]\n",
        "stats/spread.py": "def spread(xs): return 0\n",
        "stats/hidden.py": "def private(): pass\n",
        "stats/report.py": "from stats.hidden import private\n",
        "tests/test_api.py": "from stats import median\n",
        "tests/test_report.py": "from stats.report import *\n",
        "tests/test_other.py": "import json\n",
    })
    assert select_regression_tests(repo, ["stats/central.py"]) == ["tests/test_api.py"]
    assert select_regression_tests(repo, ["stats/spread.py"]) == ["tests/test_api.py"]
    # not imported by the package, but by a sibling module that a test imports
    assert select_regression_tests(repo, ["stats/hidden.py"]) == ["tests/test_report.py"]


def test_reexports_walk_up_and_nearest_tests_come_first(tmp_path):
    from sandbox.select import indirect_importers

    repo = _write(tmp_path, {
        "top/__init__.py": "from top.sub import *\n",
        "top/sub/__init__.py": "from . import mod\n",
        "top/sub/mod.py": "",
        "top/sub/tests/test_sub.py": "import top\n",
        "top/tests/test_top.py": "import top\n",
        "tests/test_far.py": "from top.sub import mod\n",
    })
    files = [str(p.relative_to(repo)) for p in repo.rglob("*.py")]
    assert indirect_importers(repo, "top/sub/mod.py", files) == {"top.sub", "top"}
    got = select_regression_tests(repo, ["top/sub/mod.py"], indirect_cap=2)
    assert got == ["tests/test_far.py", "top/sub/tests/test_sub.py", "top/tests/test_top.py"]
    assert select_regression_tests(repo, ["top/sub/mod.py"], indirect_cap=1) == [
        "tests/test_far.py", "top/sub/tests/test_sub.py"]
