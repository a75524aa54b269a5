"""No function of the project recurses (issue #11).

Real files are deeper than Python's recursion limit (sympy's generated
``resolvent_lookup.py``), so a syntax-tree walk that recurses once per level crashes
on them. Rather than deciding which functions walk trees, this fails on any function
that can reach itself through calls in its own module (directly, ``self.x()``,
``cls.x()`` or through other functions of the module), and on ``ast.NodeVisitor`` /
``ast.NodeTransformer`` subclasses, whose ``generic_visit`` recurses. Walk with an
explicit stack (or ``ast.walk``) instead. Calls across modules are not followed: a cycle
through two modules would be missed.
"""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("agent", "retrieval", "editing", "sandbox", "benchmarks", "tui", "bot", "swebatch", "scripts")
"""The shipped code (test helpers may recurse over small trees of their own, such as CLI command groups)."""

_FUNCS = (ast.FunctionDef, ast.AsyncFunctionDef)
Key = tuple[str, str]
"""(owner, name): the class a method is defined in ('' at module level, '<nested>' inside a function)."""


def _definitions(tree: ast.Module) -> dict[Key, ast.AST]:
    found: dict[Key, ast.AST] = {}
    todo: list[tuple[ast.AST, str]] = [(tree, "")]
    while todo:
        node, owner = todo.pop()
        for child in ast.iter_child_nodes(node):
            if isinstance(child, _FUNCS):
                found.setdefault((owner, child.name), child)
                todo.append((child, "<nested>"))
            elif isinstance(child, ast.ClassDef):
                todo.append((child, child.name))
            else:
                todo.append((child, owner))
    return found


def _callees(node: ast.AST, owner: str, defs: dict[Key, ast.AST]) -> set[Key]:
    out: set[Key] = set()
    for sub in ast.walk(node):
        if not isinstance(sub, ast.Call):
            continue
        func = sub.func
        if isinstance(func, ast.Name):  # a bare name is a module's or an enclosing function's, never a method
            out |= {k for k in (("", func.id), ("<nested>", func.id)) if k in defs}
        elif isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name) and func.value.id in ("self", "cls"):
            out |= {(owner, func.attr)} & defs.keys()
    return out


def recursive_functions(source: str) -> list[str]:
    """``owner.name`` of every function that can call itself within this module's source."""
    tree = ast.parse(source)
    defs = _definitions(tree)
    graph = {key: _callees(node, key[0], defs) for key, node in defs.items()}
    cyclic = []
    for start in graph:
        seen: set[Key] = set()
        todo = list(graph[start])
        while todo:
            key = todo.pop()
            if key == start:
                cyclic.append(".".join(p for p in start if p))
                break
            if key not in seen:
                seen.add(key)
                todo.extend(graph[key])
    visitors = [n.name for n in ast.walk(tree) if isinstance(n, ast.ClassDef) and any(
        isinstance(b, ast.Attribute) and b.attr in ("NodeVisitor", "NodeTransformer") for b in n.bases)]
    return sorted(cyclic) + [f"{v} (an ast.NodeVisitor: generic_visit recurses)" for v in visitors]


def _project_files() -> list[Path]:
    return sorted(p for pkg in PACKAGES if (ROOT / pkg).is_dir() for p in (ROOT / pkg).rglob("*.py"))


def test_the_scan_finds_direct_mutual_and_method_recursion():
    source = '''
import ast

def direct(n):
    return [direct(c) for c in n.children]

def ping(n):
    return pong(n)

def pong(n):
    return [ping(c) for c in n]

class Walker:
    def visit(self, node):
        self.children(node)

    def children(self, node):
        for c in node.named_children:
            self.visit(c)

class Strip(ast.NodeTransformer):
    pass

def docstring(node):
    return node.doc

class Reader:
    def docstring(self, node):
        return docstring(node)  # the module's function, not this method

def iterative(root):
    stack = [root]
    while stack:
        stack.extend(stack.pop().children)
'''
    assert recursive_functions(source) == ["Walker.children", "Walker.visit", "direct", "ping", "pong",
                                           "Strip (an ast.NodeVisitor: generic_visit recurses)"]


def test_no_function_in_the_project_recurses():
    """Regression for issue #11: a recursive walk of sympy's generated table hit the recursion limit."""
    found = [f"{path.relative_to(ROOT)}: {name}" for path in _project_files()
             for name in recursive_functions(path.read_text(encoding="utf-8"))]
    assert _project_files(), "no project files found"
    assert not found, "recursive functions (walk with an explicit stack instead):\n" + "\n".join(found)
