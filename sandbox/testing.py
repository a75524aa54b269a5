"""A tiny real project for exercising sandboxes: an installable package whose ``add`` subtracts,
its tests, and the fix. Shared by the sandbox tests and the overhead benchmark."""

from __future__ import annotations

import subprocess
from pathlib import Path

TINY_FIX = """--- a/pkg/__init__.py
+++ b/pkg/__init__.py
@@ -1,2 +1,2 @@
 def add(a, b):
-    return a - b
+    return a + b
"""
TINY_TESTS = ["tests/test_add.py"]


def make_tiny_repo(root: Path, name: str = "tinypkg") -> Path:
    """Write and commit the project at ``root``. ``name`` is the distribution name (it feeds the
    image's content hash, so a benchmark can keep its images apart from the tests' ones).
    ``test_slow`` sleeps for ``$SLOW`` seconds (0 by default) for timeout tests."""
    (root / "pkg").mkdir(parents=True)
    (root / "tests").mkdir()
    (root / "pyproject.toml").write_text(
        '[build-system]\nrequires = ["setuptools>=61"]\nbuild-backend = "setuptools.build_meta"\n'
        f'[project]\nname = "{name}"\nversion = "0.1"\n[tool.setuptools]\npackages = ["pkg"]\n'
    )
    (root / "pkg" / "__init__.py").write_text("def add(a, b):\n    return a - b\n")
    (root / "tests" / "test_add.py").write_text(
        "import time\nfrom pkg import add\n\n\ndef test_add():\n    assert add(1, 2) == 3\n\n\n"
        "def test_other():\n    assert True\n\n\ndef test_slow():\n    time.sleep(float(__import__('os').environ.get('SLOW', '0')))\n"
    )
    git = ["git", "-C", str(root), "-c", "user.name=t", "-c", "user.email=t@t"]
    subprocess.run([*git, "init", "-q"], check=True)
    subprocess.run([*git, "add", "-A"], check=True)
    subprocess.run([*git, "commit", "-qm", "init"], check=True)
    return root
