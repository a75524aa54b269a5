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
    """The line's code with its trailing comment cut and whitespace collapsed."""
    trailing = next((c for c in comments if c.line == row and not c.whole_line), None)
    if trailing is not None:
        line = line[: trailing.column - shift]
    return " ".join(line.split())


class _Restorer:
    """Restores into the written text (already moved to the old definition's indentation)."""

    def __init__(self, old_source: bytes, old: ts.Node, new_source: bytes, new: ts.Node, text: str):
        self.old_source, self.old, self.new_source, self.new = old_source, old, new_source, new
        self.old_lines = old_source[old.start_byte:old.end_byte].decode("utf-8").split("\n")
        self.lines = text.split("\n")
        self.before: dict[int, list[str]] = {}
        """Lines to insert before a line of the written text."""
        self.notes: list[str] = []

    def docstring(self) -> None:
        old_doc, new_doc = _docstring(self.old), _docstring(self.new)
        statements = _statements(self.new)
        if old_doc is None or not statements:
            return
        doc_row = old_doc.start_point.row - self.old.start_point.row
        row = statements[0].start_point.row - self.new.start_point.row
        if row == 0 or doc_row == 0:  # a one-line `def f(): return x`: no line to put it on
            return
        old_indent = _indent(self.old_lines[doc_row])
        new_indent = _indent(self.lines[row])
        doc = [new_indent + line[len(old_indent):] if line.startswith(old_indent) else line
               for line in self.old_lines[doc_row:old_doc.end_point.row - self.old.start_point.row + 1]]
        if new_doc is None:
            self.before.setdefault(row, []).extend(doc)
            self.notes.append("kept the docstring")
        elif _cut_short(_words(self.new_source, new_doc), _words(self.old_source, old_doc)):
            # Small models keep a docstring's first line and drop the rest (slug_accents' slugify).
            self.lines[row:new_doc.end_point.row - self.new.start_point.row + 1] = doc
            self.notes.append("kept the whole docstring")

    def comments(self) -> None:
        old_comments = _comments(self.old_source, self.old)
        if not old_comments or _comments(self.new_source, self.new):
            return
        old_code = [_code(line, old_comments, i, self._shift(i)) for i, line in enumerate(self.old_lines)]
        new_code = [" ".join(line.split()) for line in self.lines]
        matched = self._match(old_code, new_code)
        kept = 0
        for comment in old_comments:
            kept += self._place(comment, old_code, matched)
        if kept:
            self.notes.append(f"kept {kept} comment{'s' if kept > 1 else ''}")

    @staticmethod
    def _match(old_code: list[str], new_code: list[str]) -> dict[int, int]:
        """Old line -> written line, for code lines that are the same, in order."""
        old_rows = [i for i, c in enumerate(old_code) if c]
        new_rows = [j for j, c in enumerate(new_code) if c]
        matcher = difflib.SequenceMatcher(None, [old_code[i] for i in old_rows], [new_code[j] for j in new_rows],
                                          autojunk=False)
        return {old_rows[b.a + k]: new_rows[b.b + k] for b in matcher.get_matching_blocks() for k in range(b.size)}

    def _shift(self, row: int) -> int:
        """Where column 0 of a text line is in the file: the text's first line starts at the node."""
        return self.old.start_point.column if row == 0 else 0

    def _place(self, comment: _Comment, old_code: list[str], matched: dict[int, int]) -> int:
        if not comment.whole_line:
            row = matched.get(comment.line)
            if row is None:
                return 0
            old_line = self.old_lines[comment.line]
            code_end = len(old_line[:comment.column - self._shift(comment.line)].rstrip())
            self.lines[row] = self.lines[row].rstrip() + old_line[code_end:].rstrip()  # the gap, then the comment
            return 1
        anchor = next((i for i in range(comment.line + 1, len(old_code)) if old_code[i]), None)
        if anchor is None or anchor not in matched:
            return 0
        row = matched[anchor]
        width = len(_indent(self.lines[row])) + comment.column - len(_indent(self.old_lines[anchor]))
        self.before.setdefault(row, []).append(" " * max(width, 0) + comment.text)
        return 1

    def annotations(self) -> None:
        old_def, new_def = _definition(self.old), _definition(self.new)
        old_header, new_header = _header(self.old_source, old_def), _header(self.new_source, new_def)
        if old_header is None or new_header is None or not _same_but_annotations(old_header[0], new_header[0]):
            return
        first = old_def.start_point.row - self.old.start_point.row
        last = old_header[1] - self.old.start_point.row
        if any(first <= c.line <= last for c in _comments(self.old_source, self.old)):
            return  # a comment inside the old signature: leave both as they are
        new_first = new_def.start_point.row - self.new.start_point.row
        new_last = new_header[1] - self.new.start_point.row
        old_text = self.old_lines[first:last + 1]
        old_text[0] = _indent(self.lines[new_first]) + old_text[0].lstrip()
        self.lines[new_first:new_last + 1] = old_text
        # Rows after the signature moved: shift what is planned there.
        delta = len(old_text) - (new_last - new_first + 1)
        self.before = {(r + delta if r > new_last else r): v for r, v in self.before.items()}
        self.notes.append("kept the annotations")

    def text(self) -> str:
        out: list[str] = []
        for row, line in enumerate(self.lines):
            out.extend(self.before.get(row, []))
            out.append(line)
        return "\n".join(out)


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
    restorer.docstring()
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
