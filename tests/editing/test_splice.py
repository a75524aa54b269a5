"""Splicing whole definitions by syntax-tree span: indentation, placement, merging, refusals."""

from __future__ import annotations

import pytest

from editing import EditError
from editing.splice import splice

SRC = '''"""Module doc."""
import os


class Outer:
    class Inner:
        def deep(self):
            return 1

    def method(self):
        return os.sep


def helper(x):
    return x * 2


if __name__ == "__main__":
    print(helper(2))
'''


def test_nested_class_method_keeps_its_indentation():
    code = "class Outer:\n    class Inner:\n        def deep(self):\n            return 2\n"
    result = splice("m.py", SRC, code)
    assert "        def deep(self):\n            return 2\n" in result.text
    assert result.applied == ["replaced Outer.Inner.deep"]  # classes merge member by member


def test_dedented_method_is_moved_to_the_class_indentation():
    result = splice("m.py", SRC, "def method(self):\n    '''Now documented.'''\n    return os.linesep\n")
    assert "    def method(self):\n        '''Now documented.'''\n        return os.linesep\n" in result.text


def test_hint_picks_the_method_of_the_named_class():
    src = "class A:\n    def f(self):\n        return 1\n\n\nclass B:\n    def f(self):\n        return 2\n"
    result = splice("m.py", src, "def f(self):\n    return 3\n", hint="B.f")
    assert result.text.endswith("class B:\n    def f(self):\n        return 3\n")
    assert "return 1" in result.text


def test_new_top_level_function_goes_above_the_main_guard():
    code = "def extra(y):\n    return y\n\n\ndef helper(x):\n    return extra(x) * 2\n"
    result = splice("m.py", SRC, code)
    assert result.text.index("def extra") < result.text.index("def helper") < result.text.index("__main__")
    code = "def unrelated_new_api(y):\n    return y\n"
    result = splice("m.py", SRC, code)
    assert result.text.index("def helper") < result.text.index("def unrelated_new_api") < result.text.index("__main__")


def test_new_helper_before_a_replaced_function_is_not_overwritten():
    """Regression: a new helper inserted at the start of a replaced function was clobbered, because
    changes at the same offset were applied insertion-first and the replacement's span then covered
    the inserted text (the result did not even parse)."""
    code = "def twice(x):\n    return x * 2\n\n\ndef helper(x):\n    return twice(x)\n"
    result = splice("m.py", SRC, code)
    assert "def twice(x):\n    return x * 2\n\n\ndef helper(x):\n    return twice(x)\n" in result.text


def test_class_header_change_is_merged_without_touching_members():
    result = splice("m.py", SRC, "class Outer(object):\n    ...\n")
    assert result.text.count("class Outer(object):\n    class Inner:") == 1
    assert result.applied == ["changed the header of Outer"]


def test_class_written_with_only_its_changed_method_keeps_attributes_and_docstring():
    """Regression: a class written with just one method counted as whole (all its methods were
    there) and replaced the original, silently dropping its docstring and class attributes."""
    src = 'class C:\n    """Doc."""\n\n    limit = 1\n\n    def f(self):\n        return self.limit\n'
    result = splice("m.py", src, "class C:\n    def f(self):\n        return self.limit + 1\n")
    assert result.text == src.replace("self.limit\n", "self.limit + 1\n")


def test_class_level_attribute_is_replaced_by_name():
    src = "class C:\n    limit = 1\n\n    def f(self):\n        return self.limit\n"
    result = splice("m.py", src, "class C:\n    limit = 5\n")
    assert result.text == "class C:\n    limit = 5\n\n    def f(self):\n        return self.limit\n"


def test_module_constant_is_replaced_by_name():
    src = "import os\n\nLIMIT = 1\n\n\ndef f():\n    return LIMIT\n"
    assert splice("m.py", src, "LIMIT = 2\n").text == src.replace("LIMIT = 1", "LIMIT = 2")


def test_existing_import_is_not_duplicated():
    result = splice("m.py", SRC, "import os\n\ndef helper(x):\n    return x * 3\n")
    assert result.text.count("import os") == 1


