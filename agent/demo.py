"""`capuchin demo`: solve a bundled example bug end to end, then judge the patch with hidden tests.

The example repository is copied to a fresh git repository in the cache directory, so
the demo never touches the checkout it runs from.
"""

from __future__ import annotations

import shutil
import subprocess
import tomllib
from pathlib import Path

from agent.core.config import cache_dir
from agent.core.errors import InputError
from agent.core.types import TestResult, TestStatus
from editing.patch import file_diff

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"


def bug_names() -> list[str]:
    """The bundled example bugs, by name."""
    bugs = EXAMPLES / "bugs"
    return sorted(p.name for p in bugs.iterdir() if p.is_dir()) if bugs.is_dir() else []


def bug_dir(name: str | None) -> Path:
    if name is None:
        demo = EXAMPLES / "demo" / "demo.toml"
        if not demo.is_file():
            raise InputError(f"no demo configured ({demo} is missing)")
        name = tomllib.loads(demo.read_text())["bug"]
    path = EXAMPLES / "bugs" / name
    if not (path / "repo").is_dir():
        raise InputError(f"no example bug {name!r}", hint=f"known: {', '.join(bug_names())}")
    return path


def fresh_repo(bug: Path, where: Path | None = None) -> Path:
    """A new git repository holding the bug's repo/ (any earlier copy is replaced)."""
    target = (where or cache_dir() / "demo") / bug.name
    if target.exists():
        shutil.rmtree(target)
    shutil.copytree(bug / "repo", target)
    ident = ["-c", "user.email=demo@capuchin", "-c", "user.name=Capuchin demo"]
    for args in (["init", "-q"], ["add", "-A"], [*ident, "commit", "-qm", "Example project"]):
        subprocess.run(["git", "-C", str(target), *args], check=True, capture_output=True)
    return target


def hidden_test_files(bug: Path) -> dict[str, str]:
    """The tests the agent never saw, as files to add under tests/."""
    return {f"tests/{p.name}": p.read_text() for p in sorted((bug / "hidden_tests").glob("test_*.py"))}


def visible_test_files(repo: Path) -> list[str]:
    """The example repository's own test files (the ones the agent sees)."""
    return sorted(str(p.relative_to(repo)) for p in (repo / "tests").rglob("test_*.py"))


def run_hidden_tests(sandbox, repo: Path, bug: Path, patch: str, timeout_s: float | None = None) -> TestResult:
    """Judge ``patch`` as SWE-bench does: apply it and the bug's hidden tests to ``repo`` in
    ``sandbox``, then run the hidden tests (the fix works) *and* the repository's own tests
    (it breaks nothing). A patch is correct when every one passes (``all_passed``)."""
    hidden = hidden_test_files(bug)
    tests_patch = "".join(file_diff(path, None, text) for path, text in hidden.items())
    return sandbox.run(repo, patch=patch + tests_patch, tests=[*hidden, *visible_test_files(repo)],
                       timeout_s=timeout_s)


def is_hidden(test_id: str) -> bool:
    return Path(test_id.split("::")[0]).name.startswith("test_hidden_")


def all_passed(result: TestResult) -> bool:
    return bool(result.tests) and all(s == TestStatus.PASSED for s in result.tests.values())
