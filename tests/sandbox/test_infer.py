"""Environment inference for repositories without a spec (issue #18), on small written repositories."""

from __future__ import annotations

from pathlib import Path

from sandbox.doctor import describe_lines
from sandbox.infer import ci_services, ci_system_packages, infer, local_spec
from sandbox.infer_install import plugins_for
from sandbox.repo_files import PytestConfig, RepoFiles, setup_py_extras
from sandbox.select import select_regression_tests, small_suite


def write(root: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text)
    return root


PYPROJECT = ('[build-system]\nrequires = ["setuptools"]\nbuild-backend = "setuptools.build_meta"\n'
             '[project]\nname = "x"\nversion = "1"\n')


def test_python_is_bounded_by_requires_python_and_picked_by_what_the_project_tests_on(tmp_path):
    write(tmp_path, {"pyproject.toml": PYPROJECT + 'requires-python = ">=3.7,<3.10"\n'})
    assert infer(tmp_path).python.version == "3.9"
    write(tmp_path, {"pyproject.toml": PYPROJECT + 'requires-python = ">=3.7"\nclassifiers = '
                     '["Programming Language :: Python :: 3.7", "Programming Language :: Python :: 3.8"]\n'})
    choice = infer(tmp_path).python
    assert choice.version == "3.9", choice  # the nearest available to what it is tested on
    assert "classifiers" in choice.reason


def test_python_from_tox_and_ci_when_metadata_says_nothing(tmp_path):
    write(tmp_path, {"setup.py": "from setuptools import setup\nsetup(name='x')\n",
                     "tox.ini": "[tox]\nenvlist = py3{9,10,11}\n",
                     ".github/workflows/ci.yml": "jobs:\n  t:\n    strategy:\n      matrix:\n"
                                                 "        python-version: ['3.9', '3.11']\n"})
    choice = infer(tmp_path).python
    assert choice.version == "3.11"
    assert "tox.ini" in choice.reason
    assert ".github/workflows/ci.yml" in choice.reason


def test_a_python_nobody_has_is_a_warning_not_a_crash(tmp_path):
    write(tmp_path, {"pyproject.toml": PYPROJECT + 'requires-python = ">=3.14"\n'})
    choice = infer(tmp_path).python
    assert choice.warning
    assert "3.14" in choice.warning


def test_a_project_requiring_312_or_later_gets_trixies_313(tmp_path):
    write(tmp_path, {"pyproject.toml": PYPROJECT + 'requires-python = ">=3.12"\n'})
    inference = infer(tmp_path)
    assert inference.python.version == "3.13"
    assert inference.python.warning is None
    assert "excludes 3.9, 3.11" in inference.python.reason
    assert inference.spec().env.suite == "trixie"


def test_projects_that_3_11_satisfies_keep_it_though_they_name_3_13(tmp_path):
    """3.13 is on demand only: a project tested on 3.8-3.13 keeps its bookworm image."""
    write(tmp_path, {"pyproject.toml": PYPROJECT + 'requires-python = ">=3.8"\nclassifiers = '
                     '["Programming Language :: Python :: 3.12", "Programming Language :: Python :: 3.13"]\n'})
    assert infer(tmp_path).python.version == "3.11"


def test_the_suite_summary_leaves_out_passed_tests_output(tmp_path):
    """-rA's P (captured output of passed tests) is quadratic in pytest: packaging 24.1's 30,000
    tests ran in minutes, then the summary ran past the 40-minute timeout. Only p is needed."""
    from sandbox.parsers import parse_pytest

    write(tmp_path, {"pyproject.toml": PYPROJECT, "tests/test_a.py": "def test_a():\n    pass\n"})
    cmd = infer(tmp_path).spec().env.test_cmd
    chars = next(w for w in cmd.split() if w.startswith("-r"))[2:]
    assert "P" not in chars
    assert "A" not in chars
    assert set("fEsxXp") <= set(chars)  # every outcome the parser reads still gets a summary line
    assert parse_pytest("PASSED tests/test_a.py::test_a\n") == {"tests/test_a.py::test_a": "PASSED"}


