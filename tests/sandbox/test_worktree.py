"""What of a working tree the sandbox copies into a run (sandbox/worktree.py), on real git repositories."""

from __future__ import annotations

import subprocess
from pathlib import Path

from sandbox.worktree import worktree_files, worktree_tar


def git(cwd: Path, *args: str) -> str:
    return subprocess.run(["git", "-c", "user.name=t", "-c", "user.email=t@t", "-c", "protocol.file.allow=always",
                           *args], cwd=cwd, check=True, capture_output=True, text=True).stdout.strip()


def test_a_checked_out_submodule_travels_with_the_tree_and_an_untracked_nested_repository_does_not(tmp_path):
    """astropy 3.x builds through its astropy_helpers submodule: git lists a submodule as one entry,
    which is not a file, so the build saw an empty directory even after `git submodule update --init`."""
    helpers = tmp_path / "helpers"
    helpers.mkdir()
    git(helpers, "init", "-q")
    (helpers / "ah.py").write_text("HELP = 1\n")
    git(helpers, "add", "-A")
    git(helpers, "commit", "-qm", "helpers")
    repo = tmp_path / "repo"
    repo.mkdir()
    git(repo, "init", "-q")
    (repo / "setup.py").write_text("import ah_bootstrap\n")
    git(repo, "submodule", "add", "-q", str(helpers), "astropy_helpers")
    git(repo, "add", "-A")
    git(repo, "commit", "-qm", "with helpers")
    (repo / "scratch").mkdir()
    git(repo / "scratch", "init", "-q")  # someone else's clone inside: untracked, not ignored
    (repo / "scratch" / "other.py").write_text("x = 1\n")
    (repo / "new.py").write_text("y = 2\n")  # untracked files of the repository itself still travel

    files = worktree_files(repo)
    assert "astropy_helpers/ah.py" in files
    assert {"setup.py", ".gitmodules", "new.py"} <= set(files)
    assert not any(f.startswith("scratch") for f in files)
    assert "astropy_helpers" not in files

    import io
    import tarfile

    with tarfile.open(fileobj=io.BytesIO(worktree_tar(repo))) as tar:
        assert tar.extractfile("astropy_helpers/ah.py").read() == b"HELP = 1\n"
