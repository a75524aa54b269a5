"""Extract edits from a model's free-form answer through a ladder of small matchers.

Models wrap code in fences (or forget to), put the file path in a heading, in the
fence's info string or in a first-line comment, talk before and after the code, and
get cut off mid-block. Each matcher below handles one of those shapes and returns
None when the shape is absent; ``parse_answer`` tries them in order. Search/replace
blocks (aider's format) are accepted as the fallback format; unified diffs in a
``diff`` fence are passed through. Model output is only ever *parsed* (``ast.parse``),
never executed.
"""

from __future__ import annotations

import re
import textwrap
from collections.abc import Callable
from dataclasses import dataclass, field

from editing import pyparse
from editing.errors import EditError


@dataclass(frozen=True)
class CodeEdit:
    """Whole replacement code (functions, methods, classes, imports) meant for one file."""

    code: str
    path: str | None = None
    """Repository-relative path named by the answer, if any."""
    hint: str | None = None
    """Qualified-name context named by the answer (``path::Class.method``), if any."""
    line: int = 0
    """Line of the answer where the edit starts, to keep the answer's order."""


@dataclass(frozen=True)
class SearchReplace:
    """Replace the lines ``search`` by ``replace`` (an empty search creates or appends)."""

    search: str
    replace: str
    path: str | None = None
    line: int = 0


@dataclass(frozen=True)
class DiffEdit:
    """A unified diff the model wrote itself."""

    diff: str
    line: int = 0


Edit = CodeEdit | SearchReplace | DiffEdit


@dataclass
class ParsedAnswer:
    edits: list[Edit]
    notes: list[str] = field(default_factory=list)
    """What the parser dropped or guessed (truncated blocks, shell snippets), for the trajectory."""


# Prose only: small models copy placeholder code from feedback (the lead saw a stub named after
# a placeholder chosen in the demo), so error messages carry no example code.
FORMAT_HELP = (
    "Answer with the complete new code of each function, method or class you change, in a "
    "```python fenced block preceded by a line naming the file: ### and its path in the repository. "
    "Write a method inside its class (`class Name:` followed by only the changed methods) "
    "so it is clear where it belongs."
)

_PATH = re.compile(r"(?<![\w/.-])((?:[\w.-]+/)*[\w-][\w.-]*\.pyi?)(?![\w/-])")
# "path::Class.method", "path:12-30 (Class.method)", or agent.core.types.Context.render's
# "File: path (lines 12-30, Class.method)" that models copy from the prompt.
_HINT = re.compile(
    r"::\s*([A-Za-z_][\w.]*)|\.pyi?(?::[\d-]+)?\s*\((?:lines [\d-]+, (?:(?:callee|caller|similar|target) )?)?"
    r"([A-Za-z_][\w.]*)\)"
)
_FENCE = re.compile(r"^[ \t]*(?P<fence>`{3,}|~{3,})[ \t]*(?P<info>[^`\n]*?)[ \t]*$")
_PYTHON_LANGS = {"", "python", "py", "python3", "py3"}  # not pycon/ipython: sessions are examples
_DIFF_LANGS = {"diff", "patch", "udiff"}
_CODE_START = re.compile(
    r"^[ \t]*(?:@[\w.]+|(?:async[ \t]+)?def[ \t]+\w+[ \t]*\(|class[ \t]+\w+[ \t]*[(:]"
    r"|import[ \t]+[\w.]+|from[ \t]+[\w.]+[ \t]+import[ \t])"
)
_SR_HEAD = re.compile(r"^[ \t]*<{5,9}[ \t]*SEARCH\b")
_SR_DIV = re.compile(r"^[ \t]*={5,9}[ \t]*$")
_SR_TAIL = re.compile(r"^[ \t]*>{5,9}[ \t]*REPLACE\b")


def clean_path(raw: str) -> str:
    """``a/pkg/mod.py`` / ``./pkg/mod.py`` / ``pkg/mod.py:12`` -> ``pkg/mod.py``."""
    path = raw.strip().strip("`*'\"").rstrip(":")
    path = re.sub(r":[\d-]+$", "", path)
    for prefix in ("a/", "b/", "./"):
        if path.startswith(prefix) and len(path) > len(prefix):
            path = path[len(prefix):]
    return path