def test_install_uses_test_extras_requirements_groups_and_config_plugins(tmp_path):
    write(tmp_path, {
        "pyproject.toml": PYPROJECT + '[project.optional-dependencies]\ntests = ["hypothesis"]\ndocs = ["sphinx"]\n'
        '[dependency-groups]\nlint = ["ruff"]\ntest = ["pytest-mock", {include-group = "lint"}]\n'
        '[tool.pytest.ini_options]\naddopts = "--cov=x -n auto"\ntestpaths = ["tests"]\n',
        "requirements/tests.txt": "pytest==8.1.1\n",
        "tests/test_a.py": "def test_a():\n    pass\n",
    })
    plan = infer(tmp_path).install
    assert plan.extras == ("tests",)
    assert plan.requirements == ("requirements/tests.txt",)
    assert set(plan.packages) == {"pytest-mock", "ruff", "pytest-cov", "pytest-xdist"}
    script = "\n".join(plan.lines())
    assert "capuchin_req requirements/tests.txt" in script
    assert "$CAPUCHIN_PIP -e '.[tests]'" in script


def test_tox_factor_extras_of_other_environments_are_left_out(tmp_path):
    write(tmp_path, {"setup.py": "from setuptools import setup\nsetup(extras_require={'tests': [], "
                                 "'tests-mypy': []})\n",
                     "tox.ini": "[testenv]\nextras =\n    tests: tests\n    mypy: tests-mypy\n"})
    assert infer(tmp_path).install.extras == ("tests",)


def test_setup_py_extras_are_read_without_running_it():
    text = "EXTRAS = {'testing': ['pytest'], \"docs\": ['sphinx']}\nsetup(extras_require=EXTRAS)\n"
    assert setup_py_extras(text)[:2] == ["testing", "docs"]


def test_plugins_named_by_ini_keys_and_required_plugins():
    config = PytestConfig(source="pytest.ini", addopts="--timeout=30", required_plugins=["pytest-httpbin>=2"],
                          keys={"asyncio_mode"})
    assert plugins_for(config) == ["pytest-timeout", "pytest-asyncio", "pytest-httpbin"]


def test_image_is_keyed_by_the_files_inference_read(tmp_path):
    write(tmp_path, {"setup.py": "from setuptools import setup\nsetup()\n", "pkg/mod.py": "x = 1\n"})
    first = local_spec(tmp_path).tag("p", "m")
    write(tmp_path, {"pkg/mod.py": "x = 2\n"})
    assert local_spec(tmp_path).tag("p", "m") == first  # code changes reuse the image
    write(tmp_path, {"tox.ini": "[tox]\nenvlist = py39\n"})
    assert local_spec(tmp_path).tag("p", "m") != first
    assert "tox.ini" in infer(tmp_path).files


def test_example_trees_are_left_out_unless_the_test_config_names_them(tmp_path):
    """Regression (issue #18): Flask's examples/javascript/tests has a conftest importing an example
    app that is not installed; selecting it stopped pytest's whole run at collection."""
    write(tmp_path, {
        "pyproject.toml": PYPROJECT,
        "src/flask/blueprints.py": "class Blueprint:\n    pass\n",
        "tests/test_blueprints.py": "from flask.blueprints import Blueprint\n",
        "examples/javascript/tests/test_js_example.py": "from flask.blueprints import Blueprint\n",
        "docs/test_docs.py": "def test_x():\n    pass\n",
    })
    inference = infer(tmp_path)
    assert inference.excluded == ("docs", "examples")
    assert inference.test_paths == ("tests",)
    assert select_regression_tests(tmp_path, ["src/flask/blueprints.py"]) == ["tests/test_blueprints.py"]
    assert small_suite(tmp_path) == ["tests/test_blueprints.py"]
    write(tmp_path, {"pytest.ini": "[pytest]\ntestpaths = tests examples\n"})
    assert infer(tmp_path).excluded == ("docs",)
    assert "examples/javascript/tests/test_js_example.py" in select_regression_tests(
        tmp_path, ["src/flask/blueprints.py"])


def test_services_the_suite_needs_are_said(tmp_path):
    workflow = ("jobs:\n  test:\n    services:\n      postgres:\n        image: postgres:15\n"
                "      redis:\n        image: redis\n    steps:\n      - run: pytest\n")
    assert ci_services(workflow) == ["postgres", "redis"]
    write(tmp_path, {".github/workflows/test.yml": workflow, "setup.py": "", "requirements-test.txt": "psycopg2\n"})
    services = infer(tmp_path).services
    assert any("postgres, redis" in s for s in services)
    assert any("PostgreSQL" in s for s in services)


