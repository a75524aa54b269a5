"""`capuchin sandbox doctor` on real releases from PyPI, with no spec: the inferred environment
builds and the project's own suite passes (issue #18). The full set is benchmarks/pypi_suites.py;
these two are small and quick to install."""

from __future__ import annotations

import pytest

from benchmarks.pypi_suites import fetch_sdist
from sandbox.config import SandboxConfig
from sandbox.doctor import run_doctor

pytestmark = [pytest.mark.docker, pytest.mark.slow]


@pytest.fixture(scope="module")
def sandbox():
    from sandbox.docker_backend import DockerSandbox
    from sandbox.engine import docker_available

    if not docker_available():
        pytest.skip("no Docker engine")
    return DockerSandbox(SandboxConfig(backend="docker"))


@pytest.mark.parametrize(("name", "version", "at_least"), [("itsdangerous", "2.2.0", 250), ("idna", "3.10", 30)])
def test_inferred_environment_runs_the_release_suite(tmp_path_factory, sandbox, name, version, at_least):
    repo = fetch_sdist(name, version, tmp_path_factory.mktemp(name))
    report = run_doctor(repo, sandbox, timeout_s=600)
    assert report.ok, (report.problem, report.log_tail)
    assert report.health.collected >= at_least, report.health
    assert report.health.pass_rate >= 0.9, report.health


def test_a_repository_whose_install_fails_is_an_environment_problem(tmp_path, sandbox):
    (tmp_path / "setup.py").write_text("raise SystemExit('this project cannot be installed')\n")
    (tmp_path / "test_x.py").write_text("def test_x():\n    pass\n")
    report = run_doctor(tmp_path, sandbox)
    assert not report.ok
    assert report.problem.startswith("the environment did not build")
    assert "cannot be installed" in report.log_tail


def test_files_the_install_generates_survive_into_runs(tmp_path, sandbox):
    """Regression: the image kept only *.egg-info of the checkout, so an in-place C extension or a
    version file written at install time (setuptools-scm's write_to) was gone when tests ran."""
    (tmp_path / "pkg").mkdir()
    (tmp_path / "pkg" / "__init__.py").write_text("from pkg._version import VERSION\n")
    (tmp_path / "setup.py").write_text(
        "from pathlib import Path\nfrom setuptools import setup\n"
        "Path('pkg/_version.py').write_text('VERSION = \"1.2\"\\n')\n"
        "setup(name='gen', version='1.2', packages=['pkg'])\n")
    (tmp_path / "tests").mkdir()
    (tmp_path / "tests" / "test_v.py").write_text("from pkg import VERSION\n\n\ndef test_v():\n"
                                                  "    assert VERSION == '1.2'\n")
    (tmp_path / ".gitignore").write_text("pkg/_version.py\n")
    report = run_doctor(tmp_path, sandbox)
    assert report.ok, (report.problem, report.log_tail)
    assert report.health.passed == 1


def test_a_project_requiring_python_312_runs_on_trixies_313(tmp_path, sandbox):
    """requires-python >=3.12 excludes Debian's 3.9 and 3.11: the inference picks trixie's 3.13.
    Its base image takes minutes of debootstrap, so this runs where it was built already
    (`capuchin sandbox base --suite trixie`), not in every CI run."""
    from sandbox.specs import BaseSpec

    base = BaseSpec("trixie", mirror=sandbox.config.debian_mirror).tag(sandbox.config.image_prefix)
    if not sandbox.builder.exists(base):
        pytest.skip(f"no {base} here: `capuchin sandbox base --suite trixie` builds it")
    (tmp_path / "pyproject.toml").write_text(
        '[build-system]\nrequires = ["setuptools"]\nbuild-backend = "setuptools.build_meta"\n'
        '[project]\nname = "new"\nversion = "1"\nrequires-python = ">=3.12"\n')
    (tmp_path / "new.py").write_text("type Pair = tuple[int, int]\n\n\ndef swap[T](a: T, b: T) -> tuple[T, T]:\n"
                                     "    return b, a\n")
    (tmp_path / "tests").mkdir()
    (tmp_path / "tests" / "test_new.py").write_text("import sys\n\nfrom new import swap\n\n\ndef test_swap():\n"
                                                    "    assert sys.version_info >= (3, 12)\n"
                                                    "    assert swap(1, 2) == (2, 1)\n")
    report = run_doctor(tmp_path, sandbox)
    assert report.ok, (report.problem, report.log_tail)
    assert report.inference["python"] == "3.13"
    assert report.health.passed == 1


def test_system_packages_from_the_ci_are_installed_and_a_missing_one_only_warns(tmp_path, sandbox):
    """The CI's apt-get line names a real Debian package (tree) and one Debian does not have: the
    image builds, the real one is on PATH for the tests, and the other is a build warning."""
    (tmp_path / ".github" / "workflows").mkdir(parents=True)
    (tmp_path / ".github" / "workflows" / "ci.yml").write_text(
        "jobs:\n  t:\n    steps:\n    - run: sudo apt-get install -y tree capuchin-no-such-package\n")
    (tmp_path / "test_tool.py").write_text("import shutil\n\n\ndef test_tree_is_there():\n"
                                           "    assert shutil.which('tree')\n")
    passes_one_test_and_warns(run_doctor(tmp_path, sandbox), "capuchin-no-such-package did not install")


def test_a_setup_py_that_imports_its_build_requirement_builds_in_the_environment(tmp_path, sandbox):
    """Before PEP 518 pip ran setup.py in the environment, so a setup.py could import what its
    setup_requires named (astropy 3.0 and numpy); today's isolated build holds setuptools alone."""
    (tmp_path / "setup.py").write_text("import six  # a build-time import, as numpy.get_include() was\n"
                                       "from setuptools import setup\n"
                                       "setup(name='legacy', version=six.__version__, py_modules=['legacy'],\n"
                                       "      setup_requires=['six'])\n")
    (tmp_path / "legacy.py").write_text("ANSWER = 42\n")
    (tmp_path / "test_legacy.py").write_text("from legacy import ANSWER\n\n\ndef test_answer():\n"
                                             "    assert ANSWER == 42\n")
    passes_one_test_and_warns(run_doctor(tmp_path, sandbox), "isolated build failed")


def passes_one_test_and_warns(report, warning: str) -> None:
    """The image built, its one test passed, and the best-effort step said what it did in the build log."""
    assert report.ok, (report.problem, report.log_tail)
    assert report.health.passed == 1
    assert any(warning in w for w in report.build_warnings), report.build_warnings
