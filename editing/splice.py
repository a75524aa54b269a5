"""Splice whole replacement definitions into a Python file by syntax-tree span.

The model writes complete functions, methods or classes (SuperCoder2.0's edit
format). Each written definition is matched to the existing one by qualified
name, and its byte span (decorators included) is replaced, moved to the
original's indentation. A class written with only some of its methods, or with
``...`` / "# rest unchanged" in place of the others, is merged member by member.
New definitions land next to their neighbours in the answer, new imports after the
file's imports. The result must parse. Everything happens on in-memory text.
"""

from __future__ import annotations

import re
import textwrap
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

import tree_sitter as ts

from editing.errors import EditError
from editing.feedback import elides, misspelt, not_found, numbered, same_code, syntax_error, syntax_problem
from editing.imports import plan_import
from editing.members import (
    Member,
    body_indent,
    class_body,
    decorators,
    first_param,
    function_params,
    has_elision,
    header_end,
    is_stub,
    line_indent,
    match_definition,
    members,
    module_end,
    node_text,
    parameters,
    parse_python,
    qualname,
    reindent,
)
from editing.restore import restore_dropped
from retrieval.parse import ParsedFile, Symbol, parse_file

_DEFS = ("function", "class")


@dataclass
class _Change:
    start: int
    seq: int
    end: int
    text: bytes

    def order(self) -> tuple[int, bool, int]:
        """Applied from the end backwards; at one position the replacement goes first, then
        insertions last-planned first, so earlier-planned text ends up in front."""
        return self.start, self.end > self.start, self.seq


@dataclass
class SpliceResult:
    text: str
    applied: list[str] = field(default_factory=list)
    """What was done, e.g. 'replaced Foo.bar', 'added helper', 'added import: import os'."""
    notes: list[str] = field(default_factory=list)


@dataclass
class _Level:
    """One body being merged into: the module, or a class body."""

    find: Callable[[Member, int], ts.Node | None]
    """The existing member a written one replaces, given how many same-named ones came before it."""
    end: int
    """Where new members go when the answer gives no neighbour."""
    indent: bytes
    qual: str
    """Qualified-name prefix ('' at module level, 'Class.' inside a class)."""
    names: list[str]
    """Names defined at this level, to tell a new definition from a misspelt one."""
    end_is_before: bool = False
    """``end`` is the start of a statement new members go above (an ``if __name__`` block)."""
    start: int | None = None
    """Start of a class body's first statement, where a new docstring goes."""


_Job = tuple[list[Member], _Level, int]
"""A body to merge: the written members, the body they go into, blank lines around new definitions."""


