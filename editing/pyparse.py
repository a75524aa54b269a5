"""``ast.parse`` without the noise: repository code with old-style escapes ("\\*") makes the
compiler warn (DeprecationWarning/SyntaxWarning) on every parse, which would spam a run's stderr."""

from __future__ import annotations

import ast
import warnings


def parse(text: str) -> ast.Module:
    """``ast.parse(text)`` with compile-time warnings silenced; raises what ``ast.parse`` raises."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return ast.parse(text)