def test_repo_files_tolerate_broken_configuration(tmp_path):
    write(tmp_path, {"pyproject.toml": "not = [toml", "setup.cfg": "no section header\n", "tox.ini": "[x\n"})
    files = RepoFiles(tmp_path)
    assert files.pyproject() == {}
    assert files.pytest_config().source is None
    assert infer(tmp_path).python.version == "3.11"


def test_an_old_checkout_resolves_dependencies_as_of_its_month(tmp_path):
    """Flask at a 2021 commit asks for Werkzeug>=2.0; today's Werkzeug removed what it imports."""
    import os
    import subprocess

    write(tmp_path, {"setup.py": "from setuptools import setup\nsetup(python_requires='>=3.6,<3.10', "
                                 "install_requires=['Werkzeug>=2.0'])\n"})
    env = {**os.environ, "GIT_COMMITTER_DATE": "2021-05-13T10:00:00", "GIT_AUTHOR_DATE": "2021-05-13T10:00:00"}
    git = ["git", "-C", str(tmp_path), "-c", "user.name=t", "-c", "user.email=t@t"]
    subprocess.run([*git, "init", "-q"], check=True)
    subprocess.run([*git, "add", "-A"], check=True)
    subprocess.run([*git, "commit", "-qm", "old"], check=True, env=env)
    plan = infer(tmp_path).install
    assert plan.resolve_before == "2021-06-01"
    script = "\n".join(plan.lines())
    assert "UV_EXCLUDE_NEWER=2021-06-01T00:00:00Z" in script
    # what the environment layer brought (today's pytest and its dependencies) goes before the dated install
    assert script.index("xargs -r python -m pip uninstall -q -y") < script.index("$CAPUCHIN_PIP pytest setuptools")
    assert "python -m pip install --no-deps -e ." in script  # uv cannot make old setuptools editable
    from sandbox.infer_install import resolution_date

    # an older commit still resolves no further back than half a year after its Python's release
    subprocess.run([*git, "commit", "-qm", "older", "--allow-empty"], check=True,
                   env={**env, "GIT_COMMITTER_DATE": "2014-01-02T10:00:00"})
    assert resolution_date(RepoFiles(tmp_path), "3.9") == "2021-05-01"


def test_an_old_checkouts_project_builds_with_the_dates_build_requirements(tmp_path):
    """astropy 5.1's setup imports setuptools.dep_util, gone from today's setuptools; and uv locks
    a local build by its path (/testbed in every image), so concurrent builds shared one lock."""
    from sandbox.infer_install import InstallPlan

    plan = InstallPlan((), (), (), True, (), (), "2022-08-01", ("setuptools", "oldest-supported-numpy"))
    script = "\n".join(plan.lines())
    assert "printf '%s\\n' setuptools oldest-supported-numpy > /tmp/capuchin-build-requires.in" in script
    assert "PIP_CONSTRAINT=/tmp/capuchin-build-constraints.txt python -m pip install --no-deps -e ." in script
    assert "UV_CACHE_DIR=/tmp/capuchin-uv-project $CAPUCHIN_PIP ." in script
    write(tmp_path, {"pyproject.toml": '[build-system]\nrequires = ["setuptools>=61", "cython"]\n',
                     "tox.ini": "[testenv]\ndeps =\n    pytest-mock\n    devdeps,mpldev: git+https://x/y.git\n"})
    inferred = infer(tmp_path).install
    assert inferred.build_requires == ("setuptools>=61", "cython")
    assert inferred.packages == ("pytest-mock",)  # the factor-conditional line belongs to other envs


def test_sympys_own_runner_is_used_where_it_ships_one(tmp_path):
    """SymPy of 2016 defines sympy.utilities.pytest.raises only outside pytest: its own bin/test."""
    write(tmp_path, {"setup.py": "", "bin/test": "import sympy\nok = sympy.test(*args, verbose=True)\n"})
    env = infer(tmp_path).spec().env
    assert (env.test_cmd, env.parser) == ("bin/test -C --verbose", "sympy")
    (tmp_path / "bin" / "test").write_text("#!/bin/sh\nexec make check\n")
    assert infer(tmp_path).spec().env.parser == "pytest"