def test_function_body_with_elision_is_refused_with_the_current_code():
    with pytest.raises(EditError, match="leaves code out") as info:
        splice("m.py", SRC, "def helper(x):\n    # ... existing code ...\n    return x * 3\n")
    assert "14 | def helper(x):" in info.value.message


def test_method_written_without_a_matching_class_is_refused():
    with pytest.raises(EditError, match="looks like a method"):
        splice("m.py", SRC, "def brand_new(self):\n    return 1\n")


def test_same_definition_twice_the_later_wins():
    result = splice("m.py", SRC, "def helper(x):\n    return 1\n\ndef helper(x):\n    return 2\n")
    assert "def helper(x):\n    return 2\n" in result.text
    assert "return 1\n\n\ndef helper" not in result.text


def test_whole_class_and_again_one_of_its_methods_apply_in_order():
    """Regression (seen on SWE-bench gold fixes rewritten as answers): a block with a whole class and
    then one of its methods again was refused as 'edits the same code twice'."""
    code = ("class Outer:\n    class Inner:\n        def deep(self):\n            return 1\n\n"
            "    limit = 2\n\n    def method(self):\n        return os.sep\n\n\n"
            "class Outer:\n    def method(self):\n        return os.linesep\n")
    result = splice("m.py", SRC, code)
    assert "    limit = 2\n" in result.text
    assert "        return os.linesep\n" in result.text


def test_an_extended_import_line_replaces_the_old_one():
    src = "from os import sep\n\n\ndef f():\n    return sep\n"
    result = splice("m.py", src, "from os import sep, linesep\n\ndef f():\n    return sep + linesep\n")
    assert result.text.startswith("from os import sep, linesep\n\n\ndef f():")
    assert result.applied[0] == "changed import: from os import sep, linesep"


def test_only_prose_statements_is_refused():
    with pytest.raises(EditError, match="no function, class or import"):
        splice("m.py", SRC, "print(helper(3))\n")


def test_decorators_are_replaced_with_the_definition():
    src = "import functools\n\n\n@functools.lru_cache\ndef f(x):\n    return x\n"
    result = splice("m.py", src, "@functools.lru_cache(maxsize=8)\ndef f(x):\n    return x + 1\n")
    assert result.text == "import functools\n\n\n@functools.lru_cache(maxsize=8)\ndef f(x):\n    return x + 1\n"


PROPERTY = '''class Var:
    @property
    def name(self):
        return self._name

    @name.setter
    def name(self, value):
        self._name = value
'''


def test_property_setter_replaces_the_setter_not_the_getter():
    """Regression (xarray-6938 gold fix as an answer): a written `@name.setter` replaced the first
    definition named `name`, the getter, so the file ended up with two setters."""
    code = "class Var:\n    @name.setter\n    def name(self, value):\n        raise AttributeError('read-only')\n"
    result = splice("m.py", PROPERTY, code)
    assert "        return self._name\n" in result.text
    assert "raise AttributeError('read-only')" in result.text
    assert "self._name = value" not in result.text


def test_getter_and_setter_written_together_each_find_their_own():
    code = PROPERTY.replace("return self._name", "return self._name.upper()").replace(
        "self._name = value", "self._name = str(value)")
    assert splice("m.py", PROPERTY, code).text == code


def test_dispatch_overloads_are_told_apart_by_their_decorators():
    src = "@dispatch(int)\ndef f(x):\n    return 1\n\n\n@dispatch(str)\ndef f(x):\n    return 2\n"
    result = splice("m.py", src, "@dispatch(str)\ndef f(x):\n    return 3\n")
    assert result.text == src.replace("return 2", "return 3")


def test_new_method_in_a_family_of_similar_names_is_accepted():
    """Regression (sympy-19346): `_print_dict` beside `_print_list` was refused as a misspelling."""
    src = "class P:\n    def _print_list(self, e):\n        return '[]'\n"
    result = splice("m.py", src, "class P:\n    def _print_dict(self, e):\n        return '{}'\n")
    assert result.applied == ["added P._print_dict"]


