"""Normalise a change so that candidates differing only in form collapse for dedup and voting.

Each changed file is cut into units keyed by qualified name: every function or
method (with its decorators), each class's own statements (header and attributes)
and the module's top-level statements. A unit is re-printed with ``ast.unparse``
after its docstrings are stripped, so comments, docstrings, quoting and layout
vanish; only units whose normal form changed are listed. Files that are not
Python or do not parse fall back to the diff's changed lines with whitespace
collapsed and comment-only lines dropped. (After Agentless's normalize_patch.)
Equal output means duplicate candidates; an empty string means no code change.
"""

from __future__ import annotations

import ast
import copy
import difflib
from collections.abc import Mapping
from pathlib import Path

from editing import pyparse
from editing.patch import apply_diff

_FUNCS = (ast.FunctionDef, ast.AsyncFunctionDef)


def _is_docstring(stmt: ast.stmt) -> bool:
    return isinstance(stmt, ast.Expr) and isinstance(stmt.value, ast.Constant) and isinstance(stmt.value.value, str)


class _StripDocstrings(ast.NodeTransformer):
    def _strip(self, node: ast.AST) -> ast.AST:
        self.generic_visit(node)
        body = node.body  # type: ignore[attr-defined]
        if body and _is_docstring(body[0]):
            node.body = body[1:] or [ast.Pass()]  # type: ignore[attr-defined]
        return node

    visit_Module = visit_ClassDef = visit_FunctionDef = visit_AsyncFunctionDef = _strip


def _import_lines(stmt: ast.Import | ast.ImportFrom) -> list[str]:
    """One line per imported name: where and how names are imported does not change behaviour."""
    one = [ast.alias(a.name, a.asname) for a in stmt.names]
    if isinstance(stmt, ast.Import):
        return [ast.unparse(ast.Import([a])) for a in one]
    return [ast.unparse(ast.ImportFrom(stmt.module, [a], stmt.level)) for a in one]


def _free_key(units: dict[str, str], key: str, stmt: ast.FunctionDef | ast.AsyncFunctionDef) -> str:
    """A property's setter or a dispatch overload shares its name: key it by its decorators too."""
    if key in units and stmt.decorator_list:
        key += " " + " ".join("@" + ast.unparse(d) for d in stmt.decorator_list)
    while key in units:
        key += "'"
    return key


def _units(tree: ast.Module) -> dict[str, str]:
    units: dict[str, str] = {}

    def body(stmts: list[ast.stmt], prefix: str, own_key: str, header: str = "") -> None:
        rest = [header] if header else []
        imports: set[str] = set()
        for stmt in stmts:
            if isinstance(stmt, ast.Import | ast.ImportFrom):
                imports.update(_import_lines(stmt))
            elif isinstance(stmt, _FUNCS):
                units[_free_key(units, prefix + stmt.name, stmt)] = ast.unparse(stmt)
            elif isinstance(stmt, ast.ClassDef):
                shell = copy.copy(stmt)  # the class's own line (decorators, bases) without its members
                shell.body = [ast.Pass()]
                body(stmt.body, f"{prefix}{stmt.name}.", f"{prefix}{stmt.name}", ast.unparse(shell))
            else:
                rest.append(ast.unparse(stmt))
        units[own_key] = "\n".join(sorted(imports) + rest)

    body(_StripDocstrings().visit(tree).body, "", "<module>")
    return units


def _parse(text: str | None) -> ast.Module | None:
    if text is None:
        return ast.Module(body=[], type_ignores=[])
    try:
        return pyparse.parse(text)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return None


def _line_fallback(path: str, before: str | None, after: str | None) -> str:
    old, new = (before or "").splitlines(), (after or "").splitlines()
    out = []
    for line in difflib.unified_diff(old, new, n=0, lineterm=""):
        if line.startswith(("---", "+++", "@@")):
            continue
        text = " ".join(line[1:].split())
        if text and not text.startswith("#"):
            out.append(line[0] + text)
    return f"{path}\n" + "\n".join(out) if out else ""


def changed_units(path: str, before: str | None, after: str | None) -> dict[str, str | None] | None:
    """``{qualname: normal form after (None: deleted)}`` of the units a change touches, in key order.

    Keys are qualified names (``Class.method``), ``Class`` for a class's own statements and
    ``<module>`` for top-level ones. None when the file is not Python or does not parse.
    """
    old, new = _parse(before), _parse(after)
    if not path.endswith((".py", ".pyi")) or old is None or new is None:
        return None
    old_units, new_units = _units(old), _units(new)
    keys = sorted(set(old_units) | set(new_units))
    return {k: new_units.get(k) for k in keys if old_units.get(k) != new_units.get(k)}


def normalize_change(path: str, before: str | None, after: str | None) -> str:
    """The normal form of one file's change (None: the file is absent on that side)."""
    units = changed_units(path, before, after)
    if units is None:
        return _line_fallback(path, before, after)
    return "\n\n".join(f"{path}::{k}\n{'<deleted>' if v is None else v}" for k, v in units.items())


def normalize_changes(changes: Mapping[str, tuple[str | None, str | None]]) -> str:
    """Normal form of several files' changes, ``{path: (before, after)}``, in path order."""
    parts = (normalize_change(p, *changes[p]) for p in sorted(changes))
    return "\n\n".join(p for p in parts if p)


def normalize_patch(repo: Path, diff: str) -> str:
    """Normal form of a unified diff against the files of ``repo`` (read, never written)."""
    from editing.apply import Workspace  # apply imports this module for EditResult.normalized

    workspace = Workspace(repo)
    for path, text in apply_diff(diff, workspace.read_or_none).items():
        workspace.write(path, text)
    return normalize_changes(workspace.changes())