def test_a_date_tagged_egg_info_version_is_untagged_for_the_build(tmp_path):
    """Sphinx 3.0's setup.cfg makes 3.0.1.dev-20261130, which uv refuses: the install fell back
    to today's releases (pytest-cov 7, which old pytest cannot load)."""
    write(tmp_path, {"setup.py": "", "setup.cfg": "[egg_info]\ntag_build = .dev\ntag_date = true\n"})
    script = "\n".join(infer(tmp_path).install.lines())
    sed = "sed -i -E '/^[[:space:]]*tag_(build|date)[[:space:]]*=/d' setup.cfg"
    assert sed in script
    assert script.index(sed) < script.index("$CAPUCHIN_PIP -e .")
    import subprocess

    subprocess.run(["bash", "-c", sed], cwd=tmp_path, check=True)
    assert (tmp_path / "setup.cfg").read_text() == "[egg_info]\n"
    write(tmp_path, {"setup.cfg": "[metadata]\nname = x\n"})
    assert "tag_" not in "\n".join(infer(tmp_path).install.lines())


def test_a_submodule_left_out_of_the_clone_is_said(tmp_path):
    write(tmp_path, {"setup.py": "", ".gitmodules": '[submodule "helpers"]\n\tpath = helpers\n\turl = https://x/h.git\n'
                                                    '[submodule "vendored"]\n\tpath = vendored\n\turl = https://x/v.git\n',
                     "vendored/a.py": ""})
    services = infer(tmp_path).services
    assert any("git submodule helpers" in s and "git submodule update --init" in s for s in services)
    assert not any("vendored" in s for s in services)


def test_a_project_without_a_test_extra_gets_its_complete_extra_one_by_one(tmp_path):
    """xarray-4966: test_CFMaskCoder_decode_dask skipped without dask, which only [complete] names."""
    write(tmp_path, {"setup.py": "", "setup.cfg": "[metadata]\nname = xarray\n[options.extras_require]\n"
                     "io =\n    netCDF4\n    # scitools-iris\naccel =\n    scipy\nparallel =\n    dask[complete]\n"
                     "complete =\n    %(io)s\n    %(accel)s\n    %(parallel)s\ndocs =\n    %(complete)s\n    sphinx\n"})
    plan = infer(tmp_path).install
    assert plan.optional == ("netCDF4", "scipy", "dask[complete]")
    script = "\n".join(plan.lines())
    assert "for p in netCDF4 scipy 'dask[complete]'; do timeout 300 $CAPUCHIN_PIP \"$p\"" in script
    assert "installed but does not import; removed" in script  # cfgrib without ecCodes broke xarray's import
    (tmp_path / "setup.cfg").unlink()
    write(tmp_path, {"pyproject.toml": PYPROJECT.replace('name = "x"', 'name = "Pkg"') +
                     '[project.optional-dependencies]\nio = ["h5py"]\nviz = ["matplotlib"]\n'
                     'all = ["pkg[io, viz]", "rich"]\n'})
    assert set(infer(tmp_path).install.optional) == {"h5py", "matplotlib", "rich"}
    write(tmp_path, {"pyproject.toml": PYPROJECT + '[project.optional-dependencies]\ntest = ["pytest"]\n'
                     'all = ["rich"]\n', "setup.cfg": ""})
    assert infer(tmp_path).install.optional == ()  # a test extra says what the tests need


def test_old_classifiers_pick_the_oldest_python_available(tmp_path):
    """requests 1.1 says 2.6-3.3 and imports collections.MutableMapping (gone in 3.10)."""
    write(tmp_path, {"setup.py": "setup(classifiers=['Programming Language :: Python :: 2.7',\n"
                                 "'Programming Language :: Python :: 3.3'])\n"})
    assert infer(tmp_path).python.version == "3.9"


def test_a_suite_reading_httpbin_url_gets_an_httpbin_served(tmp_path):
    write(tmp_path, {"setup.py": "", "test_requests.py": "HTTPBIN = os.environ.get('HTTPBIN_URL', "
                                                         "'http://httpbin.org/')\n"})
    inference = infer(tmp_path)
    assert any("httpbin server is served" in s for s in inference.services)
    assert inference.spec().env.eval_setup  # gunicorn serves httpbin on loopback before the tests
    assert "httpbin==" in inference.spec().env.install


def test_install_scripts_are_valid_shell_with_and_without_a_date():
    """Regression: an apostrophe in a warning ("today's") broke the quoting of the whole script."""
    import subprocess

    from sandbox.infer_install import InstallPlan

    for before in (None, "2021-05-01"):
        plan = InstallPlan(("testing",), ("requirements.txt",), ("pytest-cov",), True,
                           (("SETUPTOOLS_SCM_PRETEND_VERSION", "1.0"),), (), before)
        proc = subprocess.run(["bash", "-n"], input="\n".join(plan.lines()), text=True, capture_output=True)
        assert proc.returncode == 0, proc.stderr


