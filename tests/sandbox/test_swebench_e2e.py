"""A real dev-set instance end to end on the real engine: psf__requests-1142 validates.

Builds its image from the local mirror (cached across runs by content hash), runs the
test file its test patch touches without and with the gold patch, and checks that
FAIL_TO_PASS is exactly the test the upstream pull request added.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from sandbox.config import SandboxConfig

pytestmark = [pytest.mark.docker, pytest.mark.slow]

# CI lays shared/ beside the clone; a developer's checkout sits at /work/main beside /work/shared.
DATASET = Path(__file__).resolve().parents[3] / "shared" / "data" / "swebench-dev.jsonl"
INSTANCE = "psf__requests-1142"
# the development machine's git histories unless sandbox.repos says otherwise
REPOS = Path(os.environ.get("CAPUCHIN_SANDBOX__REPOS", "/work/.mirror"))


def test_requests_instance_validates():
    from sandbox.docker_backend import DockerSandbox
    from sandbox.engine import docker_available
    from sandbox.swebench import InstanceRunner, load_instances
    from sandbox.validate import validate_instance

    if not docker_available():
        pytest.skip("no Docker engine")
    if not DATASET.is_file() or not (REPOS / "psf+requests" / "repo").exists():
        pytest.skip("dev set or psf/requests mirror not on this machine")
    row = load_instances(DATASET, [INSTANCE])[0]
    runner = InstanceRunner(DockerSandbox(SandboxConfig(backend="docker", repos=str(REPOS))), timeout_s=600)
    record = validate_instance(runner, row)
    assert record["status"] == "validated", record.get("reason")
    assert record["FAIL_TO_PASS"] == row["touched_tests"]
    assert not record["PASS_TO_FAIL"]


def test_instance_sandbox_runs_a_candidate_in_the_instance_image():
    from sandbox import open_instance_sandbox
    from sandbox.engine import docker_available
    from sandbox.swebench import load_instances

    if not docker_available() or not DATASET.is_file() or not (REPOS / "psf+requests" / "repo").exists():
        pytest.skip("needs Docker, the dev set and the psf/requests mirror")
    row = load_instances(DATASET, [INSTANCE])[0]
    sb = open_instance_sandbox(SandboxConfig(backend="docker", repos=str(REPOS)), row, with_test_patch=True)
    target = row["touched_tests"][0]
    assert not sb.run(Path("."), tests=[target], timeout_s=300).passed(target)
    assert sb.run(Path("."), patch=row["patch"], tests=[target], timeout_s=300).passed(target)
