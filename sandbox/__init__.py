"""Isolated test runs: Docker images in layers, per-test results, a local fallback.

Entry points for the pipeline::

    sandbox = open_sandbox(settings.sandbox, bus)     # agent.core.protocols.Sandbox
    result = sandbox.run(repo, patch=diff, tests=["tests/test_x.py::test_y"], timeout_s=120)
    regression = select_regression_tests(repo, ["pkg/mod.py"])
"""

from __future__ import annotations

import warnings
from pathlib import Path
from typing import TYPE_CHECKING

from agent.core.errors import DockerUnavailable
from agent.core.loader import load_object

if TYPE_CHECKING:
    from agent.core.events import EventBus
    from agent.core.protocols import Sandbox
    from sandbox.config import SandboxConfig

# backend name -> "module:class" (STYLE: implementations chosen by a name -> import-path map)
BACKENDS = {
    "docker": "sandbox.docker_backend:DockerSandbox",
    "local": "sandbox.local_backend:LocalSandbox",
}

LOCAL_WARNING = ("no Docker engine answers: tests run in the local fallback (a temporary copy, a "
                 "virtualenv, bubblewrap: {bwrap}), which isolates much less than a container")


def _backend_class(name: str) -> type:
    return load_object(BACKENDS[name])


def open_sandbox(config: SandboxConfig, bus: EventBus | None = None) -> Sandbox:
    """The sandbox ``config.backend`` asks for; 'auto' is Docker when it answers, else local with a warning.

    Raises ``DockerUnavailable`` for backend='docker' when no engine answers.
    """
    if config.backend == "auto":
        try:
            return _backend_class("docker")(config, bus)
        except DockerUnavailable:
            from sandbox.local_backend import bwrap_usable

            message = LOCAL_WARNING.format(bwrap="yes" if bwrap_usable() else "not available")
            warnings.warn(message, RuntimeWarning, stacklevel=2)
            if bus is not None:
                bus.emit("log", "sandbox", "warning: " + message)
            return _backend_class("local")(config, bus, warn=False)
    return _backend_class(config.backend)(config, bus)


def open_instance_sandbox(config: SandboxConfig, instance: dict, bus: EventBus | None = None, *,
                          with_test_patch: bool = False) -> Sandbox:
    """A Docker sandbox bound to one SWE-bench instance (a dataset row): runs use its instance image."""
    from sandbox.docker_backend import DockerSandbox
    from sandbox.swebench import InstanceRunner, InstanceSandbox

    return InstanceSandbox(InstanceRunner(DockerSandbox(config, bus)), instance, with_test_patch=with_test_patch)


def select_regression_tests(repo: Path, changed_files: list[str], *, graph: object | None = None,
                            limit: int | None = None, indirect_cap: int = 20) -> list[str]:
    """Existing test files that exercise ``changed_files`` (naming conventions, direct and indirect
    imports; see ``sandbox.select``).

    ``graph``: optionally a code graph with ``importers`` (e.g. ``retrieval.graph.CodeGraph``).
    """
    from sandbox.select import select_regression_tests as select

    return select(repo, changed_files, graph=graph, limit=limit, indirect_cap=indirect_cap)


__all__ = ["BACKENDS", "open_instance_sandbox", "open_sandbox", "select_regression_tests"]
