"""Extracting edits from messy model answers: fences, headers, bare code, search/replace, diffs."""

from __future__ import annotations

import pytest

from editing import EditError, parse_answer
from editing.parse_answer import CodeEdit, DiffEdit, SearchReplace, clean_path


def test_fenced_blocks_take_paths_from_headers_info_strings_and_comments():
    answer = """The bug is that `subtotal` ignores quantities. Here is the fix:

### pkg/cart.py
```python
def a():
    return 1
```

```python pkg/pricing.py
def b():
    return 2
```

File: `pkg/other.py`
```py
def c():
    return 3
```

```python
# pkg/fourth.py
def d():
    return 4
```
Hope this helps!
"""
    edits = parse_answer(answer).edits
    assert [e.path for e in edits] == ["pkg/cart.py", "pkg/pricing.py", "pkg/other.py", "pkg/fourth.py"]
    assert edits[0].code == "def a():\n    return 1\n"


def test_header_in_the_context_render_style_gives_a_qualname_hint():
    answer = "### target: pkg/cart.py:27-29 (Cart.subtotal)\n```python\ndef subtotal(self):\n    return 0\n```\n"
    (edit,) = parse_answer(answer).edits
    assert (edit.path, edit.hint) == ("pkg/cart.py", "Cart.subtotal")
    (edit,) = parse_answer("In a/pkg/cart.py::Cart.total:\n```python\ndef total(self):\n    pass\n```").edits
    assert (edit.path, edit.hint) == ("pkg/cart.py", "Cart.total")


def test_shell_and_output_blocks_are_ignored_with_a_note():
    answer = "Run:\n```bash\npytest -q\n```\n```python\ndef f():\n    return 1\n```\n"
    parsed = parse_answer(answer)
    assert [type(e) for e in parsed.edits] == [CodeEdit]
    assert any("bash" in n for n in parsed.notes)


def test_code_without_fences_between_prose():
    answer = """I changed two functions.

def foo(x):
    return x + 1

def bar():
    '''doc'''
    return 2

That should fix the issue. The method too:

    def method(self):
        return 1
Thanks.
"""
    edits = parse_answer(answer).edits
    assert [e.code.split("(")[0] for e in edits] == ["def foo", "    def method"]
    assert "def bar" in edits[0].code
    assert "That should" not in edits[0].code


def test_truncated_last_fence_is_dropped_with_a_note():
    answer = "```python\ndef ok():\n    return 1\n```\nAnd:\n```python\ndef cut(a):\n    if a:\n"
    parsed = parse_answer(answer)
    assert [e.code for e in parsed.edits] == ["def ok():\n    return 1\n"]
    assert any("cut off" in n for n in parsed.notes)


def test_truncated_bare_code_drops_only_the_cut_definition():
    answer = "Fix:\n\ndef ok():\n    return 1\n\ndef cut(a):\n    x = 1\n    if x:\n"
    parsed = parse_answer(answer)
    assert [e.code.strip() for e in parsed.edits] == ["def ok():\n    return 1"]
    assert parsed.notes


def test_only_a_truncated_fence_is_an_error_not_bare_code():
    """Regression: a cut-off fence must not be re-read as bare code by the next matcher."""
    with pytest.raises(EditError, match="cut off"):
        parse_answer("```python\ndef f():\n    return 1\n")


def test_search_replace_blocks_with_and_without_fences_reuse_the_last_path():
    answer = """pkg/cart.py
```python
<<<<<<< SEARCH
        return sum(i.price for i in self.items)
=======
        return sum(i.price * i.quantity for i in self.items)
>>>>>>> REPLACE
```
<<<<<<< SEARCH
TAX_RATE = 0.2
=======
TAX_RATE = 0.25
>>>>>>> REPLACE
"""
    edits = parse_answer(answer).edits
    assert all(isinstance(e, SearchReplace) for e in edits)
    assert [e.path for e in edits] == ["pkg/cart.py", "pkg/cart.py"]
    assert edits[1].replace == "TAX_RATE = 0.25\n"


def test_unfinished_search_block_is_dropped():
    parsed = parse_answer("<<<<<<< SEARCH\nx = 1\n=======\nx = 2\n\n```python\ndef f():\n    pass\n```\n")
    assert [type(e) for e in parsed.edits] == [CodeEdit]
    assert any("unfinished" in n for n in parsed.notes)


def test_diff_fence_is_kept_as_a_diff():
    answer = "```diff\n--- a/x.py\n+++ b/x.py\n@@ -1 +1 @@\n-a = 1\n+a = 2\n```\n"
    (edit,) = parse_answer(answer).edits
    assert isinstance(edit, DiffEdit)
    assert edit.diff.startswith("--- a/x.py")


def test_no_code_at_all_is_an_edit_error_that_explains_the_format():
    with pytest.raises(EditError, match="preceded by a line naming the file: ### and its path") as info:
        parse_answer("I think the problem is in the cart module, but I am not sure.")
    assert "path/to" not in info.value.message  # no placeholder for a small model to copy


@pytest.mark.parametrize(
    ("raw", "clean"),
    [("a/pkg/x.py", "pkg/x.py"), ("`./pkg/x.py`", "pkg/x.py"), ("pkg/x.py:12-30", "pkg/x.py"), ("**x.py**", "x.py")],
)
def test_clean_path(raw, clean):
    assert clean_path(raw) == clean


def test_fence_indented_inside_a_list_item_and_colon_info_string():
    answer = (
        "1. Change the pricing:\n\n   ```python:pkg/pricing.py\n   def discount_for(code):\n       return 0.0\n   ```\n"
        "2. **pkg/cart.py**\n   ~~~py\n   def empty_cart(owner):\n       return None\n   ~~~\n"
    )
    edits = parse_answer(answer).edits
    assert [(e.path, e.code.splitlines()[0]) for e in edits] == [
        ("pkg/pricing.py", "   def discount_for(code):"), ("pkg/cart.py", "   def empty_cart(owner):")]


def test_windows_line_endings_and_reasoning_sections():
    answer = "<think>\n```python\ndef draft():\n    pass\n```\n</think>\r\nFix:\r\n```python\r\ndef f():\r\n    return 1\r\n```\r\n"
    parsed = parse_answer(answer)
    assert [e.code for e in parsed.edits] == ["def f():\n    return 1\n"]


def test_unclosed_reasoning_means_no_answer():
    with pytest.raises(EditError):
        parse_answer("<think>\nLet me write\n```python\ndef f():\n    return 1\n```\n")


@pytest.mark.parametrize(
    ("header", "hint"),
    [("File: pkg/cart.py (lines 17-46, Cart.subtotal)", "Cart.subtotal"),
     ("File: pkg/pricing.py (lines 1-8, callee discount_for)", "discount_for"),
     ("File: pkg/cart.py (lines 1-60, outline of the file)", None)],
)
def test_headers_copied_from_the_rendered_context(header, hint):
    (edit,) = parse_answer(f"{header}\n```python\ndef f():\n    pass\n```\n").edits
    assert (edit.path, edit.hint) == (header.split()[1], hint)
