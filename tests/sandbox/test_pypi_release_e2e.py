"""A real released project end to end on the real engine, also on a machine with no fetched
repositories: six 1.16.0's source release from PyPI, made a git repository, installed in a
sandbox image, and its own test suite run without and with a patch that breaks one function."""

from __future__ import annotations

import subprocess
import sys
import tarfile
from pathlib import Path

import pytest

from agent.core.types import TestStatus
from editing.patch import file_diff
from sandbox import open_sandbox
from sandbox.config import SandboxConfig

pytestmark = [pytest.mark.docker, pytest.mark.slow]


@pytest.fixture(scope="module")
def six_repo(tmp_path_factory):
    from sandbox.engine import docker_available

    if not docker_available():
        pytest.skip("no Docker engine")
    dl = tmp_path_factory.mktemp("dl")
    subprocess.run([sys.executable, "-m", "pip", "download", "-q", "--no-deps", "--no-binary", ":all:",
                    "-d", str(dl), "six==1.16.0"], check=True)
    with tarfile.open(next(dl.glob("six-1.16.0.tar.gz"))) as tar:
        tar.extractall(dl, filter="data")
    repo = dl / "six-1.16.0"
    ident = ["-c", "user.email=t@e", "-c", "user.name=t"]
    for args in (["init", "-q"], ["add", "-A"], [*ident, "commit", "-qm", "six 1.16.0"]):
        subprocess.run(["git", "-C", str(repo), *args], check=True)
    return repo


def test_release_tests_pass_and_a_breaking_patch_is_caught(six_repo: Path):
    sandbox = open_sandbox(SandboxConfig(backend="docker"))
    clean = sandbox.run(six_repo, tests=["test_six.py"], timeout_s=600)
    passed = [t for t, s in clean.tests.items() if s == TestStatus.PASSED]
    assert len(passed) > 150, clean.output[-2000:]
    assert clean.passed("test_six.py::test_u")

    source = (six_repo / "six.py").read_text()
    broken = source.replace("    def u(s):\n        return s\n", "    def u(s):\n        return s.upper()\n", 1)
    assert broken != source
    result = sandbox.run(six_repo, patch=file_diff("six.py", source, broken), tests=["test_six.py"], timeout_s=600)
    assert result.applied
    assert result.tests["test_six.py::test_u"] == TestStatus.FAILED
    assert (six_repo / "six.py").read_text() == source  # the user's tree is never touched
