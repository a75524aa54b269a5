"""The search/replace ladder: exact, trailing and leading whitespace, elisions, then nearest lines."""

from __future__ import annotations

import pytest

from editing import EditError
from editing.search import search_replace

TEXT = "def f(x):\n    if x:\n        return 1\n    return 2\n"


def test_exact():
    assert search_replace("m.py", TEXT, "        return 1\n", "        return 3\n") == TEXT.replace("1", "3")


def test_trailing_whitespace_and_blank_edges_are_ignored():
    out = search_replace("m.py", TEXT, "\n    if x:   \n        return 1\n\n", "    if x:\n        return 3\n")
    assert out == TEXT.replace("return 1", "return 3")


def test_missing_indentation_is_matched_and_the_replacement_reindented():
    out = search_replace("m.py", TEXT, "if x:\n    return 1\n", "if x is not None:\n    return 1\n")
    assert out == TEXT.replace("if x:", "if x is not None:")


def test_elided_search_applies_piece_by_piece():
    search = "def f(x):\n...\n    return 2\n"
    replace = "def f(x, y=0):\n...\n    return 2 + y\n"
    assert search_replace("m.py", TEXT, search, replace) == "def f(x, y=0):\n    if x:\n        return 1\n    return 2 + y\n"


def test_empty_replace_deletes_the_lines():
    assert search_replace("m.py", TEXT, "    if x:\n        return 1\n", "") == "def f(x):\n    return 2\n"


def test_empty_search_appends_or_creates():
    assert search_replace("m.py", None, "", "A = 1\n") == "A = 1\n"
    assert search_replace("m.py", "A = 1", "\n", "B = 2\n") == "A = 1\nB = 2\n"


def test_file_without_final_newline_keeps_it_that_way():
    assert search_replace("m.py", "a = 1\nb = 2", "b = 2\n", "b = 3\n") == "a = 1\nb = 3"


def test_miss_shows_the_most_similar_lines_numbered():
    with pytest.raises(EditError) as info:
        search_replace("m.py", TEXT, "    if y:\n        return 1\n", "")
    assert "    2 |     if x:\n    3 |         return 1" in info.value.message
