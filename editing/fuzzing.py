"""Hostile model answers for property tests (hypothesis strategies) and the properties they check.

Used by ``tests/editing/test_fuzz_answers.py`` (a fast profile in CI) and
``benchmarks/fuzz_editor.py`` (the long profile). Needs ``hypothesis`` (a dev dependency); nothing
in the pipeline imports this module.

The properties, for any answer: ``apply_answer`` raises nothing but ``EditError``; it writes
nothing to disk (inside or outside the work tree, ``.git/`` included); and the diff it reports
applies with ``git apply`` to a copy of the repository and changes exactly the files it names,
each into exactly the text the editor computed.
"""

from __future__ import annotations

import hashlib
import shutil
import subprocess
from pathlib import Path

from hypothesis import strategies as st

from editing.apply import apply_answer
from editing.errors import EditError

MODULE = '''"""Prices."""

import math


def total(items, tax=0.2):
    """Sum with tax."""
    # keep the rounding
    return round(sum(items) * (1 + tax), 2)


class Cart:
    def __init__(self):
        self.items = []

    def add(self, price):
        self.items.append(price)
        return len(self.items)
'''

PATHS = ["shop/prices.py", "shop/__init__.py", "shop/missing.py", "../outside/secret.py", "/etc/passwd",
         ".git/config", ".git/hooks/pre-commit", "escape/secret.py", "shop/../shop/prices.py", "", " ",
         "shop/prices.py\x00", "shöp/prïces.py", "shop\\prices.py", "tests/test_prices.py", "C:/x.py",
         "shop/" + "d/" * 40 + "deep.py", "link_loop/x.py"]

CODE = [
    "def total(items, tax=0.2):\n    return sum(items) * (1 + tax)\n",
    "def total(items, tax=0.2):\n    \"\"\"Sum with tax.\"\"\"\n    return round(sum(items), 2)\n",
    "class Cart:\n    def add(self, price):\n        self.items.insert(0, price)\n",
    "def total(items, tax=0.2):\n    return (",  # truncated
    "def total(items, tax=0.2):\r\n\treturn 1\r\n",  # CRLF and tabs
    "def tötal(ïtems):\n    return ïtems\n",  # unicode identifiers
    "def total(items):\n    return '\x00\x07\x1b[31m'\n",  # control characters
    "def total(items):\n    return '\udcff'\n",  # a lone surrogate (not encodable as UTF-8)
    "function total(items) { return 0; }\n",  # another language
    "import os\nos.system('rm -rf /')\n",  # never executed, only parsed
    "def total(items):\n    ...\n",  # an elision
    "class Cart:\n    # ... existing methods ...\n    def add(self, price):\n        return 0\n",
    "",
    "def total(items, tax=0.2):\n" + "    x = 1\n" * 3000 + "    return x\n",  # huge
    "def f(" + "(" * 500 + ")" * 500 + "):\n    pass\n",  # deeply nested
    "@decorator\nasync def total(items):\n    return 0\n",
]

FENCES = ["```python\n{code}```", "```\n{code}```", "```py\n{code}", "~~~python\n{code}~~~", "{code}",
          "```python\n{code}```\n```python\n{code}```", "````\n{code}````"]

HEADERS = ["### {path}\n", "{path}\n", "File: {path}\n", "# {path}\n", "", "```python {path}\n"]


@st.composite
def search_replace(draw) -> str:
    path = draw(st.sampled_from(PATHS))
    search = draw(st.sampled_from(["    return len(self.items)\n", "import math\n", "", "not in the file\n",
                                   "        self.items = []\n", "\n", "    ...\n"]))
    replace = draw(st.sampled_from(["    return 0\n", "", "import math, os\n", "\udcff\n"]))
    return f"{path}\n<<<<<<< SEARCH\n{search}=======\n{replace}>>>>>>> REPLACE\n"


@st.composite
def code_block(draw) -> str:
    header = draw(st.sampled_from(HEADERS)).format(path=draw(st.sampled_from(PATHS)))
    code = draw(st.sampled_from(CODE))
    if draw(st.booleans()):
        code = draw(st.text(max_size=200)) + code
    return header + draw(st.sampled_from(FENCES)).format(code=code)


def answers() -> st.SearchStrategy[str]:
    """Answers made of prose, code blocks, search/replace blocks, diffs and junk, in any order."""
    piece = st.one_of(code_block(), search_replace(), st.text(max_size=300),
                      st.sampled_from(["```diff\n--- a/shop/prices.py\n+++ b/shop/prices.py\n@@ -1 +1 @@\n-x\n+y\n```",
                                       "<think>", "</think>", "```", "\r\n", "\x00"]))
    return st.lists(piece, min_size=0, max_size=4).map("\n\n".join)


def make_hostile_repo(root: Path) -> Path:
    """A git repository with a symlink pointing out of it, a symlink loop and a file outside it."""
    outside = root / "outside"
    outside.mkdir(parents=True)
    (outside / "secret.py").write_text("TOKEN = 'do-not-touch'\n")
    repo = root / "repo"
    (repo / "shop").mkdir(parents=True)
    (repo / "shop" / "__init__.py").write_text("")
    (repo / "shop" / "prices.py").write_text(MODULE)
    (repo / "tests").mkdir()
    (repo / "tests" / "test_prices.py").write_text("from shop.prices import total\n\n\ndef test_total():\n"
                                                   "    assert total([1]) == 1.2\n")
    (repo / "escape").symlink_to(outside, target_is_directory=True)
    (repo / "link_loop").symlink_to("link_loop")
    for args in (["init", "-q"], ["add", "-A"], ["-c", "user.email=f@z", "-c", "user.name=f", "commit", "-qm", "i"]):
        subprocess.run(["git", "-C", str(repo), *args], check=True, capture_output=True)
    return repo


def fingerprint(root: Path) -> dict[str, str]:
    """Every file under ``root`` (symlinks not followed) with a hash of its content."""
    out = {}
    for path in sorted(root.rglob("*")):
        if path.is_symlink():
            out[str(path.relative_to(root))] = "-> " + str(path.readlink())
        elif path.is_file():
            out[str(path.relative_to(root))] = hashlib.sha256(path.read_bytes()).hexdigest()
    return out


def check_answer(repo: Path, answer: str, scratch: Path) -> str:
    """Apply ``answer`` and check the properties; returns 'applied' or 'refused'. Any other
    exception, or an AssertionError, is a bug."""
    try:
        result = apply_answer(repo, answer, context_paths=["shop/prices.py"])
    except EditError as exc:
        if not str(exc):
            raise AssertionError("an EditError must say why") from None
        return "refused"
    for path in result.files:
        parts = Path(path).parts
        assert not Path(path).is_absolute(), path
        assert ".." not in parts, path
        assert parts, path
        assert parts[0] != ".git", path
        assert not (repo / path).resolve().is_relative_to(repo.parent / "outside"), path
    copy = scratch / "copy"
    shutil.rmtree(copy, ignore_errors=True)
    shutil.copytree(repo, copy, symlinks=True)
    done = subprocess.run(["git", "-C", str(copy), "apply", "-"], input=result.diff.encode("utf-8"),
                          capture_output=True)
    assert done.returncode == 0, done.stderr.decode(errors="replace")
    changed = subprocess.run(["git", "-c", "core.quotepath=off", "-C", str(copy), "status", "--porcelain", "-uall"], capture_output=True,
                             text=True).stdout.splitlines()
    assert sorted(line[3:] for line in changed) == sorted(result.files), (changed, result.files)
    return "applied"
