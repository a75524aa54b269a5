"""Implementations chosen by name: a ``"module:attribute"`` string, imported on first use.

Config sections, sandbox backends, model transports, embedders and tree-sitter languages are all
picked from a name -> import-path map (no if/elif chains, no heavy imports until one is used).
"""

from __future__ import annotations

import importlib
from typing import Any


def load_object(path: str) -> Any:
    """Import ``module:attribute`` and return the attribute (``attribute`` may be dotted)."""
    module_name, sep, attribute = path.partition(":")
    if not sep or not module_name or not attribute:
        raise ValueError(f"expected 'module:attribute', got {path!r}")
    target: Any = importlib.import_module(module_name)
    for part in attribute.split("."):
        target = getattr(target, part)
    return target
