"""Unified diffs both ways: write them for ``git apply``, and apply them in memory.

Writing: ``difflib`` hunks with git's headers and its "\\ No newline at end of file"
marker, so ``git apply`` takes them. Reading: a lenient parser that ignores hunk
line counts (models miscount them) and finds each hunk's old lines exactly, then
near the stated line ignoring whitespace, before giving up with the nearest lines.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable
from dataclasses import dataclass, field

from editing.errors import EditError
from editing.feedback import nearest_lines
from editing.parse_answer import clean_path

_NO_EOL = "\\ No newline at end of file"
_HUNK = re.compile(r"^@@ -(\d+)(?:,\d+)? \+\d+(?:,\d+)? @@")


def diff_size(diff: str | None) -> int:
    """Lines a unified diff adds or removes (file headers not counted); 0 for no diff."""
    size, in_hunk = 0, False
    for line in (diff or "").splitlines():
        if line.startswith("diff --git "):
            in_hunk = False
        elif line.startswith("@@"):
            in_hunk = True
        elif in_hunk and line[:1] in ("+", "-"):
            size += 1
    return size


def file_diff(path: str, before: str | None, after: str | None) -> str:
    """A git-style unified diff of one file (None: the file does not exist on that side)."""
    old = before.splitlines(keepends=True) if before is not None else []
    new = after.splitlines(keepends=True) if after is not None else []
    head = [f"diff --git a/{path} b/{path}\n"]
    if before is None:
        head.append("new file mode 100644\n")
    elif after is None:
        head.append("deleted file mode 100644\n")
    src = f"a/{path}" if before is not None else "/dev/null"
    dst = f"b/{path}" if after is not None else "/dev/null"
    body = list(difflib.unified_diff(old, new, src, dst, n=3))
    if not body:
        return ""
    body[0], body[1] = f"--- {src}\n", f"+++ {dst}\n"  # difflib adds a trailing tab for empty dates
    out = []
    for line in body:
        out.append(line if line.endswith("\n") else f"{line}\n{_NO_EOL}\n")
    return "".join(head + out)


@dataclass
class Hunk:
    old_start: int
    lines: list[tuple[str, str]] = field(default_factory=list)
    """(tag, text): tag ' ' context, '-' removed, '+' added; text without its newline."""
    new_no_eol: bool = False

    def old(self) -> list[str]:
        return [t for tag, t in self.lines if tag in " -"]

    def new(self) -> list[str]:
        return [t for tag, t in self.lines if tag in " +"]


@dataclass
class FilePatch:
    old_path: str | None
    new_path: str | None
    hunks: list[Hunk] = field(default_factory=list)

    @property
    def path(self) -> str:
        return self.new_path or self.old_path or ""


def _header_path(line: str) -> str | None:
    raw = line[4:].split("\t")[0].strip()
    return None if raw == "/dev/null" else clean_path(raw)


def _hunk_line(hunk: Hunk, line: str) -> bool:
    """Add one body line to ``hunk``; False when the line ends the hunk."""
    if line.startswith("\\"):
        if hunk.lines and hunk.lines[-1][0] in " +":
            hunk.new_no_eol = True
        return True
    if line == "":
        hunk.lines.append((" ", ""))  # a blank context line whose space got stripped
        return True
    if line[0] in " -+":
        hunk.lines.append((line[0], line[1:]))
        return True
    return False


def parse_diff(text: str) -> list[FilePatch]:
    """Files and hunks of a unified diff; hunk line counts are not trusted."""
    lines = text.replace("\r\n", "\n").split("\n")
    files: list[FilePatch] = []
    hunk: Hunk | None = None
    i = 0
    while i < len(lines):
        line = lines[i]
        if line.startswith("--- ") and i + 1 < len(lines) and lines[i + 1].startswith("+++ "):
            files.append(FilePatch(_header_path(line), _header_path(lines[i + 1])))
            hunk, i = None, i + 2
            continue
        m = _HUNK.match(line)
        if m and files:
            hunk = Hunk(int(m.group(1)))
            files[-1].hunks.append(hunk)
        elif hunk is not None and not _hunk_line(hunk, line):
            hunk = None
        i += 1
    for f in files:  # a trailing "" from the final newline is not a context line
        for h in f.hunks:
            while h.lines and h.lines[-1] == (" ", ""):
                h.lines.pop()
    return [f for f in files if f.hunks or f.new_path is None]


def _find(lines: list[str], old: list[str], near: int) -> int | None:
    """Index where ``old`` occurs in ``lines``: exact first, then ignoring whitespace; nearest ``near``."""
    for key in (lambda s: s, str.rstrip, lambda s: " ".join(s.split())):
        want = [key(s) for s in old]
        have = [key(s) for s in lines]
        hits = [i for i in range(len(have) - len(want) + 1) if have[i:i + len(want)] == want]
        if hits:
            return min(hits, key=lambda i: abs(i - near))
    return None


def apply_file_patch(fp: FilePatch, text: str | None) -> str | None:
    """The file after ``fp``'s hunks (None: deleted). Raises ``EditError`` for a hunk that does not fit."""
    if fp.new_path is None:
        return None
    lines = (text or "").split("\n")
    eol = text is None or text.endswith("\n")
    if text and eol:
        lines.pop()
    elif not text:
        lines = []
    start = delta = 0  # delta: lines added so far, since hunk headers count in the old file
    for hunk in fp.hunks:
        old, new = hunk.old(), hunk.new()
        near = max(hunk.old_start - 1 + delta, start)
        at = (min(hunk.old_start + delta, len(lines)) if not old else _find(lines[start:], old, near - start))
        if at is None:
            shown = nearest_lines(text or "", "\n".join(old))
            raise EditError(
                f"A hunk of your diff does not match {fp.path}. The closest lines are:\n{shown}\n"
                "Copy the context lines exactly, or write whole replacement functions instead.",
                path=fp.path,
            )
        at += start if old else 0
        lines[at:at + len(old)] = new
        start, delta = at + len(new), delta + len(new) - len(old)
        if start >= len(lines):
            eol = not hunk.new_no_eol
    return "\n".join(lines) + ("\n" if eol and lines else "")


def apply_diff(text: str, read: Callable[[str], str | None]) -> dict[str, str | None]:
    """New contents of every file a diff touches; ``read(path)`` gives the current text (None: absent)."""
    patches = parse_diff(text)
    if not patches:
        raise EditError("The diff in your answer has no hunks (lines starting with '@@').")
    out: dict[str, str | None] = {}
    for fp in patches:
        current = out[fp.old_path] if fp.old_path in out else (read(fp.old_path) if fp.old_path else None)
        out[fp.path] = apply_file_patch(fp, current)
    return out
