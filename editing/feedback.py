"""Messages for the model when an edit fails: always show the nearest real code.

A model that guessed a wrong name or a stale line needs to see what is actually
there to get it right on the retry, so every failure message quotes the closest
definitions (with signatures and line numbers) or the closest lines.
"""

from __future__ import annotations

import ast
import difflib
import textwrap

from editing import pyparse
from editing.elision import ELISION_IN_CODE
from editing.errors import EditError
from retrieval.parse import ParsedFile, Symbol


def _symbol_line(path: str, s: Symbol) -> str:
    return f"  {path}:{s.start_line}  {s.signature}   [{s.qualname}]"


def nearest_definitions(parsed: ParsedFile, name: str, *, limit: int = 6) -> list[Symbol]:
    """Definitions of ``parsed`` whose name or qualified name is closest to ``name``."""
    by_key: dict[str, Symbol] = {}
    for s in parsed.symbols:
        by_key.setdefault(s.qualname, s)
        by_key.setdefault(s.name, s)
    last = name.rsplit(".", 1)[-1]
    keys = difflib.get_close_matches(name, list(by_key), n=limit * 2, cutoff=0.5)
    keys += difflib.get_close_matches(last, list(by_key), n=limit * 2, cutoff=0.5)
    out: list[Symbol] = []
    for key in keys:
        if by_key[key] not in out:
            out.append(by_key[key])
    return out[:limit]


def describe_definitions(parsed: ParsedFile, name: str) -> str:
    """The closest definitions to ``name``, or the file's top-level outline when none is close."""
    near = nearest_definitions(parsed, name)
    if near:
        head = f"The closest definitions in {parsed.path} are:"
        return "\n".join([head, *(_symbol_line(parsed.path, s) for s in near)])
    outline = [s for s in parsed.symbols if s.parent is None or s.kind == "method"][:15]
    if not outline:
        return f"{parsed.path} defines no functions or classes."
    return "\n".join([f"{parsed.path} defines:", *(_symbol_line(parsed.path, s) for s in outline)])


def not_found(parsed: ParsedFile, name: str, why: str) -> EditError:
    return EditError(
        f"{why}\n{describe_definitions(parsed, name)}\n"
        "Write the complete replacement of an existing definition under its exact name "
        "(for a method: inside `class ClassName:`).",
        path=parsed.path,
    )


def numbered(text: str, first: int, last: int) -> str:
    """Lines ``first..last`` (1-based, clipped) of ``text`` with line numbers."""
    lines = text.splitlines()
    first, last = max(first, 1), min(last, len(lines))
    return "\n".join(f"{n:5d} | {lines[n - 1]}" for n in range(first, last + 1))


def syntax_problem(text: str) -> tuple[str, int] | None:
    """(message, line) of the first syntax error in ``text``, or None when it parses."""
    try:
        pyparse.parse(text)
    except SyntaxError as exc:
        return exc.msg, exc.lineno or 1
    except (ValueError, RecursionError, MemoryError) as exc:
        return str(exc) or type(exc).__name__, 1
    return None


def syntax_error(path: str, text: str, problem: tuple[str, int], *, whose: str) -> EditError:
    msg, line = problem
    return EditError(
        f"{whose} has a syntax error: {msg} (line {line}):\n{numbered(text, line - 3, line + 3)}\n"
        "Write syntactically valid, complete Python.",
        path=path,
    )


def nearest_lines(text: str, wanted: str, *, context: int = 2) -> str:
    """The window of ``text`` most similar to the ``wanted`` lines, numbered, for a failed search."""
    lines = text.splitlines()
    want = [w.strip() for w in wanted.splitlines() if w.strip()]
    if not lines or not want:
        return ""
    target = "\n".join(want)
    matcher = difflib.SequenceMatcher(None, autojunk=False)
    matcher.set_seq2(target)  # seq2 is the side difflib caches, so it is the fixed one
    size = len(want)
    best, best_at = -1.0, 0
    for i in range(max(1, len(lines) - size + 1)):
        matcher.set_seq1("\n".join(s.strip() for s in lines[i:i + size]))
        if matcher.real_quick_ratio() <= best or matcher.quick_ratio() <= best:
            continue
        ratio = matcher.ratio()
        if ratio > best:
            best, best_at = ratio, i
    return numbered(text, best_at + 1 - context, best_at + size + context)


def misspelt(new: str, old: str) -> bool:
    """Whether ``new`` looks like a slip for ``old``: one edit or swap apart, or a clipped form.

    Looser similarity would catch method families (``_print_dict`` beside ``_print_list``),
    which are new code more often than typos.
    """
    if new == old or min(len(new), len(old)) < 4:
        return False
    short, long_ = sorted((new, old), key=len)
    if short in long_ and len(short) >= 0.6 * len(long_):
        return True
    if len(long_) - len(short) > 1:
        return False
    prev2, prev = [], list(range(len(old) + 1))
    for i, a in enumerate(new, 1):  # optimal-string-alignment distance, row by row
        row = [i]
        for j, b in enumerate(old, 1):
            cost = min(prev[j] + 1, row[j - 1] + 1, prev[j - 1] + (a != b))
            if i > 1 and j > 1 and a == old[j - 2] and new[i - 2] == b:
                cost = min(cost, prev2[j - 2] + 1)
            row.append(cost)
        prev2, prev = prev, row
    return prev[-1] <= 1


def same_code(old: str, new: str) -> bool:
    """Whether ``new`` only re-types ``old``: the same tokens and the same syntax tree, so no
    change but layout (whitespace alone is not enough: indentation moves statements)."""
    if "".join(old.split()) != "".join(new.split()):
        return False
    try:
        trees = [pyparse.parse(textwrap.dedent(t)) for t in (old, new)]
        return ast.dump(trees[0]) == ast.dump(trees[1])  # ast.dump recurses: a deep tree is "changed"
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return False


def elides(new: str, old: str) -> bool:
    """Whether a written function leaves code out that the old one has: more ``...`` lines, or a
    '# ... rest unchanged' style comment the old one did not have."""
    new_dots = sum(1 for line in new.splitlines() if line.strip() == "...")
    old_dots = sum(1 for line in old.splitlines() if line.strip() == "...")
    return new_dots > old_dots or bool(ELISION_IN_CODE.search(new) and not ELISION_IN_CODE.search(old))
