"""Files nested deeper than Python's recursion limit (issue #11).

sympy's generated ``sympy/polys/numberfields/resolvent_lookup.py`` (a table of lambdas
with sums of hundreds of terms) crashed ``capuchin index`` with a RecursionError: the
tree walk recursed once per level. These tests generate such a file (sympy's is not
committed), deeper than the limit for any walk that spends one frame per level, and
index it, edit a function in it and normalise the change.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from agent.core.events import EventBus
from editing import apply_answer
from editing.normalize import normalize_change
from editing.splice import splice
from retrieval import RepoIndex
from retrieval.languages import language_for, parser_for
from retrieval.parse import parse_file

DEPTH = 2 * sys.getrecursionlimit()


def deep_source(depth: int = DEPTH) -> str:
    """A generated table like sympy's: one lambda whose sum has ``depth`` terms (a left-nested
    chain of binary operators in the syntax tree), then an ordinary function."""
    terms = " + ".join(f"{n}*s1**{n % 7}" for n in range(1, depth + 1))
    return (f'"""Generated lookup table."""\n\nTABLE = {{\n    (4, 0): [\n        lambda s1: ({terms}),\n    ],\n}}\n\n\n'
            "def lookup(key):\n    \"\"\"The lambdas for one case.\"\"\"\n    return TABLE[key]\n")


def tree_depth(source: bytes) -> int:
    tree = parser_for(language_for("x.py")).parse(source)
    deepest, todo = 0, [(tree.root_node, 1)]
    while todo:
        node, depth = todo.pop()
        deepest = max(deepest, depth)
        todo.extend((child, depth + 1) for child in node.children)
    return deepest


FIXED = "```python\n# table.py\ndef lookup(key):\n    \"\"\"The lambdas for one case.\"\"\"\n    return TABLE.get(key, [])\n```\n"


@pytest.fixture
def deep_repo(tmp_path: Path) -> Path:
    (tmp_path / "table.py").write_text(deep_source())
    (tmp_path / "use.py").write_text("from table import lookup\n\n\ndef first(key):\n    return lookup(key)[0]\n")
    return tmp_path


def test_the_generated_file_is_deeper_than_the_recursion_limit():
    assert tree_depth(deep_source().encode()) > sys.getrecursionlimit()


def test_parse_walks_a_tree_deeper_than_the_recursion_limit():
    parsed = parse_file("table.py", deep_source().encode())
    assert parsed.error is None
    assert [s.qualname for s in parsed.symbols] == ["lookup"]
    assert parsed.top_level_names == ["TABLE"]
    assert parsed.symbol("lookup").docstring == "The lambdas for one case."


def test_index_opens_a_repository_with_a_deep_file_and_skips_nothing(deep_repo: Path):
    index = RepoIndex.open(deep_repo, bus=EventBus())
    assert index.stats["skipped"] == 0
    assert index.skipped() == {}
    assert ("table.py", "lookup") in index.symbol_refs


def test_a_file_that_cannot_be_analysed_is_skipped_with_a_warning(deep_repo: Path, monkeypatch):
    """The net under the walk: whatever a file still defeats, indexing goes on without it."""
    import retrieval.index

    real = retrieval.index.parse_file

    def defeated(path: str, source: bytes):
        if path == "table.py":
            raise RecursionError("maximum recursion depth exceeded")
        return real(path, source)

    monkeypatch.setattr(retrieval.index, "parse_file", defeated)
    (deep_repo / "latin1.py").write_bytes(b"NAME = '\xe9'\n")
    bus = EventBus()
    index = RepoIndex.open(deep_repo, bus=bus)
    assert index.stats["skipped"] == 2
    assert set(index.skipped()) == {"table.py", "latin1.py"}
    assert "RecursionError" in index.skipped()["table.py"]
    warnings = [e for e in bus.history if e.data.get("level") == "warning"]
    assert sorted(e.data["path"] for e in warnings) == ["latin1.py", "table.py"]
    assert ("use.py", "first") in index.symbol_refs  # the other files are indexed as usual


def test_splice_replaces_a_function_in_a_deep_file():
    source = deep_source()
    fixed = 'def lookup(key):\n    """The lambdas for one case."""\n    return TABLE.get(key, [])\n'
    result = splice("table.py", source, fixed)
    assert result.applied == ["replaced lookup"]
    assert result.text.endswith(fixed)
    assert result.text.split("def lookup")[0] == source.split("def lookup")[0]


def test_apply_answer_edits_a_function_in_a_deep_file(deep_repo: Path):
    result = apply_answer(deep_repo, FIXED)
    assert result.files == ["table.py"]
    assert "+    return TABLE.get(key, [])" in result.diff
    assert result.normalized == "table.py::lookup\ndef lookup(key):\n    return TABLE.get(key, [])"


def test_normalising_a_change_to_the_deep_statements_themselves():
    """The deep table is a module-level unit: ast.unparse recurses too deep for it, so its
    normal form falls back to its tokens; comments and layout still vanish."""
    before = deep_source()
    after = before.replace("    ],\n}", "    ],  # the only case\n}").replace("(4, 0)", "(5, 0)")
    relaid = before.replace("(4, 0): [", "(4, 0):   [  # comment")
    changed = normalize_change("table.py", before, after)
    assert changed.startswith("table.py::<module>\nTABLE = { ( 5 , 0 ) : [ lambda s1 :")
    assert "only case" not in changed
    assert normalize_change("table.py", before, relaid) == ""
