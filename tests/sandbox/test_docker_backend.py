"""The Docker backend end to end on the real engine, with a tiny repository made in tmp_path."""

from __future__ import annotations

import pytest

from agent.core.types import TestStatus as Status
from sandbox.config import SandboxConfig

pytestmark = [pytest.mark.docker, pytest.mark.slow]


@pytest.fixture(scope="module")
def sandbox():
    from sandbox.docker_backend import DockerSandbox
    from sandbox.engine import docker_available

    if not docker_available():
        pytest.skip("no Docker engine")
    return DockerSandbox(SandboxConfig(backend="docker", timeout_s=120))


def _leftover_runs(sb) -> list:
    import os

    from sandbox.labels import LABEL, OWNER_PID

    return [c for c in sb.client.containers.list(all=True, ignore_removed=True, filters={"label": f"{LABEL}=run"})
            if c.labels.get(OWNER_PID) == str(os.getpid())]


def test_run_without_and_with_fix(sandbox, tiny_repo, fix_patch):
    before = sandbox.run(tiny_repo, tests=["tests/test_add.py::test_add", "tests/test_add.py::test_other"])
    assert before.applied, before.apply_error
    assert before.tests == {"tests/test_add.py::test_add": Status.FAILED,
                            "tests/test_add.py::test_other": Status.PASSED}, before.output[-3000:]
    after = sandbox.run(tiny_repo, patch=fix_patch, tests=["tests/test_add.py::test_add"])
    assert after.tests == {"tests/test_add.py::test_add": Status.PASSED}, after.output[-3000:]
    assert after.exit_code == 0
    assert not _leftover_runs(sandbox), [c.status for c in _leftover_runs(sandbox)]


def test_uncommitted_changes_are_tested_without_rebuild(sandbox, tiny_repo):
    image = sandbox.image_for(tiny_repo)
    (tiny_repo / "pkg" / "__init__.py").write_text("def add(a, b):\n    return a + b\n")
    result = sandbox.run(tiny_repo, tests=["tests/test_add.py::test_add"])
    assert result.passed("tests/test_add.py::test_add")
    assert sandbox.image_for(tiny_repo) == image


def test_unknown_test_ids_are_reported(sandbox, tiny_repo):
    result = sandbox.run(tiny_repo, tests=["tests/test_add.py::test_other", "tests/test_add.py::test_nope"])
    assert result.tests["tests/test_add.py::test_other"] == Status.PASSED
    assert result.tests["tests/test_add.py::test_nope"] == Status.ERROR
    assert "test_nope" in (result.error or "")


def test_patch_that_does_not_apply(sandbox, tiny_repo):
    bad = "--- a/pkg/__init__.py\n+++ b/pkg/__init__.py\n@@ -1,2 +1,2 @@\n def nothing():\n-    x\n+    y\n"
    result = sandbox.run(tiny_repo, patch=bad, tests=["tests/test_add.py"])
    assert not result.applied
    assert result.apply_error
    assert result.tests == {}


def test_fuzzy_patch_applies(sandbox, tiny_repo):
    (tiny_repo / "pkg" / "__init__.py").write_text("# header\n\ndef add(a, b):\n    return a - b\n")
    stale = "--- a/pkg/__init__.py\n+++ b/pkg/__init__.py\n@@ -5,2 +5,2 @@\n def add(a, b):\n-    return a - b\n+    return a + b\n"
    result = sandbox.run(tiny_repo, patch=stale, tests=["tests/test_add.py::test_add"])
    assert result.applied
    assert result.passed("tests/test_add.py::test_add")


def test_timeout_kills_and_removes_the_container(sandbox, tiny_repo):
    (tiny_repo / "tests" / "test_hang.py").write_text("import time\n\ndef test_hang():\n    time.sleep(600)\n")
    result = sandbox.run(tiny_repo, tests=["tests/test_hang.py"], timeout_s=3)
    assert result.timed_out
    assert result.duration_s < 30
    assert not _leftover_runs(sandbox)


def test_network_is_disabled_but_localhost_works(sandbox, tiny_repo):
    """Regression: `network_disabled` dropped /etc/hosts, so suites serving on 'localhost' failed."""
    (tiny_repo / "tests" / "test_net.py").write_text(
        "import socket\n\ndef test_net():\n    socket.create_connection(('pypi.org', 443), timeout=3)\n\n\n"
        "def test_localhost():\n    srv = socket.create_server(('localhost', 0))\n"
        "    socket.create_connection(('localhost', srv.getsockname()[1]), timeout=3).close()\n"
    )
    result = sandbox.run(tiny_repo, tests=["tests/test_net.py"])
    assert result.tests["tests/test_net.py::test_net"] == Status.FAILED
    assert result.tests["tests/test_net.py::test_localhost"] == Status.PASSED