class _Splicer:
    def __init__(self, path: str, source: str, code: str, *, hint: str | None, answer_code: str):
        self.path = path
        self.src = source.encode("utf-8")
        self.parsed: ParsedFile = parse_file(path, self.src)
        self.tree = parse_python(self.src)
        self.snip = textwrap.dedent(code).encode()
        self.hint = hint
        self.answer_code = answer_code
        self.changes: list[_Change] = []
        self.claims: list[tuple[int, int, str]] = []
        self.added: set[tuple[int, str, str]] = set()
        """Spans replaced whole or merged into, to catch a block that writes the same code twice."""
        self.result = SpliceResult(source)

    # --- module level ------------------------------------------------------------------------

    def run(self) -> SpliceResult:
        problem = syntax_problem(self.snip.decode())
        if problem:
            raise syntax_error(self.path, self.snip.decode(), problem, whose=f"Your code for {self.path}")
        top = members(self.snip, parse_python(self.snip).root_node)
        root_members = members(self.src, self.tree.root_node)
        if not any(m.kind in (*_DEFS, "import", "assign") for m in top):
            raise EditError(f"The code block for {self.path} defines no function, class or import to splice in.")
        end, before = module_end(self.src, root_members)
        names = [s.qualname for s in self.parsed.symbols] + self.parsed.top_level_names
        level = _Level(self._find_module, end, b"", "", names, end_is_before=before)
        self._levels((top, level, 2))
        self.result.text = self._apply().decode("utf-8")
        self._check_syntax()
        return self.result

    def _find_module(self, m: Member, occurrence: int) -> ts.Node | None:
        if m.kind == "assign":
            return next((t.node for t in members(self.src, self.tree.root_node)
                         if t.kind == "assign" and t.name == m.name), None)
        if m.kind not in _DEFS:
            return None
        symbol = self._resolve(m, occurrence)
        return self._node(symbol) if symbol else None

    def _pick(self, m: Member, symbols: list[Symbol], occurrence: int) -> Symbol | None:
        wanted = decorators(self.snip, m.node)
        params = [parameters(s.signature) for s in symbols]
        return match_definition(symbols, [s.decorators for s in symbols], wanted, occurrence, params, self._params(m))

    def _params(self, m: Member, source: bytes | None = None) -> str:
        """Parameters of a written (or, given ``source``, an existing) function member."""
        return function_params(self.snip if source is None else source, m)

    def _resolve(self, m: Member, occurrence: int) -> Symbol | None:
        syms = self.parsed.symbols
        if self.hint:
            for qual in (self.hint, f"{self.hint}.{m.name}"):
                found = [s for s in syms if s.qualname == qual and s.name == m.name]
                if found:
                    return self._pick(m, found, occurrence)
        top = [s for s in syms if s.parent is None and s.name == m.name]
        if top:
            return self._pick(m, top, occurrence)
        kind = "method" if m.kind == "function" else "class"
        nested = [s for s in syms if s.kind == kind and s.name == m.name]
        if len({s.parent for s in nested}) > 1:
            where = "\n".join(f"  {self.path}:{s.start_line}  {s.signature}   [{s.qualname}]" for s in nested)
            raise EditError(
                f"`{m.name}` is defined in several classes of {self.path}:\n{where}\n"
                f"Write it inside its class (`class {nested[0].parent}:` followed by the method).",
                path=self.path,
            )
        return self._pick(m, nested, occurrence)

    def _node(self, symbol: Symbol) -> ts.Node:
        node = self.tree.root_node.descendant_for_byte_range(symbol.start_byte, symbol.end_byte)
        while node.parent is not None and node.parent.type == "decorated_definition":
            node = node.parent
        return node

    # --- one body: replace, merge or add each written member ---------------------------------

    def _levels(self, job: _Job) -> None:
        """Merge the answer's bodies, a merged class's body as soon as its class is reached.

        A stack of ``_level`` generators instead of recursion: every tree walk stays iterative
        (issue #11), and the order of planned changes is the one a recursive walk would give,
        which decides the order of texts inserted at one position."""
        stack = [self._level(*job)]
        while stack:
            nested = next(stack[-1], None)
            if nested is None:
                stack.pop()
            else:
                stack.append(self._level(*nested))

    def _level(self, written: list[Member], level: _Level, blank: int) -> Iterator[_Job]:
        """Plan the changes of one body; yields the body of each class merged into, to do first."""
        placed: list[tuple[int, int] | None] = []
        pending: list[tuple[int, Member]] = []
        for i, m in enumerate(written):
            occurrence = sum(1 for w in written[:i] if (w.kind, w.name) == (m.kind, m.name))
            target = level.find(m, occurrence) if m.kind in (*_DEFS, "assign", "docstring") else None
            if m.kind == "import":
                self._import(m) if level.qual == "" else self.result.notes.append(f"ignored `{m.name}`")
            elif m.kind == "other":
                self.result.notes.append(f"ignored a statement in the answer: `{m.name[:60]}`")
            elif m.kind == "function" and is_stub(self.snip, m.node) and not (target and is_stub(self.src, target)):
                # An echoed skeleton (`def f(x): ...`) says nothing about the body: keep the real one.
                self.result.notes.append(f"kept `{level.qual}{m.name}`: the answer gives only its signature")
            elif target is not None:
                nested = self._replace(m, target, level)
                if nested is not None:
                    yield nested
                same_level = target.parent is not None and target.parent.type in ("module", "block") and (
                    level.qual or target.parent.type == "module")
                placed.append((target.start_byte, target.end_byte) if same_level else None)
                continue
            elif m.kind in (*_DEFS, "assign"):
                self._check_new(m, level)
                pending.append((i, m))
            elif m.kind == "docstring" and level.start is not None:
                self._change(level.start, level.start, node_text(self.snip, m.node).encode() + b"\n\n" + level.indent)
                self.result.applied.append(f"added the docstring of {level.qual.rstrip('.')}")
            placed.append(None)
        for i, m in pending:
            self._insert(m, i, placed, level, blank if m.kind in _DEFS else blank - 1)

    def _replace(self, m: Member, target: ts.Node, level: _Level) -> _Job | None:
        """Replace ``target`` by the written member, or return the class body to merge into."""
        qual = qualname(self.src, target) if m.kind != "docstring" else level.qual + "__doc__"
        # A class is merged member by member, so members the answer only re-typed stay as they
        # were; only a whole class with statements a merge cannot place is replaced as one.
        whole = m.kind != "class" or (self._is_whole_class(m, target) and self._has_loose_statements(m))
        self._claim(target, "whole" if whole else "merge")
        if not whole:
            return self._merge(m, target, qual)
        if m.kind == "function":
            self._check_elision(m, target)
        text = reindent(node_text(self.snip, m.node), m.node.start_point.column,
                        line_indent(self.src, target.start_byte).decode())
        if m.kind in ("function", "class"):
            text, kept = restore_dropped(self.src, target, self.snip, m.node, text)
            self.result.notes.extend(f"{note} of {qual}" for note in kept)
        if target.type == "decorated_definition" and m.node.type != "decorated_definition":
            # Models drop decorators they were not shown or did not think about (qwen2.5-coder
            # rewrote `@property def subtotal` without it): keep them, except a @staticmethod or
            # @classmethod that the written first parameter contradicts (`self` means: no more).
            kept = self._kept_decorators(m, target)
            if len(kept) == len(decorators(self.src, target)):  # all kept: leave their text alone
                target = target.child_by_field_name("definition") or target
                self.result.notes.append(f"kept the decorators of {qual}")
            else:
                indent = line_indent(self.src, target.start_byte).decode()
                text = "".join(f"{d}\n{indent}" for d in kept) + text
                self.result.notes.append(f"dropped a decorator of {qual}: the written parameters contradict it")
        if not same_code(node_text(self.src, target), text):
            self._change(target.start_byte, target.end_byte, text.encode())
            self.result.applied.append(f"replaced {qual}")
        return None

    def _kept_decorators(self, m: Member, target: ts.Node) -> list[str]:
        first = first_param(m.inner, self.snip) if m.kind == "function" else ""
        contradicted = {"@staticmethod": first in ("self", "cls"), "@classmethod": first == "self"}
        return [d for d in decorators(self.src, target) if not contradicted.get(d, False)]

    def _has_loose_statements(self, m: Member) -> bool:
        written = class_body(m.node)
        return written is not None and any(w.kind == "other" for w in members(self.snip, written))

    def _claim(self, target: ts.Node, how: str) -> None:
        """Refuse overlapping work: anything touching a span replaced whole, or a whole replacement
        of a class already merged into. (A method replaced inside a merged class is the normal case.)"""
        start, end = target.start_byte, target.end_byte
        for s, e, kind in self.claims:
            overlaps = start < e and s < end
            if overlaps and (kind == "whole" or (how == "whole" and start <= s and e <= end)):
                raise _Overlap(f"Your answer edits the same code of {self.path} twice; write each definition once.",
                               path=self.path)
        self.claims.append((start, end, how))

    def _is_whole_class(self, m: Member, target: ts.Node) -> bool:
        if has_elision(self.snip, m.node):
            return False
        body, written = class_body(target), class_body(m.node)
        if body is None or written is None:
            return True
        # Whole only when nothing of the old class would vanish: a class written with just
        # its changed method must not drop the attributes, docstring or methods left out.
        kept = ("docstring", "assign", *_DEFS)
        old = Counter((t.kind, t.name) for t in members(self.src, body) if t.kind in kept)
        return old <= Counter((w.kind, w.name) for w in members(self.snip, written))

    def _merge(self, m: Member, target: ts.Node, qual: str) -> _Job:
        body = class_body(target)
        written = class_body(m.node)
        if body is None or written is None:
            raise EditError(f"Cannot read the body of class {qual} in {self.path}.", path=self.path)
        self._merge_header(m, target, qual)
        existing = members(self.src, body)
        indent = body_indent(self.src, body, line_indent(self.src, target.start_byte) + b"    ")

        def find(w: Member, occurrence: int) -> ts.Node | None:
            same = [t for t in existing if t.name == w.name and t.kind == w.kind]
            decorations = [decorators(self.src, t.node) for t in same]
            params = [self._params(t, self.src) for t in same]
            found = match_definition(same, decorations, decorators(self.snip, w.node), occurrence, params, self._params(w))
            return found.node if found else None

        names = [f"{qual}.{t.name}" for t in existing if t.name]
        level = _Level(find, body.end_byte, indent, qual + ".", names, start=body.named_children[0].start_byte)
        return members(self.snip, written), level, 1

    def _merge_header(self, m: Member, target: ts.Node, qual: str) -> None:
        """A merged class keeps its body but takes the answer's decorators and bases.

        A bare ``class Name:`` is only context for the methods below it (models leave the
        bases out), so it changes nothing; bases or decorators written out replace the old.
        """
        if m.node.type != "decorated_definition" and m.inner.child_by_field_name("superclasses") is None:
            return
        old_end, new_end = header_end(target), header_end(m.node)
        old = self.src[target.start_byte:old_end]
        new = self.snip[m.node.start_byte:new_end]
        if old.split() != new.split():
            text = reindent(new.decode(), m.node.start_point.column, line_indent(self.src, target.start_byte).decode())
            self._change(target.start_byte, old_end, text.encode())
            self.result.applied.append(f"changed the header of {qual}")

    def _check_elision(self, m: Member, target: ts.Node) -> None:
        if elides(node_text(self.snip, m.node), node_text(self.src, target)):
            raise EditError(
                f"Your `{m.name}` leaves code out (`...` or a comment like '# rest unchanged'). "
                f"Write the complete function; the current one is:\n"
                f"{numbered(self.src.decode(), target.start_point.row + 1, target.end_point.row + 1)}",
                path=self.path,
            )

    def _check_new(self, m: Member, level: _Level) -> None:
        """Refuse a 'new' definition that is probably a misspelt existing one."""
        inner = [s for s in self.parsed.symbols if s.name == m.name and s.kind == "function" and s.parent]
        if level.qual == "" and inner:
            raise EditError(
                f"`{m.name}` is defined inside `{inner[0].parent}` in {self.path} (line {inner[0].start_line}); "
                f"write the whole `{inner[0].parent}` with the new `{m.name}` in it.",
                path=self.path,
            )
        if m.kind == "function" and level.qual == "" and first_param(m.inner, self.snip) in ("self", "cls"):
            raise not_found(self.parsed, m.name,
                            f"`{m.name}` looks like a method, but no class in {self.path} defines it.")
        used = len(re.findall(rf"\b{re.escape(m.name)}\b", self.answer_code)) > 1
        names = {n.rsplit(".", 1)[-1] for n in level.names if n.startswith(level.qual)}
        close = [n for n in names if misspelt(m.name, n)]
        if close and m.kind in _DEFS and not used:  # a helper the answer uses is genuinely new
            raise not_found(self.parsed, level.qual + m.name,
                            f"`{level.qual}{m.name}` is not defined in {self.path}, and nothing in your answer uses it.")
        self.result.applied.append(f"added {level.qual}{m.name}")

    def _insert(self, m: Member, i: int, placed: list, level: _Level, blank: int) -> None:
        key = (level.end, m.kind, m.name)
        if key in self.added:  # added twice (two `class C:` blocks with the new method): later one wins
            raise _Overlap(f"Your answer adds `{level.qual}{m.name}` twice in {self.path}.", path=self.path)
        self.added.add(key)
        text = reindent(node_text(self.snip, m.node), m.node.start_point.column, level.indent.decode()).encode()
        sep = b"\n" * (max(blank, 0) + 1)
        before = next((p for p in reversed(placed[:i]) if p), None)
        after = next((p for p in placed[i + 1:] if p), None)
        if before:
            self._change(before[1], before[1], sep + level.indent + text)
        elif after:
            self._change(after[0], after[0], text + sep + level.indent)
        elif level.end_is_before:
            self._change(level.end, level.end, text + sep)
        elif level.end == 0:
            self._change(0, 0, text + b"\n")
        else:
            self._change(level.end, level.end, sep + level.indent + text)

    def _import(self, m: Member) -> None:
        plan = plan_import(self.src, self.tree.root_node, m, self.snip)
        if isinstance(plan, str):
            self.result.notes.append(plan)
        elif plan is not None:
            self._change(plan.start, plan.end, plan.text)
            self.result.applied.append(plan.message)

    # --- apply and check ---------------------------------------------------------------------

    def _change(self, start: int, end: int, text: bytes) -> None:
        self.changes.append(_Change(start, len(self.changes), end, text))

    def _apply(self) -> bytes:
        spans = sorted((c.start, c.end) for c in self.changes if c.end > c.start)
        for (_, end1), (start2, _) in zip(spans, spans[1:], strict=False):
            if start2 < end1:
                raise _Overlap(f"Your answer edits the same code of {self.path} twice; write each definition once.",
                               path=self.path)
        out = self.src
        for c in sorted(self.changes, key=_Change.order, reverse=True):
            out = out[:c.start] + c.text + out[c.end:]
        return out

    def _check_syntax(self) -> None:
        after = syntax_problem(self.result.text)
        if after is None:
            return
        if syntax_problem(self.src.decode()) is None:
            raise syntax_error(self.path, self.result.text, after, whose=f"{self.path} after your edit")
        # Python's parser already failed on the original (Python 2 code, say): compare tree-sitter's view.
        if parse_python(self.result.text.encode()).root_node.has_error and not self.tree.root_node.has_error:
            raise EditError(f"{self.path} no longer parses after your edit.", path=self.path)


