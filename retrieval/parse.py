"""Parse one source file with tree-sitter into symbols (classes, functions, methods) and imports.

``parse_file`` never raises for bad input: binary or non-UTF-8 files and files of an
unknown language come back with ``error`` set and no symbols; syntax errors give the
symbols tree-sitter could still recover, with ``has_syntax_errors`` set.
Spans are byte offsets into the given source and 1-based inclusive lines; a decorated
definition's span includes its decorators, so callers can splice whole definitions.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass, field

import tree_sitter as ts

from retrieval.languages import LanguageSpec, language_for, parser_for

# Larger files are generated data (tables, vendored bundles), not code worth indexing.
MAX_SOURCE_BYTES = 2_000_000


@dataclass
class Symbol:
    """A class, function or method with its span, header and docstring."""

    qualname: str
    name: str
    kind: str
    """'function' | 'method' | 'class'."""
    start_byte: int
    end_byte: int
    start_line: int
    end_line: int
    signature: str
    """The header without the body, e.g. ``def f(self, x) -> int:`` (decorators excluded)."""
    docstring: str | None = None
    parent: str | None = None
    """Qualified name of the enclosing class or function, None at module level."""
    calls: list[str] = field(default_factory=list)
    """Names this definition calls (last component of the callee), for cheap graph edges."""
    decorators: list[str] = field(default_factory=list)
    uid: str = ""
    """Unique name in the file: the qualname, with ``_1``, ``_2``... on repeated definitions of the same
    qualname (property setters, dispatch handlers), the convention SWE-bench span lists use."""


@dataclass
class Import:
    """One imported module and the names taken from it (``from m import a, b``)."""

    module: str
    """Dotted module, with leading dots for relative imports."""
    names: list[str] = field(default_factory=list)
    line: int = 1


@dataclass
class ParsedFile:
    path: str
    language: str | None = None
    symbols: list[Symbol] = field(default_factory=list)
    imports: list[Import] = field(default_factory=list)
    module_docstring: str | None = None
    top_level_names: list[str] = field(default_factory=list)
    """Module-level assignments (constants, aliases), for the file map."""
    line_count: int = 0
    error: str | None = None
    """Why the file was skipped (binary, not UTF-8, unknown language); None when parsed."""
    has_syntax_errors: bool = False

    def symbol(self, name: str) -> Symbol | None:
        """The symbol with this uid, else the first with this qualname."""
        return next((s for s in self.symbols if s.uid == name), None) or next(
            (s for s in self.symbols if s.qualname == name), None)


def parse_file(path: str, source: bytes) -> ParsedFile:
    """Parse ``source`` (the bytes of the file at repo-relative ``path``) into a ParsedFile."""
    spec = language_for(path)
    if spec is None:
        return ParsedFile(path, error="no grammar for this file type")
    problem = _unreadable(source)
    if problem:
        return ParsedFile(path, language=spec.name, error=problem)
    tree = parser_for(spec).parse(source)
    out = ParsedFile(path, language=spec.name, line_count=source.count(b"\n") + 1)
    out.has_syntax_errors = tree.root_node.has_error
    _Walker(spec, source, out).module(tree.root_node)
    assign_uids(out.symbols)
    return out


def assign_uids(symbols: list[Symbol]) -> None:
    """Set ``uid`` on each symbol (idempotent)."""
    seen: dict[str, int] = {}
    for sym in symbols:
        n = seen.get(sym.qualname, 0)
        seen[sym.qualname] = n + 1
        sym.uid = sym.qualname if n == 0 else f"{sym.qualname}_{n}"


def _unreadable(source: bytes) -> str | None:
    if len(source) > MAX_SOURCE_BYTES:
        return f"skipped: {len(source)} bytes is larger than {MAX_SOURCE_BYTES}"
    if b"\0" in source[:8192]:
        return "skipped: binary file"
    try:
        source.decode("utf-8")
    except UnicodeDecodeError as exc:
        return f"skipped: not UTF-8 ({exc.reason} at byte {exc.start})"
    return None


def _text(source: bytes, node: ts.Node) -> str:
    return source[node.start_byte:node.end_byte].decode("utf-8", "replace")


_Visit = tuple[ts.Node, "Symbol | None", "str | None"]
"""A node still to visit, with the definition it sits in and that definition's kind."""


def _children(node: ts.Node, parent: Symbol | None, parent_kind: str | None) -> list[_Visit]:
    """``node``'s named children as stack entries, last child first (the stack pops the first)."""
    return [(child, parent, parent_kind) for child in reversed(node.named_children)]


