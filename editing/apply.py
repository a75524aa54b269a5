"""Turn a model answer into a unified diff, on in-memory copies of the repository's files.

The working tree is only read: every edit works on a ``Workspace`` (file texts as
read from disk, then as edited), and the diff is taken between the two. Paths the
answer names are checked to stay inside the repository; an answer that names no
file is matched to the prompt's context files by the definitions it writes.
"""

from __future__ import annotations

import ast
import difflib
import re
import subprocess
import textwrap
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from agent.core.errors import InputError
from agent.core.paths import in_test_tree
from editing import pyparse
from editing.errors import EditError
from editing.normalize import normalize_changes
from editing.parse_answer import (
    FORMAT_HELP,
    CodeEdit,
    DiffEdit,
    Edit,
    SearchReplace,
    clean_path,
    parse_answer,
)
from editing.patch import apply_diff, file_diff
from editing.search import search_replace
from editing.splice import splice
from retrieval.parse import parse_file

# retrieval.maps marks outline entries with their lines: "def f(x):  # L12-30".
_OUTLINE_MARK = re.compile(r"^[ \t]*(?:async[ \t]+)?(?:def|class)[ \t][^\n]*#[ \t]*L\d+-\d+[ \t]*$", re.M)
_DEF_NAME = re.compile(r"^[ \t]*(?:async[ \t]+)?(?:def|class)[ \t]+(\w+)", re.M)


@dataclass
class EditResult:
    diff: str
    """Unified diff relative to the repository root (``a/…`` ``b/…``), appliable with ``git apply``."""
    files: list[str]
    applied: list[str] = field(default_factory=list)
    """What each edit did, e.g. ``pkg/mod.py: replaced Foo.bar``."""
    notes: list[str] = field(default_factory=list)
    """What was dropped or guessed (cut-off blocks, a path resolved by name)."""
    normalized: str = ""
    """Normal form of the change for dedup and voting (``editing.normalize``)."""


class Workspace:
    """A repository's files as read from disk, edited only in memory."""

    def __init__(self, repo: Path):
        self.repo = Path(repo).resolve()
        if not self.repo.is_dir():  # the caller's mistake, not the model's: no feedback to give
            raise InputError(f"{repo} is not a directory.")
        self._before: dict[str, str | None] = {}
        self._now: dict[str, str | None] = {}

    def _disk_path(self, path: str) -> Path:
        """The file's place on disk; EditError for anything but a path inside the work tree (found
        by fuzzing: a symlinked directory let an edit create a file outside the repository)."""
        rel = PurePosixPath(path)
        if not path.strip() or rel.is_absolute() or ".." in rel.parts or "\x00" in path:
            raise EditError(f"{path!r} is not a path inside the repository.", path=path)
        if rel.parts[0] == ".git":
            raise EditError(f"{path!r} is inside .git/; only files of the work tree can be edited.", path=path)
        disk = self.repo / rel
        try:
            inside = disk.resolve().is_relative_to(self.repo)
        except (OSError, RuntimeError):  # a symlink loop
            inside = False
        if not inside:
            raise EditError(f"{path!r} leads outside the repository (through a symbolic link).", path=path)
        return disk

    def exists(self, path: str) -> bool:
        if path in self._now:
            return self._now[path] is not None
        try:
            return self._disk_path(path).is_file()
        except EditError:
            return False

    def read_or_none(self, path: str) -> str | None:
        """Current text of ``path``, None when it does not exist; EditError when it is not UTF-8."""
        if path in self._now:
            return self._now[path]
        disk = self._disk_path(path)
        text = None
        if disk.is_file():
            try:
                text = disk.read_bytes().decode("utf-8")
            except UnicodeDecodeError as exc:
                raise EditError(
                    f"{path} is not UTF-8 text ({exc.reason} at byte {exc.start}); it cannot be edited.", path=path
                ) from None
        self._before[path] = self._now[path] = text
        return text

    def read(self, path: str) -> str:
        text = self.read_or_none(path)
        if text is None:
            raise EditError(f"{path} does not exist in the repository.", path=path)
        return text

    def write(self, path: str, text: str | None) -> None:
        if path not in self._now:
            self.read_or_none(path)
        self._now[path] = text

    def changes(self) -> dict[str, tuple[str | None, str | None]]:
        """``{path: (before, after)}`` of the files whose text changed, in path order."""
        # None -> "" (an empty file created) has no diff git can apply: it is no change
        return {p: (self._before[p], self._now[p]) for p in sorted(self._now)
                if (self._now[p] or "") != (self._before[p] or "")}

    def diff(self) -> str:
        return "".join(file_diff(p, before, after) for p, (before, after) in self.changes().items())


