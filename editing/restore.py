"""Put back what a whole-function answer dropped without meaning to (issue #16).

The model rewrites whole functions, and small models lose the docstring, the comments or
the annotations on the way: a reviewer rejects such a patch, and the normal form used
for voting (which ignores docstrings and comments) cannot tell it from the faithful one.
Three rules, each restoring only what the answer shows no sign of changing on purpose:

* docstring: the old function has one and the written one has none, or only its first
  words: the old one goes back (a written docstring that says anything else, shorter or
  longer, is the model's choice);
* comments: the written function has no comment at all and the old one has some: each old
  comment goes back beside its line of code, when that line is still there unchanged (lines
  matched in order); a comment whose line the fix changed is dropped with it;
* annotations: the written signature has none, the old one has some, and the name and the
  parameters (names, defaults, kinds) are the same: the old signature is kept.

Decorators dropped wholesale are kept by the splicer (``editing.splice``), which knows
when the written parameters contradict one.
"""

from __future__ import annotations

import ast
import difflib
import textwrap
from dataclasses import dataclass

import tree_sitter as ts

from editing import pyparse


@dataclass
class _Comment:
    line: int
    """Line of the definition's text (0: its first line) the comment is on."""
    column: int
    text: str
    whole_line: bool
    """Alone on its line (else it trails code)."""


def _definition(node: ts.Node) -> ts.Node:
    inner = node.child_by_field_name("definition") if node.type == "decorated_definition" else node
    return inner or node


def _comments(source: bytes, node: ts.Node) -> list[_Comment]:
    found, todo = [], [node]
    while todo:  # a stack, not recursion (issue #11)
        current = todo.pop()
        if current.type == "comment":
            line_start = source.rfind(b"\n", 0, current.start_byte) + 1
            found.append(_Comment(current.start_point.row - node.start_point.row, current.start_point.column,
                                  source[current.start_byte:current.end_byte].decode("utf-8", "replace"),
                                  not source[line_start:current.start_byte].strip()))
        todo.extend(current.children)
    return sorted(found, key=lambda c: (c.line, c.column))


def _statements(node: ts.Node) -> list[ts.Node]:
    body = _definition(node).child_by_field_name("body")
    return [c for c in body.named_children if c.type != "comment"] if body is not None else []


def _docstring(node: ts.Node) -> ts.Node | None:
    first = next(iter(_statements(node)), None)
    if first is not None and first.type == "expression_statement" and first.named_child_count == 1 \
            and first.named_children[0].type == "string":
        return first
    return None


def _words(source: bytes, docstring: ts.Node) -> list[str]:
    return source[docstring.start_byte:docstring.end_byte].decode("utf-8", "replace").strip("\"'rRuU \n").split()


def _cut_short(new: list[str], old: list[str]) -> bool:
    """The written docstring is the start of the old one and nothing else: a truncated copy."""
    return 0 < len(new) < len(old) and old[:len(new)] == new


def _indent(line: str) -> str:
    return line[: len(line) - len(line.lstrip())]


def _code(line: str, comments: list[_Comment], row: int, shift: int) -> str:
    """The line's code with its comment cut and whitespace collapsed ('' for a comment line)."""
    comment = next((c for c in comments if c.line == row), None)
    if comment is not None:
        line = "" if comment.whole_line else line[: comment.column - shift]
    return " ".join(line.split())


