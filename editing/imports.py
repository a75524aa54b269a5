"""Where an import the answer writes goes: nowhere if the file has it, over the line it extends,
else after the file's last top-level import (or its docstring, or at the top)."""

from __future__ import annotations

from dataclasses import dataclass

from editing.members import Member, imported, members, node_text


@dataclass
class ImportPlan:
    start: int
    end: int
    text: bytes
    message: str
    """'added import: …' / 'changed import: …'."""


def plan_import(source: bytes, root, written: Member, snippet: bytes) -> ImportPlan | str | None:
    """The change that brings ``written`` into the module ``root`` of ``source``; a note (str)
    when it cannot be placed; None when the file already imports it."""
    existing = members(source, root)
    imports = [t for t in existing if t.kind == "import"]
    text = node_text(snippet, written.node).encode()
    key, names = imported(text)
    for t in imports:
        old_key, old_names = imported(source[t.start:t.end])
        if old_key == key and names <= old_names:
            return None
        if old_key == key and old_names <= names:  # the answer extends an import line: replace it
            return ImportPlan(t.start, t.end, text, f"changed import: {written.name}")
    if written.node.type == "future_import_statement":
        return f"ignored `{written.name}`: a __future__ import cannot be added after code"
    lead = [t for t in existing[:1] if t.kind in ("docstring", "comment")]
    if imports:
        return ImportPlan(imports[-1].end, imports[-1].end, b"\n" + text, f"added import: {written.name}")
    if lead:
        return ImportPlan(lead[-1].end, lead[-1].end, b"\n\n" + text, f"added import: {written.name}")
    return ImportPlan(0, 0, text + b"\n\n", f"added import: {written.name}")
