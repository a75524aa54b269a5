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
import io
import textwrap
import tokenize
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path

from editing import pyparse
from editing.patch import apply_diff

_FUNCS = (ast.FunctionDef, ast.AsyncFunctionDef)


def _is_docstring(stmt: ast.stmt) -> bool:
    return isinstance(stmt, ast.Expr) and isinstance(stmt.value, ast.Constant) and isinstance(stmt.value.value, str)


def _strip_docstrings(tree: ast.AST) -> ast.AST:
    """Drop the docstring of every module, class and function in ``tree`` (mutated in place).

    ``ast.walk`` rather than a NodeTransformer: its generic_visit recurses once per level,
    and generated tables (sympy's resolvent_lookup.py, issue #11) nest deeper than the limit."""
    for node in ast.walk(tree):
        if isinstance(node, (ast.Module, ast.ClassDef, *_FUNCS)):
            body = node.body
            if body and _is_docstring(body[0]):
                node.body = body[1:] or [ast.Pass()]
    return tree


def _token_form(text: str) -> str:
    """The code's tokens, without comments and layout: the normal form of a unit too deep for
    ``ast.unparse`` (which recurses once per level)."""
    skip = {tokenize.COMMENT, tokenize.NL, tokenize.INDENT, tokenize.DEDENT, tokenize.ENDMARKER}
    try:
        tokens = tokenize.generate_tokens(io.StringIO(textwrap.dedent(text)).readline)
        return " ".join("\n" if t.type == tokenize.NEWLINE else t.string for t in tokens if t.type not in skip)
    except (tokenize.TokenError, SyntaxError):
        return " ".join(text.split())


def _unparse(render: Callable[[], str], raw: str) -> str:
    try:
        return render()
    except RecursionError:
        return _token_form(raw)


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


def _normal(stmt: ast.stmt, raw: str) -> str:
    # each node belongs to one unit: mutating is fine
    return _unparse(lambda: ast.unparse(_strip_docstrings(stmt)), raw)


def _own_unit(lines: list[str], imports: list[ast.stmt], rest: list[ast.stmt], shell: ast.ClassDef | None,
              header: str) -> _Unit:
    raw = header + "".join(_segment(lines, s) for s in imports + rest)

    def render() -> str:
        imported = sorted({line for stmt in imports for line in _import_lines(stmt)})  # type: ignore[arg-type]
        printed = [ast.unparse(_strip_docstrings(s)) for s in rest]
        return "\n".join(imported + ([ast.unparse(shell)] if shell else []) + printed)

    return _Unit(raw, partial(_unparse, render, raw))


@dataclass
class _Body:
    """A module or class body being cut into units: its statements still to read, and what its
    own unit collects (imports and other statements; functions and classes get units of their own)."""

    stmts: Iterator[tuple[int, ast.stmt]]
    prefix: str
    own_key: str
    shell: ast.ClassDef | None
    header: str
    imports: list[ast.stmt] = field(default_factory=list)
    rest: list[ast.stmt] = field(default_factory=list)


def _units(tree: ast.Module, text: str) -> dict[str, _Unit]:
    lines = text.splitlines(keepends=True)
    units: dict[str, _Unit] = {}
    # A stack of bodies, not recursion (issue #11); a class's members are cut as soon as it is
    # reached, so keys come out in the order a recursive walk gives (it decides _free_key's suffixes).
    bodies = [_Body(iter(enumerate(tree.body)), "", "<module>", None, "")]
    while bodies:
        body = bodies[-1]
        i, stmt = next(body.stmts, (-1, None))
        if stmt is None:
            units[body.own_key] = _own_unit(lines, body.imports, body.rest, body.shell, body.header)
            bodies.pop()
        elif i == 0 and _is_docstring(stmt):
            continue
        elif isinstance(stmt, ast.Import | ast.ImportFrom):
            body.imports.append(stmt)
        elif isinstance(stmt, _FUNCS):
            segment = _segment(lines, stmt)
            units[_free_key(units, body.prefix + stmt.name, stmt)] = _Unit(segment, partial(_normal, stmt, segment))
        elif isinstance(stmt, ast.ClassDef):
            shell = copy.copy(stmt)  # the class's own line (decorators, bases) without its members
            shell.body = [ast.Pass()]
            first = min([stmt.lineno] + [d.lineno for d in stmt.decorator_list])
            head = "".join(lines[first - 1:stmt.body[0].lineno - 1])
            key = f"{body.prefix}{stmt.name}"
            bodies.append(_Body(iter(enumerate(stmt.body)), key + ".", key, shell, head))
        else:
            body.rest.append(stmt)
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