class _Restorer:
    """Restores into the written text (already moved to the old definition's indentation).

    Every rule plans its edits by row of the written text (lines to insert before a row,
    a range of rows to replace) and ``text`` applies them at the end, so no rule moves
    the rows another one planned with."""

    def __init__(self, old_source: bytes, old: ts.Node, new_source: bytes, new: ts.Node, text: str):
        self.old_source, self.old, self.new_source, self.new = old_source, old, new_source, new
        self.old_lines = old_source[old.start_byte:old.end_byte].decode("utf-8").split("\n")
        self.lines = text.split("\n")
        self.before: dict[int, list[str]] = {}
        """Lines to insert before a row of the written text."""
        self.replaced: dict[int, tuple[int, list[str]]] = {}
        """First row -> (last row, the lines that replace them)."""
        self.notes: list[str] = []

    def _old_row(self, node: ts.Node) -> int:
        return node.start_point.row - self.old.start_point.row

    def _new_row(self, node: ts.Node) -> int:
        return node.start_point.row - self.new.start_point.row

    def docstrings(self) -> None:
        """The definition's docstring, and those of the functions and classes in it (matched by name)."""
        old_defs, new_defs = _definitions(self.old), _definitions(self.new)
        # Same-named definitions pair up in order when both sides have as many (else: unknown).
        pairs = [pair for name, olds in old_defs.items() if len(olds) == len(new_defs.get(name, []))
                 for pair in zip(olds, new_defs[name], strict=True)]
        kept = [self._docstring(old, new) for old, new in pairs]
        if "dropped" in kept:
            self.notes.append("kept the docstring")
        if "cut short" in kept:
            self.notes.append("kept the whole docstring")

    def _docstring(self, old: ts.Node, new: ts.Node) -> str | None:
        old_doc, new_doc = _docstring(old), _docstring(new)
        statements = _statements(new)
        if old_doc is None or not statements:
            return None
        doc_row, row = self._old_row(old_doc), self._new_row(statements[0])
        if row == self._new_row(new) or doc_row == self._old_row(old):  # `def f(): return x`: no line for it
            return None
        old_indent, new_indent = _indent(self.old_lines[doc_row]), _indent(self.lines[row])
        doc = [new_indent + line[len(old_indent):] if line.startswith(old_indent) else line
               for line in self.old_lines[doc_row:old_doc.end_point.row - self.old.start_point.row + 1]]
        if new_doc is None:
            self.before.setdefault(row, []).extend(doc)
            return "dropped"
        if _cut_short(_words(self.new_source, new_doc), _words(self.old_source, old_doc)):
            # Small models keep a docstring's first line and drop the rest (slug_accents' slugify).
            self.replaced[row] = (new_doc.end_point.row - self.new.start_point.row, doc)
            return "cut short"
        return None

    def comments(self) -> None:
        old_comments = _comments(self.old_source, self.old)
        if not old_comments or _comments(self.new_source, self.new):
            return
        old_code = [_code(line, old_comments, i, self._shift(i)) for i, line in enumerate(self.old_lines)]
        new_code = [" ".join(line.split()) for line in self.lines]
        same, near = _match(old_code, new_code)
        kept = sum(self._place(comment, old_code, same, near) for comment in old_comments)
        if kept:
            self.notes.append(f"kept {kept} comment{'s' if kept > 1 else ''}")

    def _shift(self, row: int) -> int:
        """Where column 0 of a text line is in the file: the text's first line starts at the node."""
        return self.old.start_point.column if row == 0 else 0

    def _place(self, comment: _Comment, old_code: list[str], same: dict[int, int], near: dict[int, int]) -> int:
        if not comment.whole_line:  # beside its line, only when that line is unchanged
            row = same.get(comment.line)
            if row is None:
                return 0
            old_line = self.old_lines[comment.line]
            code_end = len(old_line[:comment.column - self._shift(comment.line)].rstrip())
            self.lines[row] = self.lines[row].rstrip() + old_line[code_end:].rstrip()  # the gap, then the comment
            return 1
        # Above the code it introduces, or above what replaced that code (the fix rewrote it).
        anchor = next((i for i in range(comment.line + 1, len(old_code)) if old_code[i]), None)
        row = same.get(anchor, near.get(anchor)) if anchor is not None else None
        if row is None:
            return 0
        width = len(_indent(self.lines[row])) + comment.column - len(_indent(self.old_lines[anchor]))
        self.before.setdefault(row, []).append(" " * max(width, 0) + comment.text)
        return 1

    def annotations(self) -> None:
        old_def, new_def = _definition(self.old), _definition(self.new)
        old_header, new_header = _header(self.old_source, old_def), _header(self.new_source, new_def)
        if old_header is None or new_header is None or not _same_but_annotations(old_header[0], new_header[0]):
            return
        first, last = self._old_row(old_def), old_header[1] - self.old.start_point.row
        if any(first <= c.line <= last for c in _comments(self.old_source, self.old)):
            return  # a comment inside the old signature: leave both as they are
        new_first = self._new_row(new_def)
        old_text = self.old_lines[first:last + 1]
        old_text[0] = _indent(self.lines[new_first]) + old_text[0].lstrip()
        self.replaced[new_first] = (new_header[1] - self.new.start_point.row, old_text)
        self.notes.append("kept the annotations")

    def text(self) -> str:
        out: list[str] = []
        row = 0
        while row < len(self.lines):
            out.extend(self.before.get(row, []))
            last, lines = self.replaced.get(row, (row, [self.lines[row]]))
            out.extend(lines)
            row = last + 1
        return "\n".join(out)