def _tracked_with_suffix(repo: Path, path: str) -> list[str]:
    """Files tracked by git whose path ends with ``/path`` (empty when not a git repository)."""
    try:
        done = subprocess.run(["git", "-C", str(repo), "ls-files", "-z", "--", f"*/{path}"],
                              capture_output=True, timeout=30)
    except (OSError, subprocess.TimeoutExpired):
        return []
    return [p for p in done.stdout.decode("utf-8", "replace").split("\0") if p] if done.returncode == 0 else []


class _Resolver:
    """Which file an edit is for: the path the answer names, else the context file that fits."""

    def __init__(self, workspace: Workspace, context_paths: Sequence[str]):
        self.ws = workspace
        self.context = [clean_path(p) for p in context_paths]
        self.notes: list[str] = []
        self._names: dict[tuple[str, int], set[str]] = {}

    def _existing(self, raw: str) -> str | None:
        path = clean_path(raw)
        if PurePosixPath(path).is_absolute():
            try:
                path = PurePosixPath(path).relative_to(self.ws.repo.as_posix()).as_posix()
            except ValueError:
                return None
        if self.ws.exists(path):
            return path
        tails = [c for c in self.context if c.endswith("/" + path) or path.endswith("/" + c)]
        if len(tails) == 1 and self.ws.exists(tails[0]):
            return tails[0]
        tracked = _tracked_with_suffix(self.ws.repo, path)  # "cart.py" for pkg/cart.py
        if len(tracked) == 1:
            self.notes.append(f"{raw} is not a repository path; used {tracked[0]}")
            return tracked[0]
        return None

    def defined_names(self, path: str) -> set[str]:
        """Names and qualified names defined in ``path`` as it is now (cached per text)."""
        text = self.ws.read_or_none(path) if path.endswith((".py", ".pyi")) else None
        if text is None:
            return set()
        key = (path, hash(text))
        if key not in self._names:
            self._names[key] = {n for s in parse_file(path, text.encode()).symbols for n in (s.name, s.qualname)}
        return self._names[key]

    def _closest_file(self, names: set[str]) -> str | None:
        best, best_path = 0.75, None
        for path in (c for c in self.context if self.ws.exists(c)):
            defined = list(self.defined_names(path))
            for name in names:
                for close in difflib.get_close_matches(name, defined, n=1, cutoff=best):
                    best, best_path = difflib.SequenceMatcher(None, name, close).ratio(), path
        return best_path

    def _listing(self) -> str:
        return "\n".join(f"  {c}" for c in self.context) or "  (none given)"

    def for_code(self, raw: str | None, code: str) -> str:
        found = self._existing(raw) if raw else None
        names = set(_DEF_NAME.findall(code))
        if found and (not names or names & self.defined_names(found)):
            return found
        scored = [(len(names & self.defined_names(c)), -i, c) for i, c in enumerate(self.context) if self.ws.exists(c)]
        best = max(scored, default=None)
        if best and best[0] > 0:
            if raw:  # prose named another file ("unlike `setup.py`, …"): the definitions decide
                self.notes.append(f"{raw} does not define the code's names; used {best[2]}, which does")
            return best[2]
        if found:
            return found  # new definitions for the file the answer names
        if raw:
            raise EditError(f"{raw} does not exist in the repository. The files in context are:\n{self._listing()}")
        if len(scored) == 1:
            return scored[0][2]
        near = self._closest_file(names)
        if near:  # a misspelt name: the splice fails there and shows the nearest definitions
            return near
        raise EditError(
            "Your answer does not say which file the code is for, and no file in context defines its "
            f"names. Put a line such as `### path/to/file.py` above each code block. Files in context:\n"
            f"{self._listing()}"
        )

    def for_search(self, raw: str | None, search: str) -> str:
        found = self._existing(raw) if raw else None
        if found:
            return found
        if raw and not search.strip():
            return clean_path(raw)  # an empty SEARCH creates a new file
        if raw:
            raise EditError(f"{raw} does not exist in the repository. The files in context are:\n{self._listing()}")
        want = " ".join(search.split())
        for c in self.context:
            text = self.ws.read_or_none(c) if self.ws.exists(c) else None
            if text is not None and want in " ".join(text.split()):
                return c
        if len(self.context) == 1:
            return self.context[0]
        raise EditError(f"Name the file above each SEARCH block. Files in context:\n{self._listing()}")


