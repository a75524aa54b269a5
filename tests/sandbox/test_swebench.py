"""SWE-bench plumbing: dataset loading, test-file directives, spec choice, classification."""

from __future__ import annotations

import json

import pytest

from agent.core.errors import InputError
from agent.core.types import TestResult
from agent.core.types import TestStatus as Status
from sandbox.infer import infer, local_spec
from sandbox.specs import EnvSpec, InstanceSpec
from sandbox.swebench import load_instances, patch_test_files
from sandbox.swebench_specs import SPECS, parse_version
from sandbox.validate import classify, tally

TEST_PATCH = """diff --git a/tests/test_a.py b/tests/test_a.py
--- a/tests/test_a.py
+++ b/tests/test_a.py
@@ -1 +1,2 @@
+x
diff --git a/tests/data/expected.json b/tests/data/expected.json
--- a/tests/data/expected.json
+++ b/tests/data/expected.json
"""


def test_patch_test_files_skip_data_files():
    assert patch_test_files(TEST_PATCH) == ["tests/test_a.py"]


def test_load_instances_parses_literal_strings_and_checks_ids(tmp_path):
    path = tmp_path / "d.jsonl"
    path.write_text(json.dumps({"instance_id": "a", "repo": "r/r", "touched_tests": "['t.py::x']"}) + "\n")
    assert load_instances(path)[0]["touched_tests"] == ["t.py::x"]
    with pytest.raises(InputError, match="not in"):
        load_instances(path, ["nope"])
    with pytest.raises(InputError, match="does not exist"):
        load_instances(tmp_path / "missing.jsonl")


def test_parse_version():
    assert parse_version("v2.26.0") == (2, 26)
    assert parse_version("1.1.1rc1") == (1, 1)
    assert parse_version("2, 9") == (2, 9)


def test_every_dev_repository_has_a_spec_per_version():
    for repo, make in SPECS.items():
        spec = make((1, 0))
        assert isinstance(spec, EnvSpec)
        assert spec.suite in {"bookworm", "bullseye"}, repo
    assert SPECS["pytest-dev/pytest"]((4, 5)).pip_packages != SPECS["pytest-dev/pytest"]((7, 4)).pip_packages
    assert SPECS["sympy/sympy"]((1, 1)).parser == "sympy"


def test_tags_change_with_the_spec_only():
    a = EnvSpec(name="x", pip_packages=("pytest",))
    b = EnvSpec(name="renamed", pip_packages=("pytest",), test_cmd="other")
    c = EnvSpec(name="x", pip_packages=("pytest==8",))
    assert a.env_tag("p", "m") == b.env_tag("p", "m")  # name and test command need no rebuild
    assert a.env_tag("p", "m") != c.env_tag("p", "m")
    assert InstanceSpec(a, "r@1").tag("p", "m") != InstanceSpec(a, "r@2").tag("p", "m")


def test_local_spec_hashes_dependency_files(tmp_path):
    (tmp_path / "setup.py").write_text("from setuptools import setup\nsetup()\n")
    first = local_spec(tmp_path)
    (tmp_path / "mod.py").write_text("x = 1\n")  # code changes reuse the image
    assert local_spec(tmp_path).tag("p", "m") == first.tag("p", "m")
    (tmp_path / "requirements.txt").write_text("attrs\n")
    assert local_spec(tmp_path).tag("p", "m") != first.tag("p", "m")
    assert infer(tmp_path).install.requirements == ("requirements.txt",)


def _result(**tests: Status) -> TestResult:
    return TestResult(applied=True, tests={k.replace("__", "::"): v for k, v in tests.items()})


def test_classify_and_tally(tmp_path):
    before = _result(t__a=Status.FAILED, t__b=Status.PASSED, t__c=Status.PASSED, t__d=Status.ERROR)
    after = _result(t__a=Status.PASSED, t__b=Status.PASSED, t__c=Status.FAILED, t__d=Status.ERROR,
                    t__new=Status.PASSED)
    got = classify(before, after)
    assert got == {"FAIL_TO_PASS": ["t::a", "t::new"], "PASS_TO_PASS": ["t::b"], "PASS_TO_FAIL": ["t::c"],
                   "FAIL_TO_FAIL": ["t::d"]}
    out = tmp_path / "v.jsonl"
    out.write_text("\n".join(json.dumps(r) for r in [
        {"instance_id": "1", "repo": "r", "status": "validated"},
        {"instance_id": "2", "repo": "r", "status": "build_failed", "reason": "pip\nmore"},
    ]) + "\n")
    assert tally(out) == {"r": {"instances": 2, "validated": 1, "build_failed": 1, "valid_by_swebench_rule": 0,
                                 "reasons": {"pip": 1}}}


def test_source_tar_survives_blobs_missing_from_the_mirror(tmp_path, monkeypatch):
    """Regression: astropy's mirror lacks a large data blob, and `git archive` refused the whole commit."""
    import io
    import subprocess
    import tarfile

    import sandbox.swebench as sw

    git = ["git", "-C", str(tmp_path), "-c", "user.name=t", "-c", "user.email=t@t"]
    subprocess.run([*git, "init", "-q"], check=True)
    (tmp_path / "big.dat").write_text("large data\n")
    (tmp_path / "code.py").write_text("x = 1\n")
    subprocess.run([*git, "add", "-A"], check=True)
    subprocess.run([*git, "commit", "-qm", "c"], check=True)
    sha = subprocess.run([*git, "rev-parse", "HEAD:big.dat"], capture_output=True, text=True).stdout.strip()
    (tmp_path / ".git" / "objects" / sha[:2] / sha[2:]).unlink()
    monkeypatch.setattr(sw, "mirror_of", lambda repo, repos: tmp_path / ".git")
    with tarfile.open(fileobj=io.BytesIO(sw.source_tar("o/r", "HEAD", tmp_path))) as tar:
        assert tar.extractfile("code.py").read() == b"x = 1\n"
        assert tar.getmember("big.dat").size == 0


def test_local_spec_installs_test_extras(tmp_path):
    (tmp_path / "pyproject.toml").write_text(
        '[build-system]\nrequires = ["setuptools"]\nbuild-backend = "setuptools.build_meta"\n'
        '[project]\nname = "x"\nversion = "1"\n[project.optional-dependencies]\ntest = ["pytest-mock"]\ndocs = []\n'
    )
    assert "$CAPUCHIN_PIP -e '.[test]'" in local_spec(tmp_path).env.install
