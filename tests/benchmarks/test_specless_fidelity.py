"""The spec-less fidelity benchmark's verdict comparison (benchmarks/specless_fidelity.py)."""

from __future__ import annotations

from agent.core.types import TestResult, TestStatus
from benchmarks.specless_fidelity import compare

P, F = TestStatus.PASSED, TestStatus.FAILED


def result(tests: dict[str, TestStatus]) -> TestResult:
    return TestResult(applied=True, tests=tests, exit_code=0)


def test_a_duplicate_parametrize_id_spelled_the_old_way_is_the_same_test():
    """sphinx-8265: pytest 6.2 names the curated "[1234-1234_0]" as "[1234-12340]"."""
    before = result({"t.py::u[1234-12340]": P, "t.py::u[1234-12341]": P, "t.py::f": F})
    after = result({"t.py::u[1234-12340]": P, "t.py::u[1234-12341]": P, "t.py::f": P})
    assert compare(before, after, ["t.py::f"], ["t.py::u[1234-1234_0]", "t.py::u[1234-1234_1]"])["match"]
    missing = compare(before, after, ["t.py::f"], ["t.py::u[99_2]"])
    assert missing["p2p_mismatch"] == ["t.py::u[99_2]"]


def test_a_rerun_record_replaces_the_earlier_one_in_the_tally(tmp_path):
    import json

    from benchmarks.specless_fidelity import tally

    out = tmp_path / "f.jsonl"
    lines = [{"instance_id": "a", "repo": "o/r", "status": "mismatch"}, {"instance_id": "b", "repo": "o/r", "status": "match"},
             {"instance_id": "a", "repo": "o/r", "status": "match"}]
    out.write_text("".join(json.dumps(x) + "\n" for x in lines))
    assert tally(out) == {"per_repo": {"o/r": {"instances": 2, "match": 2}}, "instances": 2, "match": 2, "match_rate": 1.0}


def test_a_mirror_missing_a_large_blob_still_checks_out_the_rest(tmp_path):
    """astropy-14508: fetched mirrors lack blobs over 4 MiB (an IERS table); git refused the whole
    checkout, so the instance never ran. The path is left out and the rest of the tree is there."""
    import subprocess

    from benchmarks.specless_fidelity import checkout, missing_blobs

    def git(*args: str, cwd=tmp_path / "origin") -> str:
        return subprocess.run(["git", *args], cwd=cwd, check=True, capture_output=True, text=True).stdout.strip()

    (tmp_path / "origin").mkdir()
    git("init", "-q")
    (tmp_path / "origin" / "setup.py").write_text("from setuptools import setup\nsetup()\n")
    (tmp_path / "origin" / "big.dat").write_text("a large table\n")
    git("add", "-A")
    git("-c", "user.name=t", "-c", "user.email=t@t", "commit", "-qm", "one")
    commit = git("rev-parse", "HEAD")
    blob = git("rev-parse", "HEAD:big.dat")
    (tmp_path / "origin" / ".git" / "objects" / blob[:2] / blob[2:]).unlink()

    mirrors = tmp_path / "mirrors"
    mirrors.mkdir()
    (mirrors / "o+r").symlink_to(tmp_path / "origin" / ".git")
    path = checkout("o/r", commit, tmp_path / "checkouts", mirrors=mirrors)
    assert missing_blobs(path, commit) == ["big.dat"]
    assert (path / "setup.py").read_text().startswith("from setuptools")
    assert not (path / "big.dat").exists()

    from benchmarks.specless_fidelity import substitute_missing

    (tmp_path / "subs").mkdir()
    assert substitute_missing(path, commit, tmp_path / "subs") == []  # nothing to stand in
    (tmp_path / "subs" / "big.dat").write_text("a later version of the table\n")
    (tmp_path / "subs" / "setup.py").write_text("not used: the mirror has this one\n")
    assert substitute_missing(path, commit, tmp_path / "subs") == ["big.dat"]
    assert (path / "big.dat").read_text() == "a later version of the table\n"
    assert (path / "setup.py").read_text().startswith("from setuptools")


def test_a_submodule_with_a_local_mirror_is_checked_out_as_a_user_would(tmp_path):
    """astropy 3.x's setup.py needs its astropy_helpers submodule; without it the build fails at
    egg_info (astropy-7166). The benchmark fills it from a mirror, as `git submodule update --init`."""
    import subprocess

    from benchmarks.specless_fidelity import checkout

    def git(cwd, *args: str) -> str:
        return subprocess.run(["git", "-c", "user.name=t", "-c", "user.email=t@t", "-c", "protocol.file.allow=always",
                               *args], cwd=cwd, check=True, capture_output=True, text=True).stdout.strip()

    helpers, origin, mirrors = tmp_path / "helpers", tmp_path / "origin", tmp_path / "mirrors"
    for d in (helpers, origin, mirrors):
        d.mkdir()
    git(helpers, "init", "-q")
    (helpers / "ah.py").write_text("v = 1\n")
    git(helpers, "add", "-A")
    git(helpers, "commit", "-qm", "v1")
    first = git(helpers, "rev-parse", "HEAD")
    (helpers / "ah.py").write_text("v = 2\n")
    git(helpers, "commit", "-qam", "v2")
    git(origin, "init", "-q")
    # a gitlink at the first helpers commit, under the URL that the real .gitmodules names
    (origin / ".gitmodules").write_text('[submodule "astropy_helpers"]\n\tpath = astropy_helpers\n'
                                        "\turl = https://github.com/astropy/astropy-helpers.git\n")
    git(origin, "update-index", "--add", "--cacheinfo", f"160000,{first},astropy_helpers")
    git(origin, "add", ".gitmodules")
    git(origin, "commit", "-qm", "base")
    commit = git(origin, "rev-parse", "HEAD")
    (mirrors / "o+r").symlink_to(origin / ".git")
    (mirrors / "astropy+astropy-helpers").symlink_to(helpers / ".git")

    path = checkout("o/r", commit, tmp_path / "checkouts", mirrors=mirrors)
    assert (path / "astropy_helpers" / "ah.py").read_text() == "v = 1\n"  # the recorded commit, not the newest
