"""Regression test selection: existing test files that exercise the files a patch touches.

Three signals, strongest first: test-file naming conventions (``pkg/mod.py`` ->
``tests/test_mod.py``, ``mod_test.py``, ``tests/pkg/test_mod.py``); imports: test files
importing a touched module, taken from a code graph when the caller has one (any object
with ``importers: dict[path, set[path]]``, e.g. ``retrieval.graph.CodeGraph``), else from a
quick ``ast`` scan of the test files alone; then indirect imports: test files importing a
project module that imports the touched one (``from shop import total`` tests
``shop/cart.py`` when ``shop/__init__.py`` says ``from .cart import total``), nearest first
and capped, since in a large project nearly every test imports the top package.
"""

from __future__ import annotations

import ast
from pathlib import Path
from typing import Any

from agent.core.paths import is_test_file
from sandbox.worktree import check_repo, worktree_files

MIN_DIRECT = 3
"""Below this many directly related test files, look for tests that reach a module indirectly."""


def module_names(path: str) -> list[str]:
    """Dotted names a file imports as (``src/``/``lib/`` layouts included)."""
    parts = path[:-3].split("/") if path.endswith(".py") else path.split("/")
    if parts and parts[-1] == "__init__":
        parts = parts[:-1]
    names = [".".join(parts)] if parts else []
    if len(parts) > 1 and parts[0] in ("src", "lib"):
        names.append(".".join(parts[1:]))
    return names


def _imported_modules(source: str, package: str | None = None) -> set[str]:
    """Modules a file imports, including ``from a import b`` as both ``a`` and ``a.b``; relative
    imports are resolved against ``package`` when it is given, else left out."""
    try:
        tree = ast.parse(source)
    except (SyntaxError, ValueError, RecursionError, MemoryError):  # too deep or too big for the parser
        return set()
    out: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            out.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                if package is None:
                    continue
                parts = package.split(".")
                base = ".".join(parts[: len(parts) - node.level + 1] + ([node.module] if node.module else []))
            if base:
                out.add(base)
                out.update(f"{base}.{alias.name}" for alias in node.names)
    return out


def _package_of(path: str) -> list[str]:
    """The package(s) relative imports in ``path`` resolve against."""
    names = module_names(path)
    if Path(path).name == "__init__.py":
        return names
    return [n.rsplit(".", 1)[0] for n in names if "." in n]


def _read(repo: Path, path: str, texts: dict[str, str]) -> str:
    """A file's text, read once per selection (``texts`` is the selection's cache)."""
    if path not in texts:
        texts[path] = (repo / path).read_text(encoding="utf-8", errors="replace")
    return texts[path]


def indirect_importers(repo: Path, changed: str, files: list[str], depth: int = 2,
                       texts: dict[str, str] | None = None) -> set[str]:
    """Dotted names of the project's own modules that import ``changed`` through other modules
    of the project, up to ``depth`` hops: ``periods.py`` importing ``months.py``, a package
    ``__init__`` re-exporting either. Tests importing one of these exercise ``changed`` too."""
    frontier = set(module_names(changed))
    seen = set(frontier)
    top = Path(changed).parts[0]
    sources = [f for f in files if f.endswith(".py") and not is_test_file(f) and f != changed
               and Path(f).parts[0] == top]
    texts = {} if texts is None else texts
    found: set[str] = set()
    for _ in range(depth):
        leaves = {n.rsplit(".", 1)[-1] for n in frontier}
        new: set[str] = set()
        for f in sources:
            text = _read(repo, f, texts)
            if not any(leaf in text for leaf in leaves):
                continue
            if any(_imported_modules(text, pkg) & frontier for pkg in _package_of(f) or [""]):
                new.update(n for n in module_names(f) if n not in seen)
        if not new:
            break
        found |= new
        seen |= new
        frontier = new
    return found


def _by_indirect_import(repo: Path, changed: str, tests: list[str], files: list[str], cap: int,
                        texts: dict[str, str]) -> list[str]:
    modules = indirect_importers(repo, changed, files, texts=texts)
    if not modules:
        return []
    hits = _tests_importing(repo, tests, modules, texts)
    near = Path(changed).parent.parts
    # tests beside the changed module first: they are the likeliest to exercise it
    hits.sort(key=lambda t: (-_shared_prefix(Path(t).parent.parts, near), t))
    return hits[:cap]