def test_scm_version_from_a_release_tag_on_another_branch(tmp_path):
    """pytest tags releases on release branches: main's commits reach no tag, and the old fallback
    "0.0.0" failed pytest's own minversion check."""
    import subprocess

    from sandbox.infer_install import scm_version

    write(tmp_path, {"setup.py": "from setuptools import setup\nsetup(use_scm_version=True)  # setuptools_scm\n"})
    git = ["git", "-C", str(tmp_path), "-c", "user.name=t", "-c", "user.email=t@t"]
    subprocess.run([*git, "init", "-q", "-b", "main"], check=True)
    subprocess.run([*git, "add", "-A"], check=True)
    subprocess.run([*git, "commit", "-qm", "base"], check=True)
    subprocess.run([*git, "checkout", "-qb", "release"], check=True)
    subprocess.run([*git, "commit", "-qm", "release", "--allow-empty"], check=True)
    subprocess.run([*git, "tag", "7.1.3"], check=True)
    subprocess.run([*git, "checkout", "-q", "main"], check=True)
    subprocess.run([*git, "commit", "-qm", "later", "--allow-empty"], check=True)
    assert scm_version(RepoFiles(tmp_path)) == "7.1.3"


def test_a_project_that_compiles_extensions_gets_a_compiler_cache(tmp_path):
    """Each commit's instance image compiles the C extensions again (astropy: most of a 25-minute
    build); with ccache in the environment, a later commit's build reuses what an earlier one compiled."""
    write(tmp_path, {"pyproject.toml": PYPROJECT, "pkg/mod.py": "x = 1\n", "docs/demo/ext.c": "int f;\n"})
    write(tmp_path, {"tests/roots/test-ext-autodoc/target/cython.pyx": "def f(): pass\n"})
    assert not infer(tmp_path).compiles  # C under docs is not built, nor a test fixture (Sphinx's tests/roots)
    plain = local_spec(tmp_path)
    assert plain.env.apt_packages == ()
    write(tmp_path, {"pkg/_speedups.c": "int g;\n"})
    compiled = local_spec(tmp_path)
    assert compiled.env.apt_packages == ("ccache",)
    assert compiled.env.env_tag("p", "m") != plain.env.env_tag("p", "m")
    assert infer(tmp_path).describe()["compiled_extensions"] is True
    assert any(line.startswith("compiles ") for line in describe_lines(infer(tmp_path)))  # doctor says so

    setup = write(tmp_path / "s", {"setup.py": "from setuptools import setup\nfrom extension_helpers import "
                                               "get_extensions\nsetup(ext_modules=get_extensions())\n"})
    assert infer(setup).compiles
    meson = write(tmp_path / "m", {"pyproject.toml": '[build-system]\nbuild-backend = "mesonpy"\n'})
    assert infer(meson).compiles


def test_runs_put_only_a_src_layout_on_pythonpath(tmp_path):
    """pylint-6528/7277: pylint's tests of how it strips its own sys.path read PYTHONPATH; the sandbox's
    "/testbed" there made them fail where the curated environment (no PYTHONPATH) passed."""
    flat = write(tmp_path / "flat", {"setup.py": "from setuptools import setup\nsetup()\n", "pkg/mod.py": "x = 1\n"})
    assert "PYTHONPATH" not in local_spec(flat).env.env
    src = write(tmp_path / "src", {"pyproject.toml": PYPROJECT, "src/pkg/mod.py": "x = 1\n"})
    assert local_spec(src).env.env == {"PYTHONPATH": "/testbed/src"}


