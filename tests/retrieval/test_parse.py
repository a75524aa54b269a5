"""Parsing: symbols with spans, docstrings, imports; bad input gives notes, not crashes."""

from retrieval.parse import parse_file

SOURCE = b'''"""Module doc."""
import os.path as osp, sys
from .util import (helper, other)
LIMIT = 3


@decorator
class Shape(Base):
    """A shape."""

    @property
    def area(self) -> float:
        """Area."""
        return compute(self).value()

    class Meta:
        def inner(self):
            pass


def free(a,
         b):
    def nested():
        return 1
    return nested()
'''


def test_symbols_have_qualnames_kinds_and_parents():
    parsed = parse_file("pkg/shape.py", SOURCE)
    assert parsed.error is None
    assert not parsed.has_syntax_errors
    got = {s.qualname: (s.kind, s.parent) for s in parsed.symbols}
    assert got == {
        "Shape": ("class", None),
        "Shape.area": ("method", "Shape"),
        "Shape.Meta": ("class", "Shape"),
        "Shape.Meta.inner": ("method", "Shape.Meta"),
        "free": ("function", None),
        "free.nested": ("function", "free"),
    }


def test_spans_include_decorators_and_slice_whole_definitions():
    parsed = parse_file("pkg/shape.py", SOURCE)
    shape = parsed.symbol("Shape")
    assert (shape.start_line, shape.end_line) == (7, 18)
    assert SOURCE[shape.start_byte:shape.end_byte].startswith(b"@decorator\nclass Shape")
    area = parsed.symbol("Shape.area")
    assert SOURCE[area.start_byte:area.end_byte].decode().startswith("@property\n    def area")
    assert area.signature == "def area(self) -> float:"
    assert area.docstring == "Area."
    assert area.decorators == ["@property"]
    assert set(area.calls) == {"compute", "value"}
    assert parsed.symbol("free").signature == "def free(a, b):"


def test_module_level_facts():
    parsed = parse_file("pkg/shape.py", SOURCE)
    assert parsed.module_docstring == "Module doc."
    assert parsed.top_level_names == ["LIMIT"]
    assert [(i.module, i.names) for i in parsed.imports] == [
        ("os.path", []), ("sys", []), (".util", ["helper", "other"])]


def test_syntax_error_gives_partial_result():
    src = b"def ok():\n    return 1\n\ndef broken(:\n    pass\n\nclass After:\n    def m(self):\n        pass\n"
    parsed = parse_file("x.py", src)
    assert parsed.has_syntax_errors
    assert parsed.error is None
    names = {s.qualname for s in parsed.symbols}
    assert {"ok", "After", "After.m"} <= names


def test_non_utf8_binary_and_unknown_files_are_notes():
    assert "UTF-8" in parse_file("latin.py", "x = 'caf\xe9'\n".encode("latin-1")).error
    assert "binary" in parse_file("blob.py", b"\x00\x01\x02").error
    unknown = parse_file("notes.txt", b"hello")
    assert unknown.error
    assert unknown.symbols == []


def test_repeated_definitions_get_unique_ids():
    """Regression: dispatch handlers and property setters share a qualname; SWE-bench spans call them name_1, ..."""
    src = (b"class P:\n    @property\n    def obj(self):\n        return 1\n\n    @obj.setter\n    def obj(self, v):\n"
           b"        pass\n\n@dispatch(int)\ndef handler(a):\n    pass\n\n@dispatch(str)\ndef handler(a):\n    pass\n")
    parsed = parse_file("d.py", src)
    assert [s.uid for s in parsed.symbols] == ["P", "P.obj", "P.obj_1", "handler", "handler_1"]
    assert parsed.symbol("handler_1").start_line == 14
    assert parsed.symbol("P.obj").qualname == "P.obj"
