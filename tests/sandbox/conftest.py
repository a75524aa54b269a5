"""Fixtures: a tiny real git repository with a bug and a fix for it."""

from __future__ import annotations

from pathlib import Path

import pytest

from sandbox.testing import TINY_FIX, make_tiny_repo


@pytest.fixture
def tiny_repo(tmp_path: Path) -> Path:
    return make_tiny_repo(tmp_path / "repo")


@pytest.fixture
def fix_patch() -> str:
    return TINY_FIX