def test_a_project_declaring_test_dependencies_only_in_its_ci_conda_environment_gets_them(tmp_path):
    """xarray-3095 (2019): no test extra, no requirements file; its CI's ci/requirements/py37.yml lists
    dask, netCDF4... and without them 66 of its test_variable tests skipped, where the curated env ran them."""
    env = ("name: xarray-tests\nchannels:\n  - conda-forge\ndependencies:\n  - python=3.7\n  - dask\n"
           "  - pytables  # conda's name\n  - netcdf4>=1.4\n  - flake8\n  - pytest\n  - libnetcdf\n"
           "  - pip\n  - pip:\n    - numbagg==0.1\n    - mypy==0.650\n")
    write(tmp_path, {"setup.py": "from setuptools import setup\nsetup()\n", "xarray/core.py": "x = 1\n",
                     "ci/requirements/py37.yml": env,
                     "ci/requirements/py35-min.yml": "dependencies:\n  - numpy=1.12\n",
                     "ci/requirements/py37-windows.yml": "dependencies:\n  - dask\n  - cftime\n",
                     "ci/requirements/py36.yml": "dependencies:\n  - dask\n"})
    inference = infer(tmp_path)
    assert inference.install.optional == ("dask", "tables", "netcdf4", "numbagg==0.1")
    assert any("ci/requirements/py37.yml" in e for e in inference.install.evidence)
    assert "ci/requirements/py37.yml" in inference.files  # the image is keyed by it
    assert "numbagg==0.1" in "\n".join(inference.install.lines())
    write(tmp_path, {"requirements.txt": "numpy\n"})  # runtime pins (xarray-4356) say nothing of tests
    assert "dask" in infer(tmp_path).install.optional
    # a project that names its test requirements keeps them, without the CI's environment
    write(tmp_path, {"requirements-test.txt": "pytest\n"})
    assert infer(tmp_path).install.optional == ()


def test_system_packages_the_ci_installs_go_into_the_environment_where_they_help_tests(tmp_path):
    """Sphinx's CI apt-installs graphviz; without ``dot`` its graphviz tests skip, and a fix there
    cannot be verified (sphinx-10614 mismatched only for that). Tools the image has, Debian's own
    Python packages and document/browser toolchains are not taken."""
    write(tmp_path, {"pyproject.toml": PYPROJECT, "pkg/mod.py": "x = 1\n"})
    plain = local_spec(tmp_path)
    assert plain.env.apt_optional == ()
    write(tmp_path, {
        ".github/workflows/main.yml": "jobs:\n  test:\n    steps:\n    - name: deps\n"
                                      "      run: sudo apt-get install graphviz\n"
                                      "    - run: |\n        sudo apt update && sudo apt-get -y install --no-install-recommends \\\n"
                                      "          imagemagick git python3-dev texlive-latex-extra dvipng cm-super cython3 antlr4 tox $EXTRA\n",
        ".github/workflows/docs.yml": "jobs:\n  d:\n    steps:\n    - run: sudo apt install -y graphviz fonts-dejavu  # docs\n",
        ".travis.yml": "install:\n  - sudo apt-get install -qq libxml2-dev=2.9.1 && pip install .\n"})
    assert set(ci_system_packages(RepoFiles(tmp_path))) == {"graphviz", "imagemagick", "libxml2-dev"}
    spec = local_spec(tmp_path)
    assert set(spec.env.apt_optional) == {"graphviz", "imagemagick", "libxml2-dev"}
    assert spec.env.apt_packages == ()  # required packages stay as they were: one bad name must not fail the build
    assert spec.env.env_tag("p", "m") != plain.env.env_tag("p", "m")
    assert any(line.startswith("system ") and "graphviz" in line for line in describe_lines(infer(tmp_path)))


def test_a_setup_py_without_build_system_names_what_its_build_needs(tmp_path):
    """astropy 3.0's setup.py imports astropy, which checks numpy: today's isolated builds hold
    setuptools alone and failed, where pip of 2018 ran setup.py in the environment."""
    from sandbox.infer_install import legacy_build_requires

    write(tmp_path, {"setup.py": "import numpy\nfrom Cython.Build import cythonize\nimport mypkg\n"
                                 "req = 'numpy>=' + mypkg.MIN\nextra = ['cython>=0.21', 'jinja2>=2.7']\n"
                                 "setup(setup_requires=['six', \"pbr\"], install_requires=['attrs'])\n"})
    assert legacy_build_requires(RepoFiles(tmp_path)) == ("numpy", "cython", "jinja2", "six", "pbr")
    script = "\n".join(infer(tmp_path).install.lines())
    # the isolated build first; if it fails, the build requirements go in and the build runs in the environment
    isolated = script.index("$CAPUCHIN_PIP -e .")
    assert script.index("$CAPUCHIN_PIP setuptools wheel numpy cython jinja2 six pbr") > isolated
    assert "$CAPUCHIN_PIP --no-build-isolation -e ." in script
    write(tmp_path, {"pyproject.toml": PYPROJECT})  # a [build-system]: its requires say what the build needs
    assert legacy_build_requires(RepoFiles(tmp_path)) is None
