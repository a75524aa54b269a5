"""`capuchin sandbox ...` as a user runs it: JSON results, clear errors, exit codes."""

from __future__ import annotations

import json

import pytest

from agent.cli import main


def test_run_on_a_missing_repository_is_a_clear_error(tmp_path, capsys):
    assert main(["sandbox", "run", "--repo", str(tmp_path / "nope"), "--tests", "t.py"]) == 2
    assert "is not a directory" in capsys.readouterr().err


def test_run_with_a_missing_patch_file(tiny_repo, tmp_path, capsys):
    code = main(["sandbox", "run", "--repo", str(tiny_repo), "--patch", str(tmp_path / "x.diff")])
    assert code == 2
    assert "does not exist" in capsys.readouterr().err


def test_build_needs_exactly_one_target(capsys):
    assert main(["sandbox", "build"]) == 2
    assert "exactly one of" in capsys.readouterr().err


def test_validate_with_a_missing_dataset(tmp_path, capsys):
    code = main(["sandbox", "validate", "--dataset", str(tmp_path / "d.jsonl"), "--out", str(tmp_path / "o")])
    assert code == 2
    assert "does not exist" in capsys.readouterr().err


@pytest.mark.docker
@pytest.mark.slow
def test_run_prints_per_test_statuses(tiny_repo, tmp_path, fix_patch, capsys):
    from sandbox.engine import docker_available

    if not docker_available():
        pytest.skip("no Docker engine")
    patch = tmp_path / "fix.diff"
    patch.write_text(fix_patch)
    code = main(["sandbox", "run", "--backend", "docker", "--repo", str(tiny_repo), "--patch", str(patch),
                 "--tests", "tests/test_add.py::test_add tests/test_add.py::test_other"])
    out = json.loads(capsys.readouterr().out)
    assert code == 0
    assert out["applied"] is True
    assert out["tests"] == {"tests/test_add.py::test_add": "PASSED", "tests/test_add.py::test_other": "PASSED"}
    code = main(["sandbox", "run", "--backend", "docker", "--repo", str(tiny_repo), "--tests", "tests/test_add.py::nope"])
    out = json.loads(capsys.readouterr().out)
    assert code == 1
    assert out["tests"] == {"tests/test_add.py::nope": "ERROR"}
    assert "not found" in out["error"]