def _not_a_fix(code: str, raw: str | None, resolver: _Resolver) -> str | None:
    """Why a code block is commentary rather than an edit (a usage example, tests for no test file,
    the prompt's file outline echoed back)."""
    if _OUTLINE_MARK.search(code):
        return "ignored a copy of a file outline from the prompt"
    try:
        tree = pyparse.parse(textwrap.dedent(code))
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return None  # the splice reports the syntax error with its line
    kinds = (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.Import, ast.ImportFrom, ast.Assign)
    if not any(isinstance(s, kinds) for s in tree.body):
        return "ignored a code block without definitions (an example of use?)"
    names = [s.name for s in tree.body if isinstance(s, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef)]
    if not names or not all(n.lower().startswith("test") for n in names):
        return None
    if raw and in_test_tree(clean_path(raw)) and resolver.ws.exists(clean_path(raw)):
        return None  # the answer means to edit that test file
    places = [p for p in [clean_path(raw) if raw else "", *resolver.context] if p and resolver.ws.exists(p)]
    if any(set(names) & resolver.defined_names(p) for p in places):
        return None  # existing code that happens to be named Test… (pytest's TestCaseFunction)
    return f"ignored a block of tests ({', '.join(names[:3])}) that names no existing test file"


def _apply_edit(edit: Edit, ws: Workspace, resolver: _Resolver, answer_code: str) -> list[str]:
    match edit:
        case CodeEdit(code=code, path=raw, hint=hint):
            skip = _not_a_fix(code, raw, resolver)
            if skip:
                resolver.notes.append(skip)
                return []
            path = resolver.for_code(raw, code)
            if not path.endswith((".py", ".pyi")):
                raise EditError(f"Whole-definition edits need a Python file; for {path} use a SEARCH/REPLACE block.")
            result = splice(path, ws.read(path), code, hint=hint, answer_code=answer_code)
            ws.write(path, result.text)
            resolver.notes.extend(f"{path}: {n}" for n in result.notes)
            return [f"{path}: {a}" for a in result.applied]
        case SearchReplace(search=search, replace=replace, path=raw):
            path = resolver.for_search(raw, search)
            ws.write(path, search_replace(path, ws.read_or_none(path), search, replace))
            return [f"{path}: search/replace"]
        case DiffEdit(diff=diff):
            written = apply_diff(diff, ws.read_or_none)
            for path, text in written.items():
                ws.write(path, text)
            return [f"{path}: diff" for path in written]
    raise TypeError(f"unknown edit {edit!r}")


def _no_change(answer_code: str, notes: list[str]) -> EditError:
    """Small models often echo the prompt's code unchanged: say so plainly, naming what was echoed."""
    names = list(dict.fromkeys(_DEF_NAME.findall(answer_code)))
    echoed = f" It repeats {', '.join(f'`{n}`' for n in names[:5])} exactly as the code already is." if names else ""
    ignored = "".join(f"\n- {n}" for n in notes)
    return EditError(
        f"Your answer does not change any code.{echoed} Write the definitions again *with the fix* "
        f"for the issue applied.{f' Also:{ignored}' if ignored else ''}\n{FORMAT_HELP}"
    )


def apply_answer(repo: Path, answer: str, *, context_paths: Sequence[str] = ()) -> EditResult:
    """Parse ``answer``, apply its edits in memory and return the diff against ``repo``'s files.

    ``context_paths`` are the repository-relative files shown to the model, used to find
    the file of an edit that names none. Raises ``EditError`` (feedback for the model).
    """
    _check_encodable(answer)
    parsed = parse_answer(answer)
    ws = Workspace(repo)
    resolver = _Resolver(ws, context_paths)
    answer_code = "\n".join(e.code for e in parsed.edits if isinstance(e, CodeEdit))
    applied: list[str] = []
    for edit in parsed.edits:
        applied.extend(_apply_edit(edit, ws, resolver, answer_code))
    changes = ws.changes()
    if not changes:
        raise _no_change(answer_code, parsed.notes + resolver.notes)
    return EditResult(ws.diff(), list(changes), applied, parsed.notes + resolver.notes, normalize_changes(changes))


def _check_encodable(answer: str) -> None:
    """Refuse text that cannot become a file: a lone surrogate (``\\udcff``, which JSON can carry)
    made the diff unencodable and crashed the run (found by fuzzing)."""
    try:
        answer.encode("utf-8")
    except UnicodeEncodeError as exc:
        raise EditError(f"the answer holds a character that is not valid Unicode text at position {exc.start}; "
                        "reply with plain text.") from None