def _path_and_hint(line: str) -> tuple[str | None, str | None]:
    found = _PATH.search(line)
    hint = _HINT.search(line)
    path = clean_path(found.group(1)) if found else None
    return path, (hint.group(1) or hint.group(2)) if hint else None


def _header_before(lines: list[str], index: int, floor: int) -> tuple[str | None, str | None]:
    """Path (and hint) named on the nearest non-blank lines above ``index`` (not below ``floor``)."""
    seen = 0
    for i in range(index - 1, floor - 1, -1):
        if not lines[i].strip() or _FENCE.match(lines[i]):
            continue
        path, hint = _path_and_hint(lines[i])
        if path:
            return path, hint
        seen += 1
        if seen == 2:
            break
    return None, None


def _parses(code: str) -> bool:
    try:
        pyparse.parse(textwrap.dedent(code))
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return False
    return True


# --- search/replace blocks -------------------------------------------------------------------


def _search_replace_blocks(lines: list[str], notes: list[str]) -> tuple[list[Edit], set[int]] | None:
    """Aider-style ``<<<<<<< SEARCH / ======= / >>>>>>> REPLACE`` blocks; None when there are none."""
    edits: list[Edit] = []
    used: set[int] = set()
    path: str | None = None
    i = 0
    while i < len(lines):
        if not _SR_HEAD.match(lines[i]):
            i += 1
            continue
        div = next((j for j in range(i + 1, len(lines)) if _SR_DIV.match(lines[j])), None)
        tail = next((j for j in range(div + 1, len(lines)) if _SR_TAIL.match(lines[j])), None) if div else None
        if div is None or tail is None:
            notes.append(f"dropped an unfinished search/replace block at answer line {i + 1}")
            break
        path = _header_before(lines, i, 0)[0] or path  # a block without a header reuses the last path
        search, replace = "".join(lines[i + 1:div]), "".join(lines[div + 1:tail])
        edits.append(SearchReplace(search, replace, path, line=i))
        used.update(range(i, tail + 1))
        i = tail + 1
    return (edits, used) if edits else None


# --- fenced blocks ---------------------------------------------------------------------------


@dataclass
class _Fence:
    info: str
    open_line: int
    body: list[str]
    closed: bool


def _scan_fences(lines: list[str]) -> list[_Fence]:
    fences: list[_Fence] = []
    i = 0
    while i < len(lines):
        m = _FENCE.match(lines[i])
        if not m:
            i += 1
            continue
        char, size = m["fence"][0], len(m["fence"])
        close = re.compile(rf"^[ \t]*{re.escape(char)}{{{size},}}[ \t]*$")
        end = next((j for j in range(i + 1, len(lines)) if close.match(lines[j])), None)
        body = lines[i + 1:end] if end is not None else lines[i + 1:]
        fences.append(_Fence(m["info"], i, body, end is not None))
        i = (end if end is not None else len(lines)) + 1
    return fences


def _fence_lang_and_path(info: str) -> tuple[str, str | None, str | None]:
    """``python path/to/f.py`` / ``python:path`` / ``path/to/f.py`` / ``{.python}`` -> (lang, path, hint)."""
    tokens = re.split(r"[\s:{}]+", info.strip().lstrip("{").lower(), maxsplit=1)
    lang = tokens[0].lstrip(".") if tokens else ""
    path, hint = _path_and_hint(info)
    if lang.endswith((".py", ".pyi")) or path and lang == path.lower():
        lang = "python"
    return lang, path, hint


def _code_edit_from_fence(fence: _Fence, lines: list[str], floor: int) -> CodeEdit | DiffEdit | None:
    lang, path, hint = _fence_lang_and_path(fence.info)
    code = "".join(fence.body)
    if lang in _DIFF_LANGS or (lang == "" and re.match(r"(?:diff --git |--- )", code)):
        return DiffEdit(code, line=fence.open_line)
    if lang not in _PYTHON_LANGS or not code.strip():
        return None
    first = next((s for s in fence.body if s.strip()), "")
    if first.lstrip().startswith("#") and not path:
        path, hint = _path_and_hint(first)
    if not path:
        path, found_hint = _header_before(lines, fence.open_line, floor)
        hint = hint or found_hint
    return CodeEdit(code, path, hint, line=fence.open_line)


