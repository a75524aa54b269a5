"""Choosing a backend: docker, local, or auto (Docker when it answers, else local with a warning)."""

from __future__ import annotations

import pytest

import sandbox.local_backend as lb
from agent.core.errors import DockerUnavailable
from agent.core.protocols import Sandbox
from sandbox import open_sandbox
from sandbox.config import SandboxConfig


@pytest.fixture
def no_docker(monkeypatch):
    monkeypatch.setenv("DOCKER_HOST", "unix:///nonexistent/capuchin-test.sock")


def test_docker_backend_without_engine_is_a_user_error(no_docker):
    with pytest.raises(DockerUnavailable, match="no Docker engine answers") as info:
        open_sandbox(SandboxConfig(backend="docker"))
    assert "--backend local" in info.value.hint


def test_auto_falls_back_to_local_with_a_warning(no_docker):
    with pytest.warns(RuntimeWarning, match="no Docker engine answers.*isolates much less"):
        sb = open_sandbox(SandboxConfig(backend="auto"))
    assert isinstance(sb, lb.LocalSandbox)
    assert isinstance(sb, Sandbox)


def test_local_backend_warns_once(monkeypatch):
    monkeypatch.setattr(lb, "_warned", False)
    with pytest.warns(RuntimeWarning, match="isolates much less than Docker"):
        open_sandbox(SandboxConfig(backend="local"))


@pytest.mark.docker
def test_auto_picks_docker_when_it_answers():
    from sandbox.docker_backend import DockerSandbox
    from sandbox.engine import docker_available

    if not docker_available():
        pytest.skip("no Docker engine")
    assert isinstance(open_sandbox(SandboxConfig(backend="auto")), DockerSandbox)