def test_whole_class_then_a_new_method_in_a_wrapper_is_not_added_twice():
    """Regression (sympy-24661 gold fix as an answer): after a whole-class replacement that already
    had the new method, a second `class C:` wrapper with that method inserted it again at the class end."""
    src = "class C:\n    def a(self):\n        return 1\n"
    new_method = "    def b(self):\n        return 2\n"
    code = f"class C:\n    def a(self):\n        return 1\n\n{new_method}\n\nclass C:\n{new_method}"
    result = splice("m.py", src, code)
    assert result.text.count("def b(") == 1


def test_a_nested_function_written_alone_asks_for_its_enclosing_function():
    src = "def outer():\n    def inner():\n        return 1\n    return inner()\n"
    with pytest.raises(EditError, match="defined inside `outer`"):
        splice("m.py", src, "def inner():\n    return 2\n")


def test_async_method_is_replaced():
    src = "class C:\n    async def fetch(self):\n        return 1\n"
    result = splice("m.py", src, "async def fetch(self):\n    return await other()\n")
    assert result.text == "class C:\n    async def fetch(self):\n        return await other()\n"


@pytest.mark.parametrize(
    ("new", "old", "slip"),
    [("helpr", "helper", True), ("grete", "greet", True), ("discount", "discount_for", True),
     ("_print_dict", "_print_list", False), ("visit_Name", "visit_Call", False), ("get", "get_value", False)],
)
def test_misspelling_is_one_edit_a_swap_or_a_clipped_name(new, old, slip):
    from editing.feedback import misspelt

    assert misspelt(new, old) is slip


def test_an_echoed_skeleton_keeps_the_real_bodies():
    """Regression: a model that echoes the prompt's skeleton (`def deep(self):` / `...`) alongside its
    fix had the whole answer refused for leaving code out, or real bodies replaced by `...`."""
    skeleton = ("# m.py\nclass Outer:  # L5-11\n    class Inner:  # L6-8\n        def deep(self):  # L7-8\n"
                "            ...\n    def method(self):  # L10-11\n        ...\n\n"
                "def helper(x):\n    return x * 3\n")
    result = splice("m.py", SRC, skeleton)
    assert result.applied == ["replaced helper"]
    assert "        def deep(self):\n            return 1\n" in result.text
    assert any("only its signature" in n for n in result.notes)


def test_a_stub_replacing_a_stub_is_an_edit():
    src = "class P:\n    def f(self) -> int:\n        ...\n"
    result = splice("m.py", src, "class P:\n    def f(self) -> str:\n        ...\n")
    assert result.text == "class P:\n    def f(self) -> str:\n        ...\n"


def test_a_re_typed_definition_is_no_change_but_moved_indentation_is():
    result = splice("m.py", SRC, "def helper(x):\n\n    return x*2\n")
    assert (result.text, result.applied) == (SRC, [])
    src = "def f(x):\n    if x:\n        a()\n        b()\n"
    moved = "def f(x):\n    if x:\n        a()\n    b()\n"
    assert splice("m.py", src, moved).text == moved


def test_a_class_with_statements_a_merge_cannot_place_is_replaced_whole():
    src = "class C:\n    x = 1\n\n    def f(self):\n        return 1\n"
    code = "class C:\n    x = 1\n    if True:\n        y = 2\n\n    def f(self):\n        return 2\n"
    result = splice("m.py", src, code)
    assert result.text == code
    assert result.applied == ["replaced C"]


def test_setter_written_without_its_decorator_finds_the_setter_by_parameters():
    code = "class Var:\n    def name(self, value):\n        self._name = str(value)\n"
    result = splice("m.py", PROPERTY, code)
    assert result.text == PROPERTY.replace("self._name = value", "self._name = str(value)")


def test_a_staticmethod_rewritten_with_self_loses_only_that_decorator():
    """pylint-6528's gold fix turns a @staticmethod into a method; writing it with `self` says so."""
    src = "class L:\n    @other\n    @staticmethod\n    def f(x):\n        return x\n"
    result = splice("m.py", src, "class L:\n    def f(self, x):\n        return x + 1\n")
    assert result.text == "class L:\n    @other\n    def f(self, x):\n        return x + 1\n"