def _shared_prefix(a: tuple[str, ...], b: tuple[str, ...]) -> int:
    n = 0
    for x, y in zip(a, b, strict=False):
        if x != y:
            break
        n += 1
    return n


def _by_name(changed: str, tests: list[str]) -> list[str]:
    """Tests named after the module, the nearest ones only (``sympy/physics/units/util.py``
    is tested by ``sympy/physics/units/tests/test_util.py``, not ``sympy/geometry/...``)."""
    stem = Path(changed).stem
    if stem == "__init__":
        stem = Path(changed).parent.name
    wanted = {f"test_{stem}.py", f"{stem}_test.py", f"tests_{stem}.py"}
    named = [t for t in tests if Path(t).name in wanted]
    near = Path(changed).parent.parts
    closeness = {t: _shared_prefix(Path(t).parent.parts, near) for t in named}
    best = max(closeness.values(), default=0)
    return [t for t in named if closeness[t] == best]


def _by_import(repo: Path, changed: str, tests: list[str], graph: Any | None, texts: dict[str, str]) -> list[str]:
    if graph is not None and hasattr(graph, "importers"):
        return sorted(t for t in graph.importers.get(changed, set()) if is_test_file(t))
    return _tests_importing(repo, tests, set(module_names(changed)), texts)


def _tests_importing(repo: Path, tests: list[str], modules: set[str], texts: dict[str, str]) -> list[str]:
    """The test files that import one of ``modules`` (a cheap text check before parsing)."""
    leaves = {m.rsplit(".", 1)[-1] for m in modules}
    hits = []
    for t in tests:
        text = _read(repo, t, texts)
        if any(leaf in text for leaf in leaves) and _imported_modules(text) & modules:
            hits.append(t)
    return hits


def runnable_tests(repo: Path, files: list[str]) -> list[str]:
    """The test files a suite run can collect: example/docs trees are left out unless the
    repository's pytest config names them (Flask's ``examples/*/tests`` import example apps
    that only their own install provides; one such conftest stopped pytest's whole run)."""
    from sandbox.infer import excluded_trees
    from sandbox.repo_files import RepoFiles

    tests = [f for f in files if is_test_file(f)]
    excluded = set(excluded_trees(tests, RepoFiles(repo).pytest_config()))
    return [t for t in tests if t.split("/")[0] not in excluded]


def select_regression_tests(repo: Path, changed_files: list[str], *, graph: Any | None = None,
                            limit: int | None = None, indirect_cap: int = 20) -> list[str]:
    """Test files (repository-relative) to run as regression tests for a change to ``changed_files``.

    Touched test files come first, then naming matches, then importers, then up to
    ``indirect_cap`` per changed file importing it through other modules; no duplicates.
    """
    repo = check_repo(repo)
    files = worktree_files(repo)
    tests = runnable_tests(repo, files)
    ordered: list[str] = [f for f in changed_files if is_test_file(f) and (repo / f).is_file()]
    sources = [f for f in changed_files if f.endswith(".py") and not is_test_file(f)]
    texts: dict[str, str] = {}
    direct = {changed: _by_name(changed, tests) + _by_import(repo, changed, tests, graph, texts)
              for changed in sources}
    for changed in sources:
        ordered += direct[changed]
    for changed in sources:
        # Only where direct evidence is thin: scanning a big project's modules costs seconds,
        # and there most modules have tests of their own.
        if len(set(direct[changed])) < MIN_DIRECT:
            ordered += _by_indirect_import(repo, changed, tests, files, indirect_cap, texts)
    unique = list(dict.fromkeys(ordered))
    return unique[:limit] if limit else unique


def small_suite(repo: Path, max_files: int = 40) -> list[str]:
    """Every test file of a small project: the pipeline's regression set when no test maps to
    the change by name or import (tests that reach it only through fixtures or conftest)."""
    repo = check_repo(repo)
    tests = runnable_tests(repo, worktree_files(repo))
    return tests if len(tests) <= max_files else []
