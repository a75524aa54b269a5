"""The local fallback: a temporary copy, a virtualenv, process-group kill on timeout."""

from __future__ import annotations

import time
import warnings

import pytest

from agent.core.types import TestStatus as Status
from sandbox.config import SandboxConfig
from sandbox.local_backend import LocalSandbox, run_killable


@pytest.fixture(scope="module")
def local():
    with warnings.catch_warnings():  # the isolation warning is tested in test_open_sandbox
        warnings.simplefilter("ignore")
        return LocalSandbox(SandboxConfig(backend="local", timeout_s=60))


def test_run_killable_stops_the_whole_group_on_cancellation(tmp_path):
    import threading

    from agent.core.cancel import CancelToken

    token = CancelToken()
    threading.Timer(0.5, token.cancel).start()
    out, code, timed_out, duration = run_killable(["bash", "-c", "sleep 60 & sleep 60; echo never"], 120.0,
                                                  tmp_path, cancel=token)
    assert "never" not in out
    assert code != 0
    assert not timed_out
    assert duration < 60  # the 60 s sleep was killed, not waited for


def test_run_killable_kills_the_whole_group(tmp_path):
    # the shell forks a grandchild that would keep stdout open for 60 s if it survived
    start = time.monotonic()
    out, code, timed_out, _ = run_killable(["bash", "-c", "sleep 60 & sleep 60; echo never"], 1.0, tmp_path)
    assert timed_out
    assert code is None
    assert "never" not in out
    assert time.monotonic() - start < 10


@pytest.mark.slow
def test_local_run_with_patch_and_unknown_id(local, tiny_repo, fix_patch):
    before = local.run(tiny_repo, tests=["tests/test_add.py::test_add"])
    assert before.tests == {"tests/test_add.py::test_add": Status.FAILED}
    after = local.run(tiny_repo, patch=fix_patch, tests=["tests/test_add.py::test_add", "tests/test_add.py::nope"])
    assert after.tests["tests/test_add.py::test_add"] == Status.PASSED
    assert after.tests["tests/test_add.py::nope"] == Status.ERROR
    assert "nope" in after.error
    # the user's repository is never touched
    assert "a - b" in (tiny_repo / "pkg" / "__init__.py").read_text()


@pytest.mark.slow
def test_local_timeout(local, tiny_repo):
    (tiny_repo / "tests" / "test_hang.py").write_text("import time\n\ndef test_hang():\n    time.sleep(600)\n")
    result = local.run(tiny_repo, tests=["tests/test_hang.py"], timeout_s=2)
    assert result.timed_out
    assert result.duration_s < 20
