"""DockerSandbox.run_in_image's retry without unknown test ids (no Docker: the run itself is faked)."""

from __future__ import annotations

from types import SimpleNamespace

from agent.core.types import TestResult
from sandbox.config import SandboxConfig
from sandbox.docker_backend import DockerSandbox, RunRequest
from sandbox.specs import EnvSpec


def test_the_retry_gets_its_own_container_name():
    client = SimpleNamespace(containers=SimpleNamespace(list=lambda **kw: []))
    sandbox = DockerSandbox(SandboxConfig(), client=client)
    names = []

    def run_once(req):
        names.append(req.name)
        output = "ERROR: not found: t.py::gone\n" if len(names) == 1 else "PASSED t.py::a\n"
        return TestResult(applied=True, exit_code=4, output=output, tests={})

    sandbox._run_once = run_once
    sandbox.run_in_image(RunRequest(image="i", env=EnvSpec(name="x"), tests=["t.py::a", "t.py::gone"], name="c"))
    assert len(names) == 2
    assert names[0] == "c"
    assert names[1] != "c"  # the first may still be being removed in the background: a 409 otherwise