def _match(old_code: list[str], new_code: list[str]) -> tuple[dict[int, int], dict[int, int]]:
    """Old line -> written line: the same code, in order; and, for old lines the written code
    replaced, the written line in their place (the first of the replacing block, or later)."""
    old_rows = [i for i, c in enumerate(old_code) if c]
    new_rows = [j for j, c in enumerate(new_code) if c]
    matcher = difflib.SequenceMatcher(None, [old_code[i] for i in old_rows], [new_code[j] for j in new_rows],
                                      autojunk=False)
    same: dict[int, int] = {}
    near: dict[int, int] = {}
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        for k in range(i2 - i1):
            if tag == "equal":
                same[old_rows[i1 + k]] = new_rows[j1 + k]
            elif tag == "replace":
                near[old_rows[i1 + k]] = new_rows[min(j1 + k, j2 - 1)]
    return same, near


def _definitions(node: ts.Node) -> dict[str, list[ts.Node]]:
    """The definition (``node`` itself, under '') and the functions and classes nested in it, by
    dotted name, in order (a property's getter and setter share theirs)."""
    kinds = ("function_definition", "class_definition")
    found: dict[str, list[ts.Node]] = {}
    todo = [(_definition(node), "")]
    while todo:  # a stack, not recursion (issue #11)
        current, name = todo.pop()
        if current.type in kinds:
            found.setdefault(name, []).append(current)
        for child in current.named_children:
            inner = _definition(child)
            name_node = inner.child_by_field_name("name") if inner.type in kinds else None
            todo.append((inner, f"{name}.{name_node.text.decode()}") if name_node is not None else (child, name))
    return {k: sorted(v, key=lambda n: n.start_byte) for k, v in found.items()}


def _header(source: bytes, definition: ts.Node) -> tuple[str, int] | None:
    """(``def name(...) -> T:``, the row of its colon) of a function definition."""
    body = definition.child_by_field_name("body")
    colon = next((c for c in definition.children if c.type == ":"), None)
    if definition.type != "function_definition" or body is None or colon is None:
        return None
    return source[definition.start_byte:colon.end_byte].decode("utf-8"), colon.end_point.row


def _signature(header: str) -> ast.FunctionDef | ast.AsyncFunctionDef | None:
    try:
        tree = pyparse.parse(header.strip() + " pass")
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return None
    node = tree.body[0] if tree.body else None
    return node if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef) else None


def _annotated(sig: ast.FunctionDef | ast.AsyncFunctionDef) -> bool:
    args = sig.args
    every = [*args.posonlyargs, *args.args, *args.kwonlyargs, *filter(None, [args.vararg, args.kwarg])]
    return sig.returns is not None or any(a.annotation is not None for a in every)


def _bare(sig: ast.FunctionDef | ast.AsyncFunctionDef) -> str:
    """The signature without its annotations (``sig`` is changed)."""
    sig.returns = None
    for node in ast.walk(sig.args):
        if isinstance(node, ast.arg):
            node.annotation = None
    return f"{type(sig).__name__} {sig.name} {ast.dump(sig.args)}"


def _same_but_annotations(old_header: str, new_header: str) -> bool:
    old, new = _signature(old_header), _signature(new_header)
    if old is None or new is None or _annotated(new) or not _annotated(old):
        return False
    return _bare(old) == _bare(new)


def restore_dropped(old_source: bytes, old: ts.Node, new_source: bytes, new: ts.Node, text: str) -> tuple[str, list[str]]:
    """``text`` (the written function ``new``, moved to the indentation of the ``old`` one it
    replaces) with the docstring, comments and annotations it dropped put back; and notes
    saying what was kept ('kept the docstring', 'kept 2 comments', 'kept the annotations')."""
    restorer = _Restorer(old_source, old, new_source, new, text)
    restorer.docstrings()
    restorer.comments()
    restorer.annotations()
    restored = restorer.text()
    if restored == text or not _parses(restored, old.start_point.column):
        return text, []  # restoring must never cost a candidate that splices as written
    return restored, restorer.notes


def _parses(text: str, column: int) -> bool:
    try:
        pyparse.parse(textwrap.dedent(" " * column + text))
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return False
    return True
