"""Fixtures for the TUI's tests: the demo bug's repository."""

from __future__ import annotations

from pathlib import Path

import pytest

from tui.testing import demo_repo


@pytest.fixture
def bug_repo(tmp_path) -> Path:
    return demo_repo(tmp_path / "repo")
