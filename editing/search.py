"""Search/replace blocks, the fallback edit format: a ladder of small matchers.

Each matcher takes the file's lines, the search lines and the replace lines and
returns the new lines, or None on a miss: exact, then ignoring trailing
whitespace, then ignoring indentation (the replacement is moved by the same
amount), then with ``...`` elisions in the search. A miss on all of them shows the
model the file's nearest lines. (After aider's editblock_coder.)
"""

from __future__ import annotations

from collections.abc import Callable

from editing.errors import EditError
from editing.feedback import nearest_lines

Lines = list[str]


def _find_block(have: Lines, want: Lines) -> int | None:
    n = len(want)
    return next((i for i in range(len(have) - n + 1) if have[i:i + n] == want), None)


def _exact(lines: Lines, search: Lines, replace: Lines) -> Lines | None:
    at = _find_block(lines, search)
    return None if at is None else lines[:at] + replace + lines[at + len(search):]


def _trailing_whitespace(lines: Lines, search: Lines, replace: Lines) -> Lines | None:
    at = _find_block([s.rstrip() for s in lines], [s.rstrip() for s in search])
    return None if at is None else lines[:at] + replace + lines[at + len(search):]


def _indent(line: str) -> str:
    return line[: len(line) - len(line.lstrip())]


def _leading_whitespace(lines: Lines, search: Lines, replace: Lines) -> Lines | None:
    """Match ignoring indentation; shift the replacement by the indentation difference found."""
    at = _find_block([s.strip() for s in lines], [s.strip() for s in search])
    if at is None:
        return None
    first = next((i for i, s in enumerate(search) if s.strip()), None)
    if first is None:
        return None
    have, had = _indent(lines[at + first]), _indent(search[first])
    moved = []
    for line in replace:
        if not line.strip():
            moved.append("")
        elif line.startswith(had):
            moved.append(have + line[len(had):])
        else:  # less indented than the search's first line: add what the file has in front
            moved.append(have[: max(len(have) - len(had), 0)] + line)
    return lines[:at] + moved + lines[at + len(search):]


def _split_elisions(block: Lines) -> list[Lines]:
    parts: list[Lines] = [[]]
    for line in block:
        if line.strip() in ("...", "# ...", "# ... existing code ..."):
            parts.append([])
        else:
            parts[-1].append(line)
    return parts


def _elided(lines: Lines, search: Lines, replace: Lines) -> Lines | None:
    """Search and replace both elide the same stretches with ``...``: apply piece by piece."""
    s_parts, r_parts = _split_elisions(search), _split_elisions(replace)
    if len(s_parts) == 1 or len(s_parts) != len(r_parts):
        return None
    out = lines
    for s, r in zip(s_parts, r_parts, strict=True):
        if not s:
            if r:
                return None  # nothing to anchor the added lines on
            continue
        step = _exact(out, s, r) or _trailing_whitespace(out, s, r)
        if step is None:
            return None
        out = step
    return out


_MATCHERS: tuple[Callable[[Lines, Lines, Lines], Lines | None], ...] = (
    _exact,
    _trailing_whitespace,
    _leading_whitespace,
    _elided,
)


def _trim_blank(block: Lines) -> Lines:
    start = next((i for i, s in enumerate(block) if s.strip()), len(block))
    end = next((i for i in range(len(block), 0, -1) if block[i - 1].strip()), 0)
    return block[start:end]


def search_replace(path: str, text: str | None, search: str, replace: str) -> str:
    """``text`` with ``search`` replaced by ``replace``; an empty search creates (or appends to) the file."""
    if not search.strip():
        if text is None:
            return replace
        return text + ("" if text.endswith("\n") or not text else "\n") + replace
    if text is None:
        raise EditError(f"{path} does not exist, so there is nothing to search in.", path=path)
    eol = text.endswith("\n")
    lines = text.split("\n")[:-1] if eol else text.split("\n")
    search_lines, replace_lines = search.rstrip("\n").split("\n"), replace.rstrip("\n").split("\n")
    if not replace.strip():
        replace_lines = []
    attempts = [(search_lines, replace_lines), (_trim_blank(search_lines), _trim_blank(replace_lines))]
    for s, r in attempts:
        for matcher in _MATCHERS:
            out = matcher(lines, s, r)
            if out is not None:
                return "\n".join(out) + ("\n" if eol else "")
    raise EditError(
        f"The SEARCH block for {path} does not match the file. The most similar lines are:\n"
        f"{nearest_lines(text, search)}\n"
        "A SEARCH block must copy existing lines exactly (or write the whole function instead).",
        path=path,
    )