class _Walker:
    """Collects symbols and imports in one pass over the tree."""

    def __init__(self, spec: LanguageSpec, source: bytes, out: ParsedFile):
        self.spec = spec
        self.source = source
        self.out = out

    def module(self, root: ts.Node) -> None:
        if self.spec.docstring_in_body:
            self.out.module_docstring = self._docstring(root)
        # An explicit stack, not recursion: generated files (sympy's resolvent_lookup.py, issue #11)
        # nest deeper than Python's recursion limit. Children go on reversed, so symbols, calls
        # and imports come out in file order, as a recursive pre-order walk would give them.
        stack: list[_Visit] = _children(root, None, None)
        while stack:
            node, parent, parent_kind = stack.pop()
            stack.extend(self._visit(node, parent, parent_kind))

    def _visit(self, node: ts.Node, parent: Symbol | None, parent_kind: str | None) -> list[_Visit]:
        """Record what ``node`` is; return its children still to visit (reversed)."""
        spec = self.spec
        if node.type in spec.wrapper_types:
            inner = node.child_by_field_name("definition")
            if inner is not None:
                return self._definition(inner, node, parent, parent_kind)
        if node.type in spec.function_types or node.type in spec.class_types:
            return self._definition(node, node, parent, parent_kind)
        if node.type in spec.import_types:
            self.out.imports.extend(self._imports(node))
            return []
        if node.type in spec.call_types:
            self._call(node, parent)
            return _children(node, parent, parent_kind)
        if node.type == "ERROR" or node.named_child_count:
            if parent is None and node.type == "expression_statement":
                self._top_level_name(node)
            return _children(node, parent, parent_kind)
        return []

    def _definition(self, node: ts.Node, outer: ts.Node, parent: Symbol | None,
                    parent_kind: str | None) -> list[_Visit]:
        name_node = node.child_by_field_name(self.spec.name_field)
        if name_node is None:  # broken by a syntax error: keep walking for what is inside
            return _children(node, parent, parent_kind)
        is_class = node.type in self.spec.class_types
        kind = "class" if is_class else ("method" if parent_kind == "class" else "function")
        name = _text(self.source, name_node)
        body = node.child_by_field_name(self.spec.body_field)
        header_end = body.start_byte if body is not None else node.end_byte
        symbol = Symbol(
            qualname=f"{parent.qualname}.{name}" if parent else name,
            name=name,
            kind=kind,
            start_byte=outer.start_byte,
            end_byte=outer.end_byte,
            start_line=outer.start_point.row + 1,
            end_line=outer.end_point.row + 1,
            signature=" ".join(self.source[node.start_byte:header_end].decode("utf-8", "replace").split()),
            docstring=self._docstring(body) if body is not None and self.spec.docstring_in_body else None,
            parent=parent.qualname if parent else None,
            decorators=[_text(self.source, d) for d in outer.named_children if d.type == "decorator"],
        )
        self.out.symbols.append(symbol)
        return _children(body, symbol, "class" if is_class else "function") if body is not None else []

    def _docstring(self, body: ts.Node) -> str | None:
        first = next((c for c in body.named_children if c.type not in self.spec.comment_types), None)
        if first is None or first.type != "expression_statement" or first.named_child_count != 1:
            return None
        string = first.named_children[0]
        if string.type != "string":
            return None
        raw = _text(self.source, string)
        try:
            value = ast.literal_eval(raw)
        except (ValueError, SyntaxError, MemoryError, RecursionError):
            value = raw.strip("\"'rRbBuUfF")
        return value.strip() if isinstance(value, str) else None

    def _call(self, node: ts.Node, owner: Symbol | None) -> None:
        if owner is None:
            return
        func = node.child_by_field_name("function")
        if func is None:
            return
        if func.type == "attribute":
            func = func.child_by_field_name("attribute") or func
        if func.type == "identifier":
            name = _text(self.source, func)
            if name not in owner.calls:
                owner.calls.append(name)

    def _top_level_name(self, node: ts.Node) -> None:
        assign = node.named_children[0] if node.named_child_count else None
        if assign is not None and assign.type == "assignment":
            left = assign.child_by_field_name("left")
            if left is not None and left.type == "identifier":
                self.out.top_level_names.append(_text(self.source, left))

    def _imports(self, node: ts.Node) -> list[Import]:
        line = node.start_point.row + 1
        names = [self._dotted(n) for n in node.children_by_field_name("name")]
        if node.type == "import_from_statement":
            module = node.child_by_field_name("module_name")
            mod = _text(self.source, module) if module is not None else ""
            wildcard = any(c.type == "wildcard_import" for c in node.named_children)
            return [Import(mod, names or (["*"] if wildcard else []), line)]
        return [Import(n, [], line) for n in names]

    def _dotted(self, node: ts.Node) -> str:
        if node.type == "aliased_import":
            node = node.child_by_field_name("name") or node
        return _text(self.source, node)
