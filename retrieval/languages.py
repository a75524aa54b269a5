"""The table of languages the parser knows: adding one is a row of data, not code.

Each row names a tree-sitter grammar package and the node types that make up the
code graph. Node-type names come from the grammar's ``node-types.json``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache
from pathlib import PurePosixPath

import tree_sitter as ts

from agent.core.loader import load_object


@dataclass(frozen=True)
class LanguageSpec:
    """How one language's syntax tree maps onto files, classes, functions and imports."""

    name: str
    extensions: tuple[str, ...]
    grammar: str
    """``module:function`` returning the grammar's language pointer (the py-tree-sitter convention)."""
    function_types: frozenset[str]
    class_types: frozenset[str]
    import_types: frozenset[str] = frozenset()
    wrapper_types: frozenset[str] = frozenset()
    """Nodes that wrap a definition and belong to its span (Python's decorated_definition)."""
    call_types: frozenset[str] = frozenset()
    name_field: str = "name"
    body_field: str = "body"
    docstring_in_body: bool = False
    """Python style: the first string statement of a body is its docstring."""
    comment_types: frozenset[str] = field(default_factory=lambda: frozenset({"comment"}))


LANGUAGES: tuple[LanguageSpec, ...] = (
    LanguageSpec(
        name="python",
        extensions=(".py", ".pyi"),
        grammar="tree_sitter_python:language",
        function_types=frozenset({"function_definition"}),
        class_types=frozenset({"class_definition"}),
        import_types=frozenset({"import_statement", "import_from_statement"}),
        wrapper_types=frozenset({"decorated_definition"}),
        call_types=frozenset({"call"}),
        docstring_in_body=True,
    ),
    # JavaScript/TypeScript/Java/Go are further rows: their grammar package (tree-sitter-javascript,
    # ...) plus their definition node types (function_declaration, method_definition, class_declaration).
)

_BY_EXT = {ext: spec for spec in LANGUAGES for ext in spec.extensions}


def language_for(path: str) -> LanguageSpec | None:
    """The language of a file by its extension, or None when no grammar is registered."""
    return _BY_EXT.get(PurePosixPath(path).suffix.lower())


@cache
def parser_for(spec: LanguageSpec) -> ts.Parser:
    """A cached parser for a language (loading a grammar costs a few milliseconds)."""
    pointer = load_object(spec.grammar)()
    return ts.Parser(ts.Language(pointer))
