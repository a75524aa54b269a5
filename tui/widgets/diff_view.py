"""A syntax-highlighted diff, unified or side by side, one file at a time or all of them.

Written here rather than taken from ``textual-diff-view`` (AGPL-3.0, which would bind an
Apache-2.0 project): the diff is parsed by ``editing.patch.parse_diff`` (the parser the editor
already trusts), each side of a hunk is highlighted as one block by Pygments (so strings and
comments spanning lines colour right), and added/removed lines get a tinted background.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from rich.console import Group, RenderableType
from rich.syntax import Syntax
from rich.table import Table
from rich.text import Text
from textual.containers import VerticalScroll
from textual.reactive import reactive
from textual.widgets import Static

from editing.patch import FilePatch, Hunk, parse_diff

ADDED = "on #12361f"
REMOVED = "on #3d1418"
THEME = "monokai"


@dataclass
class Row:
    """One displayed line of a hunk: old and/or new side, with line numbers."""

    tag: str  # ' ' context, '-' removed, '+' added
    old_no: int | None
    new_no: int | None
    old: Text | None
    new: Text | None


def _highlight(path: str, lines: list[str]) -> list[Text]:
    if not lines:
        return []
    code = "\n".join(lines)
    lexer = Syntax.guess_lexer(path, code)
    text = Syntax(code, lexer, theme=THEME, background_color="default").highlight(code)
    text.rstrip()
    out = list(text.split("\n", allow_blank=True))
    return (out + [Text("")] * len(lines))[: len(lines)]


def hunk_rows(path: str, hunk: Hunk, new_start: int) -> list[Row]:
    """The hunk's lines with line numbers on both sides, each side highlighted as a block."""
    old_text, new_text = iter(_highlight(path, hunk.old())), iter(_highlight(path, hunk.new()))
    old_no, new_no, rows = hunk.old_start, new_start, []
    for tag, _ in hunk.lines:
        if tag == " ":
            rows.append(Row(tag, old_no, new_no, next(old_text), next(new_text)))
            old_no, new_no = old_no + 1, new_no + 1
        elif tag == "-":
            rows.append(Row(tag, old_no, None, next(old_text), None))
            old_no += 1
        else:
            rows.append(Row(tag, None, new_no, None, next(new_text)))
            new_no += 1
    return rows


def file_hunks(fp: FilePatch) -> Iterator[tuple[Hunk, int]]:
    """Each hunk with its first line number in the new file (shifted by earlier hunks)."""
    shift = 0
    for hunk in fp.hunks:
        # A hunk with no old lines ("@@ -10,0 +11,2 @@", or a new file's "-0,0") starts after old_start.
        yield hunk, hunk.old_start + shift + (0 if hunk.old() else 1)
        shift += len(hunk.new()) - len(hunk.old())


def _gutter(number: int | None, width: int = 4) -> Text:
    return Text(f"{number:>{width}} " if number is not None else " " * (width + 1), style="dim")


def render_unified(fp: FilePatch) -> Text:
    out = Text()
    for hunk, new_start in file_hunks(fp):
        out.append(f"@@ -{hunk.old_start} +{new_start} @@\n", style="cyan")
        for row in hunk_rows(fp.path, hunk, new_start):
            body = row.new if row.tag == "+" else row.old
            style = {"+": ADDED, "-": REMOVED}.get(row.tag, "")
            line = Text.assemble(_gutter(row.old_no), _gutter(row.new_no), Text(row.tag or " ", style="bold"), body)
            line.stylize(style, 10)
            out.append_text(line)
            out.append("\n")
    return out


def pair_rows(rows: list[Row]) -> list[tuple[Row | None, Row | None]]:
    """Side-by-side pairs: context lines face themselves; a run of removals faces the run of
    additions after it, line by line."""
    pairs: list[tuple[Row | None, Row | None]] = []
    i = 0
    while i < len(rows):
        if rows[i].tag == " ":
            pairs.append((rows[i], rows[i]))
            i += 1
            continue
        removed, added = [], []
        while i < len(rows) and rows[i].tag == "-":
            removed.append(rows[i])
            i += 1
        while i < len(rows) and rows[i].tag == "+":
            added.append(rows[i])
            i += 1
        for k in range(max(len(removed), len(added))):
            pairs.append((removed[k] if k < len(removed) else None, added[k] if k < len(added) else None))
    return pairs


def render_split(fp: FilePatch) -> Table:
    table = Table.grid(expand=True, padding=(0, 1))
    table.add_column(width=5, no_wrap=True)
    table.add_column(ratio=1, overflow="fold")
    table.add_column(width=5, no_wrap=True)
    table.add_column(ratio=1, overflow="fold")
    for hunk, new_start in file_hunks(fp):
        table.add_row("", Text(f"@@ -{hunk.old_start} @@", style="cyan"), "", Text(f"@@ +{new_start} @@", style="cyan"))
        for left, right in pair_rows(hunk_rows(fp.path, hunk, new_start)):
            old = left.old if left else None
            new = right.new if right else None
            table.add_row(_gutter(left.old_no if left else None), _side(old, left, "-"),
                          _gutter(right.new_no if right else None), _side(new, right, "+"))
    return table


def _side(text: Text | None, row: Row | None, tag: str) -> Text:
    if text is None or row is None:
        return Text("")
    if row.tag == tag:
        text = text.copy()
        text.stylize({"+": ADDED, "-": REMOVED}[tag])
    return text


def render_diff(diff: str, path: str | None = None, split: bool = False) -> RenderableType:
    """The whole diff, or only ``path``'s part of it, with a header line per file."""
    files = [f for f in parse_diff(diff or "") if path is None or f.path == path]
    if not files:
        return Text("(no changes)", style="dim")
    parts: list[RenderableType] = []
    for fp in files:
        parts.append(Text(f"{fp.old_path or '/dev/null'} → {fp.new_path or '/dev/null'}", style="bold"))
        parts.append(render_split(fp) if split else render_unified(fp))
    return Group(*parts)


def diff_files(diff: str) -> list[str]:
    return [f.path for f in parse_diff(diff or "")]


class DiffView(VerticalScroll, can_focus=True):
    """Scrollable diff; ``split`` and ``path`` come down from the screen."""

    split: reactive[bool] = reactive(False)
    path: reactive[str | None] = reactive(None)

    def __init__(self, diff: str, *, id: str | None = None, classes: str | None = None):
        super().__init__(id=id, classes=classes)
        self.diff = diff

    def compose(self):
        yield Static(render_diff(self.diff, self.path, self.split), id="diff-body")

    def watch_split(self) -> None:
        self._render_diff()

    def watch_path(self) -> None:
        self._render_diff()

    def _render_diff(self) -> None:
        if self.is_mounted:
            self.query_one("#diff-body", Static).update(render_diff(self.diff, self.path, self.split))
