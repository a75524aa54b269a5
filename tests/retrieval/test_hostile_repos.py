"""Hostile repositories, through the commands a user types: each is indexed and localised, or
refused with a clear message and exit status 2 — never a traceback, never a hang."""

from __future__ import annotations

import json
import os
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest

from agent.cli import main

GOOD = "def parse_header(line):\n    \"\"\"Split a header line.\"\"\"\n    return line.split(':', 1)\n"
ISSUE = "parse_header crashes on a line without a colon"


def _git(repo: Path, *args: str) -> None:
    subprocess.run(["git", "-C", str(repo), *args], check=True, capture_output=True)


def _commit(repo: Path) -> None:
    _git(repo, "add", "-A")
    _git(repo, "-c", "user.email=h@x", "-c", "user.name=h", "commit", "-qm", "init")


def _repo(tmp: Path, files: dict[str, bytes | str]) -> Path:
    repo = tmp / "repo"
    repo.mkdir(parents=True)
    _git(repo, "init", "-q")
    for name, content in files.items():
        path = repo / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(content if isinstance(content, bytes) else content.encode())
    _commit(repo)
    return repo


def non_utf8(tmp: Path) -> Path:
    return _repo(tmp, {"pkg/latin.py": "# caf\xe9\nNAME = 'r\xe9sum\xe9'\n".encode("latin-1"), "pkg/ok.py": GOOD})


def binary_py(tmp: Path) -> Path:
    return _repo(tmp, {"pkg/blob.py": bytes(range(256)) * 64, "pkg/ok.py": GOOD})


def big_source(tmp: Path) -> Path:
    big = "TABLE = [\n" + "    (1, 2, 3),\n" * 2_000_000 + "]\n"  # about 32 MB of real Python
    return _repo(tmp, {"pkg/table.py": big, "pkg/ok.py": GOOD})


def deep_packages(tmp: Path) -> Path:
    deep = "/".join(f"p{i}" for i in range(60))
    return _repo(tmp, {f"{deep}/__init__.py": "", f"{deep}/mod.py": GOOD})


def symlink_loops(tmp: Path) -> Path:
    repo = _repo(tmp, {"pkg/ok.py": GOOD})
    (repo / "pkg" / "loop").symlink_to("loop")
    (repo / "pkg" / "up").symlink_to("..", target_is_directory=True)
    (repo / "pkg" / "dangling.py").symlink_to("nowhere.py")
    _commit(repo)
    return repo


def submodule(tmp: Path) -> Path:
    inner = _repo(tmp / "inner", {"lib.py": GOOD})
    repo = _repo(tmp, {"pkg/ok.py": GOOD})
    subprocess.run(["git", "-C", str(repo), "-c", "protocol.file.allow=always", "submodule", "add", "-q",
                    str(inner), "vendor/inner"], check=True, capture_output=True)
    _commit(repo)
    return repo


def dirty_tree(tmp: Path) -> Path:
    repo = _repo(tmp, {"pkg/ok.py": GOOD})
    (repo / "pkg" / "ok.py").write_text(GOOD + "\nBROKEN = (\n")  # a syntax error, uncommitted
    (repo / "pkg" / "new.py").write_text(GOOD)
    return repo


def detached_head(tmp: Path) -> Path:
    repo = _repo(tmp, {"pkg/ok.py": GOOD})
    (repo / "pkg" / "two.py").write_text(GOOD)
    _commit(repo)
    _git(repo, "checkout", "-q", "HEAD~1")
    return repo


def no_tests(tmp: Path) -> Path:
    return _repo(tmp, {"pkg/ok.py": GOOD, "README.md": "no tests here\n"})


def no_python(tmp: Path) -> Path:
    return _repo(tmp, {"README.md": "# notes\n", "src/main.c": "int main(void) { return 0; }\n"})


def empty_files(tmp: Path) -> Path:
    return _repo(tmp, {"pkg/__init__.py": "", "pkg/empty.py": ""})


INDEXABLE: dict[str, Callable[[Path], Path]] = {
    "non-UTF-8 file": non_utf8, "binary .py": binary_py, "deep packages": deep_packages,
    "symlink loops": symlink_loops, "submodule": submodule, "dirty work tree": dirty_tree,
    "detached HEAD": detached_head, "no tests": no_tests, "no Python": no_python, "only empty files": empty_files,
}


@pytest.mark.timeout(300)
@pytest.mark.parametrize("make", INDEXABLE.values(), ids=INDEXABLE.keys())
def test_hostile_repository_is_indexed_and_localised(make, tmp_path, capsys):
    repo = make(tmp_path)
    issue = tmp_path / "issue.md"
    issue.write_text(ISSUE)
    assert main(["index", str(repo), "--no-dense"]) == 0
    out = capsys.readouterr()
    assert "Traceback" not in out.err
    assert "files" in out.out
    assert main(["localize", str(repo), "--issue", str(issue), "--json", "--no-dense"]) == 0
    located = json.loads(capsys.readouterr().out)
    if make is not no_python and make is not empty_files:
        assert any(loc["qualname"] == "parse_header" for loc in located["locations"])


@pytest.mark.slow
@pytest.mark.timeout(600)
def test_a_32_mb_source_file_does_not_sink_the_index(tmp_path, capsys):
    repo = big_source(tmp_path)
    issue = tmp_path / "issue.md"
    issue.write_text(ISSUE)
    assert main(["localize", str(repo), "--issue", str(issue), "--json", "--no-dense"]) == 0
    located = json.loads(capsys.readouterr().out)
    assert located["locations"][0]["qualname"] == "parse_header"


def test_a_bare_repository_is_refused_clearly(tmp_path, capsys):
    source = _repo(tmp_path, {"pkg/ok.py": GOOD})
    bare = tmp_path / "bare.git"
    subprocess.run(["git", "clone", "-q", "--bare", str(source), str(bare)], check=True)
    issue = tmp_path / "issue.md"
    issue.write_text(ISSUE)
    assert main(["solve", str(bare), "--issue", str(issue)]) == 2
    err = capsys.readouterr().err
    assert "Traceback" not in err
    assert "bare" in err or "work tree" in err or "not a git repository" in err


def test_an_unreadable_file_does_not_stop_indexing(tmp_path, capsys):
    if os.geteuid() == 0:
        pytest.skip("root reads every file")
    repo = _repo(tmp_path, {"pkg/ok.py": GOOD, "pkg/secret.py": GOOD})
    (repo / "pkg" / "secret.py").chmod(0)
    assert main(["index", str(repo), "--no-dense"]) == 0