class _Overlap(EditError):
    """Two written definitions cover the same code (a whole class and, again, one of its methods)."""


def _splice_each(path: str, source: str, code: str, *, hint: str | None, answer_code: str) -> SpliceResult:
    """Splice a block's top-level definitions one after another, each against the previous result."""
    snippet = textwrap.dedent(code).encode()
    result = SpliceResult(source)
    for m in members(snippet, parse_python(snippet).root_node):
        if m.kind in ("comment", "filler", "docstring"):
            continue
        step = _Splicer(path, result.text, node_text(snippet, m.node), hint=hint, answer_code=answer_code).run()
        result.text = step.text
        result.applied.extend(step.applied)
        result.notes.extend(step.notes)
    return result


def splice(path: str, source: str, code: str, *, hint: str | None = None, answer_code: str = "") -> SpliceResult:
    """Splice the definitions written in ``code`` into ``source`` (the text of ``path``).

    ``answer_code`` is all code of the answer; a new definition used there is accepted
    as a new helper, an unused one close to an existing name is refused as a misspelling.
    A block that writes the same code twice (a class, then one of its methods again) is
    applied definition by definition, the later one winning. Raises ``EditError`` with
    feedback for the model.
    """
    answer_code = answer_code or code
    try:
        return _Splicer(path, source, code, hint=hint, answer_code=answer_code).run()
    except _Overlap:
        return _splice_each(path, source, code, hint=hint, answer_code=answer_code)
