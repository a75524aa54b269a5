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
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import partial
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


def _free_key(units: dict[str, _Unit], key: str, stmt: ast.FunctionDef | ast.AsyncFunctionDef) -> str:
    """A property's setter or a dispatch overload shares its name: key it by its decorators too."""
    if key in units and stmt.decorator_list:
        key += " " + " ".join("@" + ast.unparse(d) for d in stmt.decorator_list)
    while key in units:
        key += "'"
    return key


@dataclass
class _Unit:
    raw: str
    """The unit's source text: equal text means equal unit, without re-printing anything."""
    render: Callable[[], str]
    """The normal form, computed only for units whose text changed (re-printing a file is slow)."""


def _segment(lines: list[str], node: ast.stmt) -> str:
    first = min([node.lineno] + [d.lineno for d in getattr(node, "decorator_list", [])])
    return "".join(lines[first - 1:node.end_lineno])


def _normal(stmt: ast.stmt) -> str:
    return ast.unparse(_StripDocstrings().visit(stmt))  # each node belongs to one unit: mutating is fine


def _own_unit(lines: list[str], imports: list[ast.stmt], rest: list[ast.stmt], shell: ast.ClassDef | None,
              header: str) -> _Unit:
    def render() -> str:
        imported = sorted({line for stmt in imports for line in _import_lines(stmt)})  # type: ignore[arg-type]
        return "\n".join(imported + ([ast.unparse(shell)] if shell else []) + [_normal(s) for s in rest])

    return _Unit(header + "".join(_segment(lines, s) for s in imports + rest), render)


def _units(tree: ast.Module, text: str) -> dict[str, _Unit]:
    lines = text.splitlines(keepends=True)
    units: dict[str, _Unit] = {}

    def body(stmts: list[ast.stmt], prefix: str, own_key: str, shell: ast.ClassDef | None, header: str) -> None:
        imports: list[ast.stmt] = []
        rest: list[ast.stmt] = []
        for i, stmt in enumerate(stmts):
            if i == 0 and _is_docstring(stmt):
                continue
            if isinstance(stmt, ast.Import | ast.ImportFrom):
                imports.append(stmt)
            elif isinstance(stmt, _FUNCS):
                units[_free_key(units, prefix + stmt.name, stmt)] = _Unit(_segment(lines, stmt), partial(_normal, stmt))
            elif isinstance(stmt, ast.ClassDef):
                inner = copy.copy(stmt)  # the class's own line (decorators, bases) without its members
                inner.body = [ast.Pass()]
                first = min([stmt.lineno] + [d.lineno for d in stmt.decorator_list])
                head = "".join(lines[first - 1:stmt.body[0].lineno - 1])
                body(stmt.body, f"{prefix}{stmt.name}.", f"{prefix}{stmt.name}", inner, head)
            else:
                rest.append(stmt)
        units[own_key] = _own_unit(lines, imports, rest, shell, header)

    body(tree.body, "", "<module>", None, "")
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
    old_units, new_units = _units(old, before or ""), _units(new, after or "")
    out: dict[str, str | None] = {}
    for key in sorted(set(old_units) | set(new_units)):
        was, now = old_units.get(key), new_units.get(key)
        if was is not None and now is not None and was.raw == now.raw:
            continue
        rendered = now.render() if now is not None else None
        if (was.render() if was is not None else None) != rendered:
            out[key] = rendered
    return out


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
    """Normal form of a unified diff against the files of ``repo`` (read, never written).

    Raises ``EditError`` when the diff does not apply to those files.
    """
    from editing.apply import Workspace  # apply imports this module for EditResult.normalized

    workspace = Workspace(repo)
    for path, text in apply_diff(diff, workspace.read_or_none).items():
        workspace.write(path, text)
    return normalize_changes(workspace.changes())
