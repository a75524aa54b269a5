"""Regression test selection: existing test files that exercise the files a patch touches.

Two signals, strongest first: test-file naming conventions (``pkg/mod.py`` ->
``tests/test_mod.py``, ``mod_test.py``, ``tests/pkg/test_mod.py``), then imports: test
files importing a touched module, taken from a code graph when the caller has one (any
object with ``importers: dict[path, set[path]]``, e.g. ``retrieval.graph.CodeGraph``),
else from a quick ``ast`` scan of the test files alone.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path
from typing import Any

from sandbox.worktree import check_repo, worktree_files

_TEST_FILE = re.compile(r"(^|/)(test_[^/]*|[^/]*_test)\.py$")


def is_test_file(path: str) -> bool:
    return bool(_TEST_FILE.search(path)) and path.endswith(".py")


def module_names(path: str) -> list[str]:
    """Dotted names a file imports as (``src/``/``lib/`` layouts included)."""
    parts = path[:-3].split("/") if path.endswith(".py") else path.split("/")
    if parts and parts[-1] == "__init__":
        parts = parts[:-1]
    names = [".".join(parts)] if parts else []
    if len(parts) > 1 and parts[0] in ("src", "lib"):
        names.append(".".join(parts[1:]))
    return names


def _imported_modules(source: str) -> set[str]:
    """Absolute modules a file imports, including ``from a import b`` as both ``a`` and ``a.b``."""
    try:
        tree = ast.parse(source)
    except (SyntaxError, ValueError):
        return set()
    out: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            out.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            out.add(node.module)
            out.update(f"{node.module}.{alias.name}" for alias in node.names)
    return out


def _by_name(changed: str, tests: list[str]) -> list[str]:
    stem = Path(changed).stem
    if stem == "__init__":
        stem = Path(changed).parent.name
    wanted = {f"test_{stem}.py", f"{stem}_test.py", f"tests_{stem}.py"}
    return [t for t in tests if Path(t).name in wanted]


def _by_import(repo: Path, changed: str, tests: list[str], graph: Any | None) -> list[str]:
    if graph is not None and hasattr(graph, "importers"):
        return sorted(t for t in graph.importers.get(changed, set()) if is_test_file(t))
    names = set(module_names(changed))
    hits = []
    for t in tests:
        text = (repo / t).read_text(encoding="utf-8", errors="replace")
        if any(n.rsplit(".", 1)[-1] in text for n in names) and _imported_modules(text) & names:
            hits.append(t)
    return hits


def select_regression_tests(repo: Path, changed_files: list[str], *, graph: Any | None = None,
                            limit: int | None = None) -> list[str]:
    """Test files (repository-relative) to run as regression tests for a change to ``changed_files``.

    Touched test files come first, then naming matches, then importers; no duplicates.
    """
    repo = check_repo(repo)
    tests = [f for f in worktree_files(repo) if is_test_file(f)]
    ordered: list[str] = [f for f in changed_files if is_test_file(f) and (repo / f).is_file()]
    sources = [f for f in changed_files if f.endswith(".py") and not is_test_file(f)]
    for changed in sources:
        ordered += _by_name(changed, tests)
    for changed in sources:
        ordered += _by_import(repo, changed, tests, graph)
    unique = list(dict.fromkeys(ordered))
    return unique[:limit] if limit else unique


def small_suite(repo: Path, max_files: int = 40) -> list[str]:
    """Every test file of a small project: the regression set when no test maps to the change
    (tests that import only the package, whose ``__init__`` pulls in the changed module)."""
    tests = [f for f in worktree_files(check_repo(repo)) if is_test_file(f)]
    return tests if len(tests) <= max_files else []
