"""A real dev-set instance end to end on the real engine: psf__requests-1142 validates.

Builds its image from the local mirror (cached across runs by content hash), runs the
test file its test patch touches without and with the gold patch, and checks that
FAIL_TO_PASS is exactly the test the upstream pull request added.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from sandbox.config import SandboxConfig

pytestmark = [pytest.mark.docker, pytest.mark.slow]

DATASET = Path("/work/shared/data/swebench-dev.jsonl")
INSTANCE = "psf__requests-1142"


def test_requests_instance_validates():
    from sandbox.docker_backend import DockerSandbox
    from sandbox.engine import docker_available
    from sandbox.swebench import InstanceRunner, load_instances
    from sandbox.swebench_specs import MIRRORS
    from sandbox.validate import validate_instance

    if not docker_available():
        pytest.skip("no Docker engine")
    if not DATASET.is_file() or not (MIRRORS / "psf+requests" / "repo").exists():
        pytest.skip("dev set or psf/requests mirror not on this machine")
    row = load_instances(DATASET, [INSTANCE])[0]
    runner = InstanceRunner(DockerSandbox(SandboxConfig(backend="docker")), timeout_s=600)
    record = validate_instance(runner, row)
    assert record["status"] == "validated", record.get("reason")
    assert record["FAIL_TO_PASS"] == row["touched_tests"]
    assert not record["PASS_TO_FAIL"]
