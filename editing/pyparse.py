"""``ast.parse`` without the noise, safe from threads.

Repository code with old-style escapes ("\\*") makes the compiler warn (DeprecationWarning/
SyntaxWarning) on every parse, which would spam a run's stderr. And the pipeline applies
samples from several threads at once: CPython 3.11's AST constructor keeps its recursion depth
in per-interpreter state, so two threads parsing together can fail with "SystemError: AST
constructor recursion depth mismatch" (python/cpython#106905; seen in CI here), and
``warnings.catch_warnings`` swaps the process-wide filter list. One lock serialises both;
parsing holds the GIL anyway, so nothing is lost.
"""

from __future__ import annotations

import ast
import threading
import warnings

_LOCK = threading.Lock()


def parse(text: str) -> ast.Module:
    """``ast.parse(text)`` with compile-time warnings silenced; raises what ``ast.parse`` raises."""
    with _LOCK, warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return ast.parse(text)
