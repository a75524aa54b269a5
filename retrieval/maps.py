"""SuperCoder2.0 maps rendered as text fitted to a token budget.

The repository file map lists paths with a one-line summary each; a file's schematic
map shows its classes and functions as signatures and docstrings with bodies elided.
Both keep the most important items that fit: items come in priority order and a
binary search finds the longest prefix whose rendering fits the budget.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TypeVar

from retrieval.parse import ParsedFile, Symbol
from retrieval.text import count_tokens

T = TypeVar("T")


def fit(items: Sequence[T], render: Callable[[Sequence[T]], str], budget_tokens: int) -> str:
    """The rendering of the longest prefix of ``items`` that fits ``budget_tokens`` ('' if none does)."""
    lo, hi, best = 1, len(items), ""
    while lo <= hi:
        mid = (lo + hi) // 2
        text = render(items[:mid])
        if count_tokens(text) <= budget_tokens:
            best, lo = text, mid + 1
        else:
            hi = mid - 1
    return best


def summary_line(parsed: ParsedFile, width: int = 100) -> str:
    """One line about a file: its docstring's first line, else its top-level names."""
    if parsed.error:
        return f"({parsed.error})"
    module = parsed.path.rsplit(".", 1)[0].replace("/", ".")
    for line in (parsed.module_docstring or "").splitlines():
        line = line.strip().strip("~=-#*").strip()
        # Many docstrings open with the module's own name ('requests.models'): say something new.
        if line and not module.endswith(line):
            return line[:width]
    names = [s.name for s in parsed.symbols if s.parent is None] + parsed.top_level_names
    return (", ".join(names) or "(no definitions)")[:width]


def file_map(files: dict[str, ParsedFile], order: Sequence[str], budget_tokens: int) -> str:
    """``path: summary`` lines for the files in ``order`` (most relevant first) that fit the budget."""
    def render(paths: Sequence[str]) -> str:
        return "\n".join(f"{p}: {summary_line(files[p])}" for p in paths)

    return fit([p for p in order if p in files], render, budget_tokens)


def _depth(sym: Symbol) -> int:
    return sym.qualname.count(".")


def _entry(sym: Symbol, docstrings: bool) -> str:
    pad = "    " * _depth(sym)
    lines = [f"{pad}{sym.signature}  # L{sym.start_line}-{sym.end_line}"]
    if docstrings and sym.docstring:
        lines.append(f'{pad}    """{sym.docstring.strip().splitlines()[0]}"""')
    if sym.kind != "class":
        lines.append(f"{pad}    ...")
    return "\n".join(lines)


def schematic(parsed: ParsedFile, symbols: Sequence[Symbol], docstrings: bool = True) -> str:
    """The skeleton of a file restricted to ``symbols``, in file order, bodies elided."""
    keep = sorted(symbols, key=lambda s: s.start_byte)
    header = f"# {parsed.path}"
    if parsed.module_docstring:
        header += f'\n"""{parsed.module_docstring.strip().splitlines()[0]}"""'
    return "\n".join([header, *(_entry(s, docstrings) for s in keep)])


def schematic_map(parsed: ParsedFile, budget_tokens: int, priority: Sequence[str] = ()) -> str:
    """A file's schematic map within the budget; ``priority`` qualnames (and their classes) go in first.

    Nested functions are left out: they are part of their parent's body.
    """
    wanted = set(priority)
    for q in priority:  # a method's class header gives it its place
        wanted.update(".".join(q.split(".")[:i]) for i in range(1, q.count(".") + 1))
    defs = [s for s in parsed.symbols if s.kind != "function" or s.parent is None]
    ranked = sorted(defs, key=lambda s: (s.uid not in wanted and s.qualname not in wanted, _depth(s), s.start_byte))
    text = fit(ranked, lambda items: schematic(parsed, items), budget_tokens)
    if text or not ranked:
        return text or schematic(parsed, [])
    return fit(ranked, lambda items: schematic(parsed, items, docstrings=False), budget_tokens)
