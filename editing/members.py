"""The statements of a module or class body, as the splicer sees them.

``retrieval.parse`` gives the target file's symbols (qualified names, spans,
signatures); splicing also needs what sits *between* definitions (imports,
module constants, class attributes) and where a body starts, so this walks the
direct children of one body with the same tree-sitter grammar.
"""

from __future__ import annotations

import ast
import threading
from dataclasses import dataclass

import tree_sitter as ts

from editing import pyparse
from editing.elision import ELISION_COMMENT
from retrieval.languages import language_for, parser_for


@dataclass
class Member:
    """One statement directly inside a module or class body."""

    kind: str
    """'function' | 'class' | 'import' | 'assign' | 'docstring' | 'filler' | 'comment' | 'other'."""
    name: str
    node: ts.Node
    """The outer node: a decorated definition includes its decorators."""
    inner: ts.Node
    """The definition itself (same as ``node`` unless decorated)."""

    @property
    def start(self) -> int:
        return self.node.start_byte

    @property
    def end(self) -> int:
        return self.node.end_byte


def decorators(source: bytes, node: ts.Node) -> list[str]:
    """Decorator lines of a (decorated) definition, whitespace-normalised, e.g. ``['@name.setter']``."""
    if node.type != "decorated_definition":
        return []
    return [" ".join(node_text(source, d).split()) for d in node.named_children if d.type == "decorator"]


def match_definition(candidates: list, decorations: list[list[str]], wanted: list[str], occurrence: int,
           params: list[str] | None = None, wanted_params: str = ""):
    """Pick among same-named definitions (a property's getter and setter, dispatch overloads):
    the one decorated alike, else the one with the same parameters (a setter written without
    its decorator), else the written definition's ``occurrence``-th, else the last."""
    if not candidates:
        return None
    alike = [c for c, d in zip(candidates, decorations, strict=True) if [" ".join(x.split()) for x in d] == wanted]
    if len(alike) == 1:
        return alike[0]
    pool = alike or candidates
    if params is not None:
        same = [c for c, p in zip(candidates, params, strict=True) if c in pool and p == wanted_params]
        if len(same) == 1:
            return same[0]
    return pool[min(occurrence, len(pool) - 1)]


def function_params(source: bytes, m: Member) -> str:
    """The parameters of a function member, as ``parameters`` writes them ('' for other members)."""
    body = m.inner.child_by_field_name("body")
    if m.kind != "function" or body is None:
        return ""
    return parameters(source[m.inner.start_byte:body.start_byte].decode())


def parameters(text: str) -> str:
    """The parameter list of a ``def`` header, without whitespace: ``def f(a, b=1):`` -> ``a,b=1``."""
    inside = text.split("(", 1)[1] if "(" in text else ""
    return "".join(inside.rsplit(")", 1)[0].split())


_local = threading.local()


def parse_python(source: bytes) -> ts.Tree:
    """Parse with this thread's own parser: the pipeline applies answers from a thread pool, and
    a tree-sitter ``Parser`` holds per-parse state, so one shared parser is not safe across threads."""
    parser = getattr(_local, "parser", None)
    if parser is None:
        spec = language_for("x.py")
        assert spec is not None  # the language table always has Python
        parser = _local.parser = ts.Parser(parser_for(spec).language)
    return parser.parse(source)


def node_text(source: bytes, node: ts.Node) -> str:
    return source[node.start_byte:node.end_byte].decode("utf-8")


def _assign_name(source: bytes, node: ts.Node) -> str | None:
    first = node.named_children[0] if node.named_child_count else None
    if first is not None and first.type == "assignment":
        left = first.child_by_field_name("left")
        if left is not None and left.type == "identifier":
            return node_text(source, left)
    return None


def _member(source: bytes, node: ts.Node, index: int) -> Member:
    inner = node.child_by_field_name("definition") if node.type == "decorated_definition" else node
    inner = inner or node
    if inner.type in ("function_definition", "class_definition"):
        name_node = inner.child_by_field_name("name")
        kind = "function" if inner.type == "function_definition" else "class"
        return Member(kind, node_text(source, name_node) if name_node else "", node, inner)
    if node.type in ("import_statement", "import_from_statement", "future_import_statement"):
        return Member("import", " ".join(node_text(source, node).split()), node, node)
    if node.type == "comment":
        return Member("comment", node_text(source, node), node, node)
    if node.type in ("pass_statement",) or node_text(source, node).strip() == "...":
        return Member("filler", "", node, node)
    if node.type == "expression_statement":
        if index == 0 and node.named_child_count == 1 and node.named_children[0].type == "string":
            return Member("docstring", "", node, node)
        name = _assign_name(source, node)
        if name:
            return Member("assign", name, node, node)
    return Member("other", node_text(source, node).splitlines()[0] if node.text else "", node, node)


def members(source: bytes, container: ts.Node) -> list[Member]:
    """Direct children of a module root or a class ``block``, classified."""
    out: list[Member] = []
    for child in container.named_children:
        index = sum(1 for m in out if m.kind != "comment")
        out.append(_member(source, child, index))
    return out