def _fenced_blocks(lines: list[str], notes: list[str]) -> list[Edit] | None:
    """Code in ``` fences, with the path from the info string, a first-line comment or a heading."""
    fences = _scan_fences(lines)
    edits: list[Edit] = []
    floor = 0
    for fence in fences:
        if not fence.closed:
            notes.append(f"dropped the last code block (answer line {fence.open_line + 1}): it is cut off")
            break
        edit = _code_edit_from_fence(fence, lines, floor)
        floor = fence.open_line + len(fence.body) + 2
        if edit is None:
            if fence.info.strip() and "".join(fence.body).strip():
                notes.append(f"ignored a ```{fence.info.strip()} block (not Python)")
            continue
        edits.append(edit)
    return edits or None


# --- code without fences ---------------------------------------------------------------------


def _largest_parsing_chunk(lines: list[str], start: int) -> int:
    """End (exclusive) of the longest run of lines from ``start`` that parses as Python."""
    for end in range(len(lines), start, -1):
        if lines[end - 1].strip() and _parses("".join(lines[start:end])):
            return end
    return start


def _drop_truncated_tail(chunk: list[str]) -> list[str]:
    """Cut the last top-level statement of a chunk whose continuation did not parse (a cut-off answer)."""
    tree = pyparse.parse(textwrap.dedent("".join(chunk)))
    last = tree.body[-1]
    first_line = min([last.lineno] + [d.lineno for d in getattr(last, "decorator_list", [])])
    return chunk[: first_line - 1]


def _unfenced_code(lines: list[str], notes: list[str]) -> list[Edit] | None:
    """Definitions written straight into the prose, without fences."""
    if _scan_fences(lines):  # a cut-off fence is dropped, not re-read as bare code
        return None
    edits: list[Edit] = []
    i = 0
    while i < len(lines):
        if not _CODE_START.match(lines[i]):
            i += 1
            continue
        end = _largest_parsing_chunk(lines, i)
        if end == i:
            i += 1
            continue
        chunk = lines[i:end]
        if end < len(lines) and lines[end][:1] in (" ", "\t") and lines[end].strip():
            notes.append(f"dropped a cut-off definition near answer line {end + 1}")
            chunk = _drop_truncated_tail(chunk)
        if "".join(chunk).strip():
            path, hint = _header_before(lines, i, 0)
            edits.append(CodeEdit("".join(chunk), path, hint, line=i))
        i = end
    return edits or None


_CODE_MATCHERS: tuple[Callable[[list[str], list[str]], list[Edit] | None], ...] = (
    _fenced_blocks,
    _unfenced_code,
)


_THINK = re.compile(r"<think(?:ing)?>.*?(?:</think(?:ing)?>|\Z)", re.S | re.I)


def _drop_reasoning(text: str, notes: list[str]) -> str:
    """Remove ``<think>…</think>`` sections: reasoning models draft code there that is not the answer."""
    kept = _THINK.sub("", text)
    if kept != text:
        notes.append("ignored the answer's <think> section")
    return kept


def parse_answer(text: str) -> ParsedAnswer:
    """All edits in a model answer, in answer order; raises ``EditError`` when there are none."""
    notes: list[str] = []
    lines = _drop_reasoning(text.replace("\r\n", "\n"), notes).splitlines(keepends=True)
    edits: list[Edit] = []
    found = _search_replace_blocks(lines, notes)
    if found:
        sr_edits, used = found
        edits.extend(sr_edits)
        lines = ["\n" if i in used else line for i, line in enumerate(lines)]
    # Beside search/replace blocks only fenced code counts: bare prose lines such as
    # "import x is missing" must not turn into edits.
    for matcher in _CODE_MATCHERS[:1] if found else _CODE_MATCHERS:
        code_edits = matcher(lines, notes)
        if code_edits is not None:
            edits.extend(code_edits)
            break
    if not edits:
        detail = f" ({'; '.join(notes)})" if notes else ""
        raise EditError(f"No code edit found in the answer{detail}.\n{FORMAT_HELP}")
    edits.sort(key=lambda e: e.line)
    return ParsedAnswer(edits, notes)
