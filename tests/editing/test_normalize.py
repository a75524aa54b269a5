"""Normalisation for dedup and voting: equal when only form differs, different when behaviour does."""

from __future__ import annotations

from editing import apply_answer, normalize_change, normalize_patch

BEFORE = '''import os


class Cart:
    """A cart."""

    def subtotal(self):
        return sum(i.price for i in self.items)

    def count(self):
        return len(self.items)


def helper():
    return os.sep
'''

FORM_A = BEFORE.replace(
    "        return sum(i.price for i in self.items)",
    "        # count every unit\n        return sum(i.price * i.quantity for i in self.items)",
)
FORM_B = BEFORE.replace(
    "    def subtotal(self):\n        return sum(i.price for i in self.items)",
    '    def subtotal(self):\n        """Sum of price times quantity."""\n'
    "        return sum(\n            (i.price * i.quantity)   for i in self.items\n        )  # fixed",
)
DIFFERENT = BEFORE.replace("        return sum(i.price for i in self.items)",
                           "        return sum(i.price + i.quantity for i in self.items)")


def test_comments_docstrings_and_layout_do_not_matter():
    a = normalize_change("pkg/cart.py", BEFORE, FORM_A)
    assert a == normalize_change("pkg/cart.py", BEFORE, FORM_B)
    assert a.startswith("pkg/cart.py::Cart.subtotal\n")
    assert "count" not in a


def test_a_real_difference_is_kept():
    assert normalize_change("pkg/cart.py", BEFORE, FORM_A) != normalize_change("pkg/cart.py", BEFORE, DIFFERENT)


def test_comment_or_docstring_only_change_normalises_to_nothing():
    only_doc = BEFORE.replace('"""A cart."""', '"""A shopping cart."""').replace("import os", "import os  # paths")
    assert normalize_change("pkg/cart.py", BEFORE, only_doc) == ""


def test_class_attributes_and_module_statements_are_units_too():
    changed = BEFORE.replace('    """A cart."""\n', '    """A cart."""\n\n    limit = 3\n').replace(
        "import os", "import os\nimport sys")
    out = normalize_change("pkg/cart.py", BEFORE, changed)
    assert "pkg/cart.py::<module>\nimport os\nimport sys" in out
    assert "pkg/cart.py::Cart\nclass Cart:\n    pass\nlimit = 3" in out


def test_unparseable_or_non_python_files_fall_back_to_whitespace_normalised_lines():
    a = normalize_change("README.md", "Title\n\nold  text\n", "Title\n\nnew   text\n")
    assert a == normalize_change("README.md", "Title\n\nold text\n", "Title\n\nnew text\n")
    assert a == "README.md\n-old text\n+new text"
    assert normalize_change("bad.py", "def f(:\n", "def f(:\n  x\n") == "bad.py\n+x"


def test_normalize_patch_of_two_answers_with_different_form_is_equal(shop):
    fenced = "### pkg/pricing.py\n```python\ndef discount_for(code):\n    if code is None:\n        return 0.0\n    return CODES.get(code, 0.0)\n```"
    bare = ("def discount_for(code):\n    '''Rate of a code; unknown codes give 0.'''\n"
            "    if code is None:  # no code\n        return 0.0\n    return CODES.get(code,0.0)\n")
    a = apply_answer(shop, fenced)
    b = apply_answer(shop, bare, context_paths=["pkg/pricing.py"])
    assert a.diff != b.diff
    assert a.normalized == b.normalized
    assert normalize_patch(shop, a.diff) == a.normalized == normalize_patch(shop, b.diff)
