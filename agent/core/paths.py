"""Which repository paths are tests: one rule for retrieval, editing and the sandbox.

Three copies of this rule had drifted apart (retrieval treated ``testing/`` as tests, editing any
path part starting with "test", the sandbox only pytest's file names). The questions differ, so
there are three functions, each built on the one before.
"""

from __future__ import annotations

import re
from pathlib import PurePosixPath

_TEST_FILE = re.compile(r"(^|/)(test_[^/]*|[^/]*_test)\.py$")
TEST_DIRS = frozenset({"test", "tests", "testing"})
SUPPORT_DIRS = frozenset({"doc", "docs", "doc_src", "docsrc", "example", "examples", "benchmark", "benchmarks"})


def is_test_file(path: str) -> bool:
    """A file pytest collects by default: ``test_*.py`` or ``*_test.py``."""
    return bool(_TEST_FILE.search(path))


def in_test_tree(path: str) -> bool:
    """A test file, a ``conftest.py``, or anything under a ``test``/``tests``/``testing`` directory."""
    parts = PurePosixPath(path).parts
    return is_test_file(path) or parts[-1:] == ("conftest.py",) or bool(TEST_DIRS & set(parts[:-1]))


def is_support_path(path: str) -> bool:
    """Tests, docs, examples and benchmarks: indexed and shown, but not where fixes usually go."""
    parts = PurePosixPath(path).parts
    return in_test_tree(path) or bool(SUPPORT_DIRS & set(parts[:-1])) or path.endswith("_tests.py")
