"""Hostile test code in the sandbox (sandbox/attacks.py): every attack a candidate's test file
could make ends failed, timed out or killed, and leaves no container, process or host file.

Each attack's test passes only if the attack worked, so a passing test id is a breach."""

from __future__ import annotations

import socket

import pytest

from sandbox.attacks import attacks, run_attacks
from sandbox.config import SandboxConfig
from sandbox.testing import make_tiny_repo

pytestmark = [pytest.mark.slow, pytest.mark.filterwarnings("ignore:no Docker engine")]


@pytest.fixture(scope="module")
def listener():
    """A TCP listener on the host's loopback that a contained test must not reach."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen()
    yield server.getsockname()[1]
    server.close()


def _breaches(results: dict) -> dict:
    return {name: r for name, r in results.items() if r["verdict"] == "BREACH" or r["left_behind"]}


@pytest.mark.docker
def test_no_attack_succeeds_in_docker(tmp_path, listener):
    from sandbox.docker_backend import DockerSandbox
    from sandbox.engine import docker_available

    if not docker_available():
        pytest.skip("no Docker engine")
    sandbox = DockerSandbox(SandboxConfig(backend="docker", timeout_s=60, memory="1g", pids_limit=256,
                                          max_file_mb=256))
    repo = make_tiny_repo(tmp_path / "repo")
    results = run_attacks(sandbox, repo, listener, destructive=True)
    assert _breaches(results) == {}
    assert results["sleep_forever"]["verdict"] == "timed out"
    assert results["memory_hog"]["verdict"] == "out of memory"
    assert len(results) == len(attacks(0, ""))
    assert not _own_containers(sandbox)


def _own_containers(sandbox) -> list:
    import os

    from sandbox.labels import LABEL, OWNER_PID

    return [c for c in sandbox.client.containers.list(all=True, ignore_removed=True, filters={"label": LABEL})
            if c.labels.get(OWNER_PID) == str(os.getpid())]


@pytest.mark.timeout(900)
def test_no_contained_attack_succeeds_in_the_local_fallback(tmp_path, listener):
    """Without Docker, bubblewrap contains the network, host paths, the environment and daemons;
    memory, process count and disk are not limited there (README, Safety), so those are skipped."""
    from sandbox.local_backend import LocalSandbox, bwrap_usable

    if not bwrap_usable():
        pytest.skip("bubblewrap is not usable here")
    sandbox = LocalSandbox(SandboxConfig(backend="local", timeout_s=60), warn=False)
    repo = make_tiny_repo(tmp_path / "repo")
    results = run_attacks(sandbox, repo, listener, destructive=False)
    assert _breaches(results) == {}
    assert results["sleep_forever"]["verdict"] == "timed out"