def test_orphans_of_dead_callers_are_collected(sandbox):
    """A caller killed with SIGKILL never runs its `finally`; gc finds its containers by label."""
    import socket
    import subprocess

    from sandbox.docker_backend import remove_orphans
    from sandbox.gc import collect
    from sandbox.labels import LABEL, OWNER_HOST, OWNER_PID

    dead = subprocess.Popen(["true"])
    dead.wait()
    image = sandbox.client.images.list(filters={"label": f"{LABEL}=base"})[0]
    labels = {LABEL: "run", OWNER_PID: str(dead.pid), OWNER_HOST: socket.gethostname()}
    first = sandbox.client.containers.create(image.id, ["true"], labels=labels)
    second = sandbox.client.containers.create(image.id, ["true"], labels=labels)
    assert remove_orphans(sandbox.client) >= 2
    names = {c.name for c in sandbox.client.containers.list(all=True, ignore_removed=True, filters={"label": LABEL})}
    assert first.name not in names
    assert second.name not in names
    report = collect(sandbox.client, max_age_h=1e6, dry_run=True)
    assert report["images"] == []  # nothing is that old; base images are kept anyway


def test_kill_running_stops_runs_in_other_threads(sandbox, tiny_repo):
    """What Ctrl-C does in `validate`: waiting threads return at once and nothing is left behind."""
    import threading
    import time

    (tiny_repo / "tests" / "test_hang.py").write_text("import time\n\ndef test_hang():\n    time.sleep(600)\n")
    results = []
    worker = threading.Thread(target=lambda: results.append(sandbox.run(tiny_repo, tests=["tests/test_hang.py"])))
    worker.start()
    deadline = time.monotonic() + 60
    while not _leftover_runs(sandbox) and time.monotonic() < deadline:
        time.sleep(0.2)
    time.sleep(1)
    assert sandbox.kill_running() >= 1
    worker.join(timeout=30)
    assert not worker.is_alive()
    assert results[0].error
    assert not results[0].passed("tests/test_hang.py::test_hang")
    assert not _leftover_runs(sandbox)


def test_a_cancelled_token_removes_the_run_in_flight(sandbox, tiny_repo):
    """What the TUI's Esc and the bot's time limit do: the container goes at once, none is left."""
    import threading
    import time

    from agent.core.cancel import CancelToken

    (tiny_repo / "tests" / "test_hang.py").write_text("import time\n\ndef test_hang():\n    time.sleep(600)\n")
    token, results = CancelToken(), []
    worker = threading.Thread(target=lambda: results.append(
        sandbox.run(tiny_repo, tests=["tests/test_hang.py"], cancel=token)))
    worker.start()
    deadline = time.monotonic() + 60
    while not _leftover_runs(sandbox) and time.monotonic() < deadline:
        time.sleep(0.2)
    time.sleep(1)
    token.cancel("test")
    worker.join(timeout=30)
    assert not worker.is_alive()
    assert not results[0].passed("tests/test_hang.py::test_hang")
    assert not results[0].timed_out  # stopped by the token, not by the 120 s timeout
    assert not _leftover_runs(sandbox)


def test_a_container_started_ahead_runs_like_a_fresh_one_and_is_removed(sandbox, tiny_repo, fix_patch):
    from dataclasses import replace

    from sandbox.docker_backend import RunRequest
    from sandbox.infer import local_spec
    from sandbox.worktree import worktree_tar

    req = RunRequest(image=sandbox.image_for(tiny_repo), env=local_spec(tiny_repo).env, patches=[fix_patch],
                     tests=["tests/test_add.py::test_add"], tree=worktree_tar(tiny_repo), timeout_s=60)
    warm = sandbox.start_warm(req)
    assert len(_leftover_runs(sandbox)) == 1  # started, waiting for its files
    result = sandbox.run_in_image(replace(req, warm=warm))
    assert result.tests == {"tests/test_add.py::test_add": Status.PASSED}, result.output[-3000:]
    assert warm.take() is None  # used once
    assert not _leftover_runs(sandbox)
    unused = sandbox.start_warm(req)
    unused.discard()
    assert not _leftover_runs(sandbox)
