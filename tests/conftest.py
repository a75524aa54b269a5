"""Shared fixtures: scripted model server, small git repositories."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest


def git(repo: Path, *args: str) -> str:
    return subprocess.run(
        ["git", "-C", str(repo), *args], check=True, capture_output=True, text=True
    ).stdout


@pytest.fixture
def make_repo(tmp_path):
    """Create a git repository from a {path: text} mapping and commit it."""

    def make(files: dict[str, str], name: str = "repo") -> Path:
        repo = tmp_path / name
        for rel, text in files.items():
            path = repo / rel
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text)
        git(repo.parent, "init", "-q", str(repo))
        git(repo, "-c", "user.email=t@example.com", "-c", "user.name=t", "add", "-A")
        git(repo, "-c", "user.email=t@example.com", "-c", "user.name=t", "commit", "-qm", "init")
        return repo

    return make


@pytest.fixture(autouse=True)
def _isolated_config(tmp_path_factory, monkeypatch):
    """Keep the developer's own ~/.config/capuchin and CAPUCHIN_* variables out of tests."""
    home = tmp_path_factory.mktemp("xdg")
    monkeypatch.setenv("XDG_CONFIG_HOME", str(home / "config"))
    for var in list(__import__("os").environ):
        if var.startswith("CAPUCHIN_") and var != "CAPUCHIN_CACHE_DIR":
            monkeypatch.delenv(var, raising=False)