def is_stub(source: bytes, node: ts.Node) -> bool:
    """Whether a function's body is only ``...`` (after an optional docstring): a signature, not code."""
    inner = node.child_by_field_name("definition") if node.type == "decorated_definition" else node
    body = inner.child_by_field_name("body") if inner is not None else None
    if body is None:
        return False
    statements = [m for m in members(source, body) if m.kind != "comment"]
    if statements and statements[0].kind == "docstring":
        statements = statements[1:]
    return len(statements) == 1 and node_text(source, statements[0].node).strip() == "..."


def class_body(class_node: ts.Node) -> ts.Node | None:
    inner = class_node.child_by_field_name("definition") if class_node.type == "decorated_definition" else class_node
    return inner.child_by_field_name("body") if inner is not None else None


def has_elision(source: bytes, class_node: ts.Node) -> bool:
    """Whether a written class leaves parts out: ``...``, a '# rest unchanged' comment, or
    methods given only by their signature (an echoed skeleton), in it or a nested class."""
    classes = [class_node]  # a stack, not recursion: every tree walk stays iterative (issue #11)
    while classes:
        body = class_body(classes.pop())
        for m in members(source, body) if body is not None else []:
            if m.kind == "filler" and node_text(source, m.node).strip() == "...":
                return True
            if m.kind == "comment" and ELISION_COMMENT.search(node_text(source, m.node)):
                return True
            if m.kind == "function" and is_stub(source, m.node):
                return True
            if m.kind == "class":
                classes.append(m.node)
    return False


def line_indent(source: bytes, pos: int) -> bytes:
    """The whitespace between the start of ``pos``'s line and ``pos`` (or spaces as wide)."""
    line_start = source.rfind(b"\n", 0, pos) + 1
    prefix = source[line_start:pos]
    return prefix if not prefix.strip() else b" " * len(prefix)


def reindent(text: str, from_col: int, to_indent: str) -> str:
    """Move a definition's text (first line unindented) from column ``from_col`` to ``to_indent``.

    Only whole indentation prefixes move: lines indented less than ``from_col`` (inside
    a multi-line string) stay as they are, and nothing changes when the columns agree.
    """
    lines = text.split("\n")
    if from_col == len(to_indent) and (not to_indent or "\t" not in to_indent):
        return "\n".join(line if line.strip() else "" for line in lines)
    out = [lines[0]]
    for line in lines[1:]:
        if not line.strip():
            out.append("")
        elif len(line) - len(line.lstrip()) >= from_col:
            out.append(to_indent + line[from_col:])
        else:
            out.append(line)
    return "\n".join(out)


def body_indent(source: bytes, body: ts.Node, fallback: bytes) -> bytes:
    """Indentation of the statements in a class body."""
    first = next((c for c in body.named_children if c.type != "comment"), None)
    if first is None or first.start_point.row == body.parent.start_point.row:
        return fallback
    return line_indent(source, first.start_byte)


def first_param(inner: ts.Node, source: bytes) -> str:
    params = inner.child_by_field_name("parameters")
    first = params.named_children[0] if params is not None and params.named_child_count else None
    return node_text(source, first).split(":")[0].split("=")[0].strip() if first is not None else ""


def qualname(source: bytes, node: ts.Node) -> str:
    """``Outer.Inner.name`` of a definition (or assignment) node, from its ancestors."""
    parts = []
    current: ts.Node | None = node
    while current is not None:
        inner = current.child_by_field_name("definition") if current.type == "decorated_definition" else current
        if inner is not None and inner.type in ("function_definition", "class_definition"):
            name = inner.child_by_field_name("name")
            if name is not None:
                parts.append(node_text(source, name))
        elif current is node and inner is not None and inner.type == "expression_statement":
            parts.append(node_text(source, inner).split("=")[0].strip())
        current = current.parent
        if current is not None and current.type == "decorated_definition":
            current = current.parent
    return ".".join(reversed(parts))


def header_end(node: ts.Node) -> int:
    inner = node.child_by_field_name("definition") if node.type == "decorated_definition" else node
    colon = next((c for c in inner.children if c.type == ":"), None) if inner is not None else None
    return colon.end_byte if colon is not None else node.start_byte


def imported(statement: bytes) -> tuple[tuple, set[tuple[str, str | None]]]:
    """(module key, {(name, alias)}) of an import statement, to compare imports by meaning."""
    try:
        node = pyparse.parse(statement.decode()).body[0]
    except (SyntaxError, ValueError, IndexError):
        return ("raw", statement.split()), set()
    names = {(a.name, a.asname) for a in getattr(node, "names", [])}
    if isinstance(node, ast.ImportFrom):
        return ("from", node.module, node.level), names
    return ("import",), names


def module_end(source: bytes, root_members: list[Member]) -> tuple[int, bool]:
    """Where new top-level code goes: (offset, True) above an ``if __name__ == "__main__":`` block,
    else (end of the last statement, False)."""
    for m in root_members:
        condition = m.node.child_by_field_name("condition") if m.node.type == "if_statement" else None
        if condition is not None and b"__name__" in source[condition.start_byte:condition.end_byte]:
            return m.start, True
    return (root_members[-1].end if root_members else 0), False
