"""End to end: a messy answer in, a diff that `git apply` takes out; the working tree stays untouched."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from editing import EditError, apply_answer, feedback_prompt

ANSWERS = Path(__file__).parent / "fixtures" / "answers"
FIX_FENCED, FIX_UNFENCED_METHOD, WHOLE_CLASS, CLASS_PARTIAL, NEW_HELPER_AND_IMPORT, TWO_FILES_ONE_TRUNCATED = (
    (ANSWERS / f"{name}.md").read_text()
    for name in ("fix_fenced", "fix_unfenced_method", "whole_class", "class_partial", "new_helper_and_import",
                 "two_files_one_truncated")
)

CONTEXT = ["pkg/cart.py", "pkg/pricing.py"]
CHECK_TOTAL = "from pkg.cart import Cart, Item; c = Cart('me'); c.add(Item('a', 2.0, 3)); print(c.subtotal, c.total())"


def _status(repo) -> str:
    return subprocess.run(["git", "-C", str(repo), "status", "--porcelain"], capture_output=True, text=True).stdout


def test_fenced_method_fix_applies_with_git_and_fixes_the_bug(shop, git_apply, run_python):
    assert run_python(shop, CHECK_TOTAL) == "2.0 2.4"
    result = apply_answer(shop, FIX_FENCED)
    assert result.files == ["pkg/cart.py"]
    assert result.applied == ["pkg/cart.py: replaced Cart.subtotal"]
    assert result.diff.startswith("diff --git a/pkg/cart.py b/pkg/cart.py\n--- a/pkg/cart.py\n+++ b/pkg/cart.py\n")
    assert "     @property\n" in result.diff  # the decorator is context, kept at its place
    assert _status(shop) == ""  # applying never writes the working tree
    assert git_apply(shop, result.diff).returncode == 0
    assert git_apply(shop, result.diff, check_only=False).returncode == 0
    assert run_python(shop, CHECK_TOTAL) == "6.0 7.19"  # round_price floors 7.199999


def test_bare_indented_method_without_path_is_found_through_the_context(shop, git_apply):
    result = apply_answer(shop, FIX_UNFENCED_METHOD, context_paths=CONTEXT)
    assert result.applied == ["pkg/cart.py: replaced Cart.subtotal"]
    assert "+        return sum(i.price * i.quantity for i in self.items)\n" in result.diff
    assert git_apply(shop, result.diff).returncode == 0


def test_whole_class_replaces_the_class(shop, git_apply, run_python):
    result = apply_answer(shop, WHOLE_CLASS, context_paths=CONTEXT)
    assert result.applied == ["pkg/pricing.py: added the docstring of Coupon", "pkg/pricing.py: replaced Coupon.__init__"]
    assert git_apply(shop, result.diff, check_only=False).returncode == 0
    assert run_python(shop, "from pkg.pricing import Coupon; print(Coupon(' half ').rate())") == "0.5"


def test_class_with_some_methods_is_merged_and_adds_a_new_method(shop, git_apply, run_python):
    result = apply_answer(shop, CLASS_PARTIAL, context_paths=CONTEXT)
    assert result.applied == ["pkg/cart.py: replaced Cart.add", "pkg/cart.py: added Cart.count"]
    assert git_apply(shop, result.diff, check_only=False).returncode == 0
    out = run_python(shop, "from pkg.cart import Cart, Item; c = Cart('me'); c.add(Item('a', 1.0), 2); print(c.count())")
    assert out == "2"
    text = (shop / "pkg/cart.py").read_text()
    assert text.index("def add(") < text.index("def count(") < text.index("def subtotal(")


def test_new_function_and_import_land_in_sensible_places(shop, git_apply, run_python):
    result = apply_answer(shop, NEW_HELPER_AND_IMPORT, context_paths=CONTEXT)
    assert result.applied == [
        "pkg/pricing.py: added import: import logging",
        "pkg/pricing.py: added _normalize",
        "pkg/pricing.py: replaced discount_for",
    ]
    assert git_apply(shop, result.diff, check_only=False).returncode == 0
    text = (shop / "pkg/pricing.py").read_text()
    assert text.startswith("import logging\n\nCODES")
    assert text.index("def _normalize") < text.index("def discount_for")
    assert run_python(shop, "from pkg.pricing import discount_for; print(discount_for(' half'), discount_for('x'))") == "0.5 0.0"


def test_several_files_and_a_truncated_last_block(shop, git_apply):
    result = apply_answer(shop, TWO_FILES_ONE_TRUNCATED)
    assert result.files == ["pkg/cart.py", "pkg/pricing.py"]
    assert any("cut off" in n for n in result.notes)
    assert git_apply(shop, result.diff).returncode == 0


def test_search_replace_fallback_with_wrong_indentation(shop, git_apply, run_python):
    answer = (
        "pkg/cart.py\n<<<<<<< SEARCH\n@property\ndef subtotal(self):\n    return sum(i.price for i in self.items)\n"
        "=======\n@property\ndef subtotal(self):\n    return sum(i.price * i.quantity for i in self.items)\n"
        ">>>>>>> REPLACE\n"
    )
    result = apply_answer(shop, answer)
    assert git_apply(shop, result.diff, check_only=False).returncode == 0
    assert run_python(shop, CHECK_TOTAL) == "6.0 7.19"  # round_price floors 7.199999


def test_model_written_diff_with_miscounted_hunk_applies(shop, git_apply):
    answer = (
        "```diff\n--- a/pkg/pricing.py\n+++ b/pkg/pricing.py\n@@ -4,9 +4,3 @@\n def discount_for(code):\n"
        "     if code is None:\n         return 0.0\n-    return CODES[code]\n+    return CODES.get(code, 0.0)\n```\n"
    )
    result = apply_answer(shop, answer)
    assert "+    return CODES.get(code, 0.0)\n" in result.diff
    assert git_apply(shop, result.diff).returncode == 0


def test_new_file_from_an_empty_search(shop, git_apply):
    answer = "pkg/extra.py\n<<<<<<< SEARCH\n=======\nVALUE = 1\n>>>>>>> REPLACE\n"
    result = apply_answer(shop, answer)
    assert "new file mode 100644\n--- /dev/null\n+++ b/pkg/extra.py\n" in result.diff
    assert git_apply(shop, result.diff).returncode == 0


def test_wrong_name_shows_the_nearest_definitions(shop):
    answer = "### pkg/pricing.py\n```python\ndef discount(code):\n    return 0.0\n```\n"
    with pytest.raises(EditError) as info:
        apply_answer(shop, answer)
    assert "`discount` is not defined in pkg/pricing.py" in info.value.message
    assert "pkg/pricing.py:4  def discount_for(code):   [discount_for]" in info.value.message
    assert "discount_for" in feedback_prompt(info.value)


def test_misspelt_method_shows_the_class_method(shop):
    with pytest.raises(EditError, match=r"def total\(self, code=None\):   \[Cart\.total\]"):
        apply_answer(shop, "```python\ndef totl(self, code=None):\n    return 0\n```", context_paths=CONTEXT)


def test_method_name_in_two_classes_asks_for_the_class(shop):
    with pytest.raises(EditError, match="several classes") as info:
        apply_answer(shop, "pkg/cart.py\n```python\ndef add(self, item):\n    pass\n```")
    assert "Cart.add" in info.value.message
    assert "Wishlist.add" in info.value.message


def test_replacement_with_a_syntax_error_is_rejected(shop):
    answer = "### pkg/pricing.py\n```python\ndef discount_for(code):\n    return CODES.get(code, 0.0\n```\n"
    with pytest.raises(EditError, match="syntax error") as info:
        apply_answer(shop, answer)
    assert "2 |     return CODES.get(code, 0.0" in info.value.message


def test_failed_search_shows_the_nearest_lines(shop):
    answer = (
        "pkg/cart.py\n<<<<<<< SEARCH\n        return sum(item.price for item in self.items)\n=======\n"
        "        return 0\n>>>>>>> REPLACE\n"
    )
    with pytest.raises(EditError, match="does not match") as info:
        apply_answer(shop, answer)
    assert "31 |         return sum(i.price for i in self.items)" in info.value.message


def test_non_utf8_target_file_is_a_clear_error(shop):
    with pytest.raises(EditError, match=r"pkg/legacy.py is not UTF-8"):
        apply_answer(shop, "### pkg/legacy.py\n```python\ndef name():\n    return 'x'\n```\n")


def test_answer_that_changes_nothing_is_an_error(shop):
    answer = "### pkg/pricing.py\n```python\ndef discount_for(code):\n    if code is None:\n        return 0.0\n    return CODES[code]\n```"
    with pytest.raises(EditError, match="does not change any code"):
        apply_answer(shop, answer)


def test_path_outside_the_repository_is_refused(shop):
    answer = "../../etc/passwd.py\n<<<<<<< SEARCH\n=======\nx = 1\n>>>>>>> REPLACE\n"
    with pytest.raises(EditError, match="not a path inside the repository"):
        apply_answer(shop, answer)


def test_unknown_path_with_no_matching_context_lists_the_context(shop):
    with pytest.raises(EditError, match="pkg/cart.py"):
        apply_answer(shop, "### pkg/nothere.py\n```python\ndef zzz():\n    pass\n```", context_paths=CONTEXT)


def test_reasoning_usage_examples_and_stray_tests_are_not_spliced(shop, git_apply):
    answer = (
        "<think>Maybe:\n```python\ndef discount_for(code):\n    return 1.0\n```\nNo, better use get.</think>\n"
        "### pkg/pricing.py\n```python\ndef discount_for(code):\n    if code is None:\n        return 0.0\n"
        "    return CODES.get(code, 0.0)\n```\n"
        "Example:\n```python\nprint(discount_for('nope'))\n```\n"
        "And a test:\n```python\ndef test_unknown_code():\n    assert discount_for('nope') == 0.0\n```\n"
    )
    result = apply_answer(shop, answer, context_paths=CONTEXT)
    assert result.applied == ["pkg/pricing.py: replaced discount_for"]
    assert "return 1.0" not in result.diff
    assert "test_unknown_code" not in result.diff
    assert len(result.notes) == 3
    assert git_apply(shop, result.diff).returncode == 0


def test_answer_with_only_an_example_says_what_was_ignored(shop):
    with pytest.raises(EditError, match=r"(?s)does not change any code.*without definitions"):
        apply_answer(shop, "Try this:\n```python\nprint(discount_for('HALF'))\n```\n", context_paths=CONTEXT)


def test_source_class_named_like_a_test_is_still_edited(make_repo):
    """Regression (pytest-10081 gold fix as an answer): `class TestCaseFunction` in src/_pytest/unittest.py
    was taken for a stray test block and skipped."""
    repo = make_repo({"src/unit.py": "class TestCaseFunction:\n    def run(self):\n        return 1\n"})
    answer = "### src/unit.py\n```python\nclass TestCaseFunction:\n    def run(self):\n        return 2\n```\n"
    assert apply_answer(repo, answer).applied == ["src/unit.py: replaced TestCaseFunction.run"]


def test_answers_applied_from_many_threads_agree(shop):
    """The pipeline applies samples concurrently; parsing must not share state across threads."""
    from concurrent.futures import ThreadPoolExecutor

    answers = [FIX_FENCED, NEW_HELPER_AND_IMPORT, CLASS_PARTIAL, WHOLE_CLASS] * 6
    expected = [apply_answer(shop, a, context_paths=CONTEXT).diff for a in answers]
    with ThreadPoolExecutor(max_workers=8) as pool:
        got = list(pool.map(lambda a: apply_answer(shop, a, context_paths=CONTEXT).diff, answers))
    assert got == expected


def test_header_with_class_context_picks_the_method_of_that_class(shop, git_apply):
    answer = ("### pkg/cart.py::Wishlist.add\n```python\ndef add(self, item):\n"
              "    if item not in self.items:\n        self.items.append(item)\n```\n")
    result = apply_answer(shop, answer)
    assert result.applied == ["pkg/cart.py: replaced Wishlist.add"]
    assert git_apply(shop, result.diff).returncode == 0


def test_the_example_in_the_instructions_applies(make_repo, git_apply):
    from editing.instructions import EDIT_INSTRUCTIONS, EXAMPLE_ANSWER

    cart = ("class Cart:\n    def __init__(self):\n        self.items = []\n\n"
            "    @property\n    def subtotal(self):\n        return sum(item.price for item in self.items)\n")
    repo = make_repo({"shop/cart.py": cart})
    result = apply_answer(repo, EXAMPLE_ANSWER)
    assert result.applied == ["shop/cart.py: added import: import math", "shop/cart.py: replaced Cart.subtotal",
                              "shop/cart.py: added Cart.rounded_total"]
    assert git_apply(repo, result.diff).returncode == 0
    assert EXAMPLE_ANSWER in EDIT_INSTRUCTIONS


def test_a_bare_file_name_is_found_among_the_tracked_files(shop, git_apply):
    answer = "In `pricing.py`:\n```python\ndef discount_for(code):\n    return CODES.get(code, 0.0)\n```\n"
    result = apply_answer(shop, answer)
    assert result.files == ["pkg/pricing.py"]
    assert "pricing.py is not a repository path; used pkg/pricing.py" in result.notes


def test_a_path_named_in_passing_yields_to_the_file_that_defines_the_code(shop):
    answer = ("Nothing in `pkg/pricing.py` needs to change; the fix is:\n"
              "```python\nclass Cart:\n    @property\n    def subtotal(self):\n"
              "        return sum(i.price * i.quantity for i in self.items)\n```\n")
    result = apply_answer(shop, answer, context_paths=CONTEXT)
    assert result.files == ["pkg/cart.py"]


def test_an_echoed_file_outline_is_skipped_not_an_error(shop):
    """Regression: a model that copied the prompt's file outline (not valid Python: `class Item:  # L10-14`
    with no body) next to its fix had the whole answer rejected for a syntax error."""
    from retrieval.maps import schematic
    from retrieval.parse import parse_file

    cart = (shop / "pkg/cart.py").read_text()
    outline = schematic(parse_file("pkg/cart.py", cart.encode()), parse_file("pkg/cart.py", cart.encode()).symbols)
    answer = f"File: pkg/cart.py (lines 1-60, outline of the file)\n```python\n{outline}\n```\n\n{FIX_FENCED}"
    result = apply_answer(shop, answer, context_paths=CONTEXT)
    assert result.applied == ["pkg/cart.py: replaced Cart.subtotal"]
    assert "ignored a copy of a file outline from the prompt" in result.notes


def test_real_small_model_answer_that_only_re_types_the_class_changes_nothing(shop):
    """Seen with qwen2.5-coder-0.5b: the class echoed back with one blank line dropped. Applying it
    would make a diff of layout noise; it is refused as 'no change' so the retry loop kicks in."""
    with pytest.raises(EditError, match="does not change any code"):
        apply_answer(shop, (ANSWERS / "qwen05_retyped_class.md").read_text(), context_paths=CONTEXT)


def test_a_repository_that_is_not_a_directory_is_an_input_error(tmp_path):
    from agent.core.errors import InputError

    with pytest.raises(InputError, match="not a directory"):
        apply_answer(tmp_path / "missing", FIX_FENCED)


def test_real_small_model_fix_that_drops_the_decorator_keeps_it(shop, git_apply, run_python):
    """Regression, seen with qwen2.5-coder-0.5b: the right fix of `subtotal` written without its
    `@property` replaced the decorated span, so the property became a method and `total()` broke."""
    result = apply_answer(shop, (ANSWERS / "qwen05_fix_without_decorator.md").read_text(), context_paths=CONTEXT)
    assert "pkg/cart.py: kept the decorators of Cart.subtotal" in result.notes
    assert "-    @property" not in result.diff
    assert git_apply(shop, result.diff, check_only=False).returncode == 0
    assert run_python(shop, CHECK_TOTAL) == "6.0 7.19"
