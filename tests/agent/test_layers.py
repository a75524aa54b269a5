"""The import graph has the ground at the bottom: ``agent.core`` imports nothing else of Capuchin,
and the stage packages (retrieval, editing, sandbox) import only the ground from ``agent``.

Read with ``ast`` from the source, imports inside functions included (lazy imports are imports
too); imports under ``if TYPE_CHECKING:`` are annotations only and are left out.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
OURS = ("agent", "retrieval", "editing", "sandbox", "benchmarks", "tui", "bot", "swebatch")
STAGES = ("retrieval", "editing", "sandbox")


def _type_checking_nodes(tree: ast.AST) -> set[int]:
    skipped: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            for child in node.body:
                skipped.update(id(n) for n in ast.walk(child))
    return skipped


def imported_modules(path: Path, package: str | None = None) -> list[str]:
    """Absolute module names a file imports at run time (relative imports resolved)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    skipped = _type_checking_nodes(tree)
    if package is None:
        package = ".".join(path.relative_to(ROOT).with_suffix("").parts[:-1])
    found = []
    for node in ast.walk(tree):
        if id(node) in skipped:
            continue
        if isinstance(node, ast.Import):
            found += [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parent = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*parent, base] if base else parent)
            found += [base] + [f"{base}.{a.name}" for a in node.names]
    return found


def _violations(files: list[Path], allowed) -> list[str]:
    out = []
    for path in files:
        for module in imported_modules(path):
            top = module.split(".")[0]
            if top in OURS and not allowed(module):
                out.append(f"{path.relative_to(ROOT)} imports {module}")
    return sorted(set(out))


def test_the_ground_imports_nothing_above_it():
    files = sorted((ROOT / "agent" / "core").rglob("*.py"))
    assert files
    assert _violations(files, lambda m: m == "agent.core" or m.startswith("agent.core.")) == []


@pytest.mark.parametrize("stage", STAGES)
def test_stage_packages_import_only_the_ground_from_agent(stage):
    files = sorted((ROOT / stage).rglob("*.py"))
    assert files

    def allowed(module: str) -> bool:
        top = module.split(".")[0]
        if top == "agent":
            return module in ("agent", "agent.core") or module.startswith("agent.core.")
        return top in STAGES  # sideways between stages is allowed (editing reads retrieval's parser)

    assert _violations(files, allowed) == []


def test_the_checker_sees_lazy_and_relative_imports_but_not_type_checking_ones(tmp_path):
    probe = tmp_path / "probe.py"
    probe.write_text("from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from agent.solve import solve\n"
                     "def f():\n    from agent.pipeline import Pipeline\nfrom .config import SandboxConfig\n")
    found = imported_modules(probe, package="sandbox")
    assert "agent.pipeline" in found
    assert "sandbox.config" in found
    assert "agent.solve" not in found
