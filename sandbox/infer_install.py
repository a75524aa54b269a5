"""How a repository's test dependencies get installed: extras, requirements files, dependency
groups, tox deps, and the pytest plugins its own configuration names.

The result is a list of ``InstallStep``s turned into shell lines for the instance layer.
Only the project's own install is required to succeed; every other step is best effort
(a pinned test requirement that no longer installs on this Python is retried unpinned, and a
step that still fails leaves a ``CAPUCHIN-WARN`` line in the build log instead of failing the
build): a suite that runs with one plugin missing is worth more than no suite.
"""

from __future__ import annotations

import re
import shlex
import subprocess
from dataclasses import dataclass
from datetime import date, timedelta

from sandbox.infer_python import PYTHON_RELEASED
from sandbox.repo_files import PytestConfig, RepoFiles, setup_py_extras
from sandbox.specs import WARN

TEST_EXTRAS = ("test", "tests", "testing")
DEV_EXTRAS = ("dev", "develop", "development")
TEST_REQUIREMENTS = ("requirements/tests.txt", "requirements/test.txt", "requirements/testing.txt",
                     "tests/requirements.txt", "test/requirements.txt", "requirements-test.txt",
                     "requirements-tests.txt", "requirements_test.txt", "requirements-testing.txt",
                     "test-requirements.txt", "tests-requirements.txt", "test_requirements.txt")
DEV_REQUIREMENTS = ("requirements-dev.txt", "requirements_dev.txt", "dev-requirements.txt",
                    "requirements/dev.txt", "requirements/develop.txt")
# pytest options (in addopts or as ini keys) -> the plugin that provides them
PLUGIN_FOR_OPTION = {"--cov": "pytest-cov", "-n": "pytest-xdist", "--numprocesses": "pytest-xdist",
                     "--timeout": "pytest-timeout", "timeout": "pytest-timeout",
                     "asyncio_mode": "pytest-asyncio", "--benchmark": "pytest-benchmark",
                     "--doctest-plus": "pytest-doctestplus", "--reruns": "pytest-rerunfailures",
                     "--mypy": "pytest-mypy", "env": "pytest-env", "mock_use_standalone_module": "pytest-mock",
                     "--randomly-seed": "pytest-randomly", "--hypothesis-profile": "hypothesis",
                     "trio_mode": "pytest-trio", "django_find_project": "pytest-django",
                     "DJANGO_SETTINGS_MODULE": "pytest-django", "anyio_mode": "anyio"}
SCM_BACKENDS = ("setuptools_scm", "setuptools-scm", "hatch-vcs", "hatch_vcs", "versioningit", "pdm-backend",
                "dunamai", "flit_scm")

# A requirements file installed as pinned, else without its pins, else package by package.
REQ_FUNCTION = f"""capuchin_req() {{
  $CAPUCHIN_PIP -r "$1" && return 0
  echo "{WARN}: pip install -r $1 failed; retrying without version pins"
  sed -E -e 's/[[:space:]]#.*$//' -e '/^[[:space:]]*(#|$)/d' -e '/^[[:space:]]*-/d' \\
      -e 's/[[:space:]]*[;<>=!~ @[].*$//' "$1" | sort -u > /tmp/capuchin-unpinned.txt
  $CAPUCHIN_PIP -r /tmp/capuchin-unpinned.txt && return 0
  while read -r p; do $CAPUCHIN_PIP "$p" || python -m pip install "$p" || echo "{WARN}: could not install $p"; done \\
      < /tmp/capuchin-unpinned.txt
}}"""


# The test runner wins over requirements that break it: pyparsing's test requirements pin tox 3.5,
# which takes pluggy back under today's pytest (no longer importable); requests 2.0 pins
# py.test 2.3.4 and pytest-cov 1.6, which fail at start on Python 3.9. A trivial test outside the
# checkout proves the runner works.
RUNNER_CHECK = (
    "mkdir -p /tmp/capuchin-runner && printf 'def test_ok():\\n    pass\\n' > /tmp/capuchin-runner/test_ok.py\n"
    "(cd /tmp/capuchin-runner && python -m pytest -q -p no:cacheprovider test_ok.py >/dev/null 2>&1) || "
    f"{{ echo '{WARN}: the pytest the requirements left does not run here; upgrading it and its plugins'; "
    "$CAPUCHIN_PIP --upgrade pytest $(python -m pip list --format=freeze 2>/dev/null | "
    "grep -i '^pytest[-_]' | cut -d= -f1); }")


@dataclass(frozen=True)
class InstallPlan:
    extras: tuple[str, ...]
    requirements: tuple[str, ...]
    packages: tuple[str, ...]
    """Requirement strings from dependency groups, tox deps and plugins the pytest config needs."""
    installable: bool
    env: tuple[tuple[str, str], ...]
    """Variables the install needs (a VCS-derived version without .git in the container)."""
    evidence: tuple[str, ...]
    resolve_before: str | None = None
    """Resolve dependencies as of this date (an old checkout): see ``resolution_date``."""
    build_requires: tuple[str, ...] = ()
    """pyproject's ``[build-system] requires``: under a date, the editable build gets them as of it."""
    pre: tuple[str, ...] = ()
    """Shell lines run before anything installs (fixing the checkout's build configuration)."""
    legacy_build: tuple[str, ...] | None = None
    """For a setup.py project with no ``[build-system]`` (before PEP 518): what its setup.py names as
    build-time requirements. pip of its day ran setup.py in the environment itself; today's isolated
    builds hold setuptools alone, so a setup.py that imports numpy (astropy 3.0 imports itself, which
    checks numpy) fails there. If the isolated build fails, these go in first and the build runs in
    the environment. None: not such a project."""
    optional: tuple[str, ...] = ()
    """The optional dependencies of a project with no test extra (its ``complete``/``all`` extra),
    installed one by one after it, best effort: suites skip what needs a missing one."""

    def lines(self) -> list[str]:
        out = [f"export {k}={shlex.quote(v)}" for k, v in self.env]
        out += list(self.pre)
        out += _installer(self.resolve_before)
        if self.requirements:
            out.append(REQ_FUNCTION)
            out += [f"capuchin_req {shlex.quote(r)}" for r in self.requirements]
        if self.packages:
            quoted = " ".join(shlex.quote(p) for p in self.packages)
            out.append(f"$CAPUCHIN_PIP {quoted} || {{ echo '{WARN}: test packages did not install "
                       f"together; one by one'; for p in {quoted}; do $CAPUCHIN_PIP \"$p\" || "
                       f"echo \"{WARN}: could not install $p\"; done; }}")
        if self.installable:
            out += self._project_lines()
        if self.optional:
            quoted = " ".join(shlex.quote(p) for p in self.optional)
            # each under a time limit: bottleneck of 2021 has no wheel for this Python, and building it
            # compiled numpy from source for over 20 minutes (wheels only is too strict: toolz of 2021
            # is an sdist, and without it dask[complete] resolved to a dask 2.17 that cannot import)
            out.append(f'for p in {quoted}; do timeout 300 $CAPUCHIN_PIP "$p" || '
                       f'{{ echo "{WARN}: optional $p did not install within 300 s"; continue; }}; '
                       f'{IMPORT_CHECK}; done')
        out.append(RUNNER_CHECK)
        return out


    def _project_lines(self) -> list[str]:
        target = f"'.[{','.join(self.extras)}]'" if self.extras else "."
        fallback = (f" || {{ echo '{WARN}: the extras {','.join(self.extras)} did not install'; "
                    "$CAPUCHIN_PIP DOT; }") if self.extras else ""
        if self.resolve_before is None:
            return [f"{{ $CAPUCHIN_PIP -e {target}{fallback.replace('DOT', '-e .')}; }}"
                    + self._in_environment("", f"-e {target}")]
        # uv resolves the project's own dependencies as of the date, but builds editables only
        # through PEP 660, which the setuptools of an old checkout's day lacks: install it (and
        # its dated dependencies) as a wheel with uv, then make it editable with pip, --no-deps.
        # a dependency whose releases of the day were deleted from PyPI (atomicwrites before 1.4.1,
        # for pytest 4.5) cannot resolve under the date: then today's releases, through pip
        undated = f"{{ echo '{WARN}: no dated resolution; installing current releases'; python -m pip install {target}; }}"
        # uv locks a local source's build by its path, the same /testbed in every build: a private
        # cache, or concurrent builds of two repositories wait on each other and time out (300 s)
        private = "UV_CACHE_DIR=/tmp/capuchin-uv-project "
        return [f"{{ {private}$CAPUCHIN_PIP {target}{fallback.replace('DOT', '.')}; }}"
                f"{self._in_environment(private, target)} || {undated}", *self._editable_lines()]

    def _in_environment(self, private: str, target: str) -> str:
        """`` || { the second try }`` of a legacy build: its build requirements installed, then no isolation."""
        if self.legacy_build is None:
            return ""
        quoted = " ".join(shlex.quote(p) for p in ("setuptools", "wheel", *self.legacy_build))
        return (f" || {{ echo '{WARN}: the isolated build failed; building in the environment, as pip did for "
                f"setup.py projects'; $CAPUCHIN_PIP {quoted} && {private}$CAPUCHIN_PIP --no-build-isolation "
                f"{target}; }}")

    def _editable_lines(self) -> list[str]:
        """pip's isolated build takes today's build requirements: setuptools 70 removed the
        ``setuptools.dep_util`` that astropy 5.1's setup imports. Constrain them to the date's."""
        if not self.build_requires:
            retry = (" || python -m pip install --no-deps --no-build-isolation -e ."
                     if self.legacy_build is not None else "")
            return ["python -m pip install --no-deps -e ." + retry]
        quoted = " ".join(shlex.quote(r) for r in self.build_requires)
        pins = "/tmp/capuchin-build-constraints.txt"
        return [f"printf '%s\\n' {quoted} > /tmp/capuchin-build-requires.in",
                f"python -m uv pip compile -q --no-header /tmp/capuchin-build-requires.in -o {pins} || "
                f"{{ echo '{WARN}: build requirements do not resolve as of the date'; : > {pins}; }}",
                f"PIP_CONSTRAINT={pins} python -m pip install --no-deps -e . || "
                f"{{ echo '{WARN}: the editable build failed with dated build requirements'; "
                "python -m pip install --no-deps -e .; }"]


def _installer(before: str | None) -> list[str]:
    """``$CAPUCHIN_PIP``: pip, or for an old checkout uv with ``--exclude-newer`` (pip has no way to
    ignore releases newer than a date). Flask at a 2021 commit asks for ``Werkzeug>=2.0``; today's
    Werkzeug 3 removed what that Flask imports, so its suite only runs with the Werkzeug of its day."""
    if before is None:
        return ['CAPUCHIN_PIP="python -m pip install"']
    return ["python -m pip install -q uv",
            # the cache lives in the mounted pip cache (shared, not committed into the image)
            "export UV_CACHE_DIR=/root/.cache/pip/uv UV_LINK_MODE=copy VIRTUAL_ENV=/opt/venv",
            # pip compiles bytecode at install, uv does not: then an old dependency's invalid escape
            # sequence warns at import, and a suite with filterwarnings=error (Flask) fails on it
            "export UV_COMPILE_BYTECODE=1",
            f"export UV_EXCLUDE_NEWER={before}T00:00:00Z",
            'CAPUCHIN_PIP="python -m uv pip install"',
            # the pytest of its day (today's may reject its configuration), and the setuptools:
            # today's warns on import of pkg_resources, an error under filterwarnings=error.
            # Everything the environment layer installed goes (uv keeps an installed version
            # whatever its date, --upgrade included): today's Pygments, packaging, typing_extensions
            # came with today's pytest and stayed beside sphinx 4.1's dated Jinja2
            # (wheel too: today's wheel needs today's packaging, and setup.py's bdist_wheel then
            # stopped astropy 3.0's build on a VersionConflict with the dated packaging 20.9)
            "python -m pip freeze --all 2>/dev/null | cut -d= -f1 | grep -viE '^(pip|uv)$' | "
            "xargs -r python -m pip uninstall -q -y",
            "$CAPUCHIN_PIP pytest setuptools wheel"]


def resolution_date(files: RepoFiles, python: str, min_age_days: int = 90) -> str | None:
    """For a git checkout whose HEAD is older than ``min_age_days``: the first day of the month after
    HEAD's commit (or after ``python``'s release plus half a year, if later), the date dependencies
    are resolved as of. Rounded to the month so that the environment image is shared by a month of
    commits; None for current work (latest releases) and for directories that are no checkout."""
    day = files.head_date()
    if day is None:
        return None
    if (date.today() - day).days < min_age_days:
        return None
    if python in PYTHON_RELEASED:
        day = max(day, PYTHON_RELEASED[python] + timedelta(days=183))
    year, month = (day.year + 1, 1) if day.month == 12 else (day.year, day.month + 1)
    return f"{year:04d}-{month:02d}-01"


def _project_extras(files: RepoFiles) -> list[str]:
    return list(_extra_tables(files)) + setup_py_extras(files.text("setup.py"))


def _tox_testenv(files: RepoFiles) -> tuple[list[str], list[str], list[str]]:
    """(extras, requirement files, other deps) of tox.ini's [testenv]."""
    parser = files.ini("tox.ini")
    if parser is None or not parser.has_section("testenv"):
        return [], [], []
    extras = []
    for line in parser.get("testenv", "extras", fallback="").splitlines():
        factor, sep, value = line.partition(":")
        if sep and not set(re.split(r"[,\s-]+", factor.strip())) & set(TEST_EXTRAS):
            continue  # "mypy: tests-mypy" belongs to another environment
        extras += [e for e in re.split(r"[,\s]+", value if sep else line) if e.strip()]
    reqs, deps = [], []
    for line in parser.get("testenv", "deps", fallback="").splitlines():
        line = line.split("#", 1)[0].strip()
        if not line or re.match(r"^[\w-]+(\s*,\s*[\w-]+)*\s*:(?!//)", line) or "{" in line.replace("{toxinidir}", ""):
            continue  # factor-conditional lines ("min: ...", "devdeps,mpldev: ...") belong to other envs
        if line.startswith("-r"):
            reqs.append(line[2:].strip().replace("{toxinidir}/", ""))
        elif not line.startswith("-"):
            deps.append(line)
    return [e for e in extras if "{" not in e], reqs, deps


def _dependency_groups(files: RepoFiles) -> tuple[str | None, list[str]]:
    """PEP 735 ``[dependency-groups]``: the test (else dev) group, include-group resolved."""
    groups = files.pyproject().get("dependency-groups", {})
    name = next((n for n in TEST_EXTRAS + DEV_EXTRAS if n in groups), None)
    if name is None:
        return None, []
    out, todo, seen = [], [name], set()
    while todo:  # iterative: groups may include each other
        group = todo.pop()
        if group in seen or group not in groups:
            continue
        seen.add(group)
        for item in groups[group]:
            if isinstance(item, dict) and "include-group" in item:
                todo.append(item["include-group"])
            elif isinstance(item, str):
                out.append(item)
    return name, out


def plugins_for(config: PytestConfig) -> list[str]:
    """Plugins the repository's pytest configuration cannot run without."""
    words = set(config.addopts.replace("=", " ").split()) | config.keys
    found = [plugin for option, plugin in PLUGIN_FOR_OPTION.items() if option in words]
    found += [re.split(r"[<>=!~ ]", p, maxsplit=1)[0] for p in config.required_plugins]
    return list(dict.fromkeys(found))


def _installable(files: RepoFiles) -> bool:
    if files.exists("setup.py"):
        return True
    data = files.pyproject()
    return "build-system" in data or "project" in data


def scm_version(files: RepoFiles) -> str | None:
    """A version for setuptools-scm & co. when the container has no .git to read it from:
    sdists carry it in PKG-INFO (then None), checkouts get ``git describe``'s tag."""
    build = (files.text("pyproject.toml") or "") + (files.text("setup.py") or "") + (files.text("setup.cfg") or "")
    if not any(b in build for b in SCM_BACKENDS) or files.exists("PKG-INFO"):
        return None
    git = ["git", "-C", str(files.repo)]
    proc = subprocess.run([*git, "describe", "--tags", "--abbrev=0"], capture_output=True, text=True, check=False)
    tag = proc.stdout.strip().lstrip("v") if proc.returncode == 0 else ""
    if re.fullmatch(r"\d+(\.\d+)*", tag):
        return tag
    # pytest tags its releases on release branches, so main's commits reach no tag, and "0.0.0"
    # failed pytest's own minversion check: the newest version tag made before HEAD instead
    head = files.head_date()
    listing = subprocess.run([*git, "for-each-ref", "--sort=-creatordate", "--format=%(creatordate:short) %(refname:short)",
                              "refs/tags"], capture_output=True, text=True, check=False).stdout.split("\n")
    for line in listing:
        day, _, name = line.partition(" ")
        name = name.lstrip("v")
        if re.fullmatch(r"\d+(\.\d+)+", name) and (head is None or day <= head.isoformat()):
            return name
    return "0.0.0"


def plan_install(files: RepoFiles, pytest_config: PytestConfig, python: str = "3.11") -> InstallPlan:
    evidence = []
    declared = _project_extras(files)
    tox_extras, tox_reqs, tox_deps = _tox_testenv(files)
    extras = [e for e in TEST_EXTRAS if e in declared] or [e for e in DEV_EXTRAS if e in declared][:1]
    extras += [e for e in tox_extras if e in declared and e not in extras]
    if extras:
        evidence.append(f"extras [{','.join(extras)}] (declared: {', '.join(dict.fromkeys(declared))})")
    reqs = [r for r in TEST_REQUIREMENTS if files.exists(r)][:1] or [r for r in DEV_REQUIREMENTS if files.exists(r)][:1]
    reqs += [r for r in tox_reqs if files.exists(r) and r not in reqs]
    installable = _installable(files)
    if files.exists("requirements.txt"):  # runtime pins setup.py may not declare; first, so tests' pins win
        reqs.insert(0, "requirements.txt")
    for r in reqs:
        files.text(r)  # part of the cache key
    if reqs:
        evidence.append(f"requirements {', '.join(reqs)}")
    group, packages = _dependency_groups(files)
    if group:
        evidence.append(f"dependency group {group!r} ({len(packages)} requirements)")
    if tox_deps and not reqs and not group:
        packages += tox_deps
        evidence.append(f"tox.ini [testenv] deps: {', '.join(tox_deps)}")
    if plugins := plugins_for(pytest_config):
        packages += [p for p in plugins if p not in packages]
        evidence.append(f"pytest plugins named by {pytest_config.source}: {', '.join(plugins)}")
    env = ()
    if version := scm_version(files):
        env = (("SETUPTOOLS_SCM_PRETEND_VERSION", version),)
        evidence.append(f"version from git tags for the build backend: {version}")
    if not installable:
        evidence.append("no setup.py or buildable pyproject.toml: tests run from the source tree")
    before = resolution_date(files, python)
    if before:
        evidence.append(f"dependencies as released before {before} (the checkout's HEAD is older than 90 days)")
    build = files.pyproject().get("build-system", {}).get("requires", [])
    optional: list[str] = []
    if not [e for e in TEST_EXTRAS if e in declared]:
        name, optional = optional_dependencies(files)
        if optional:
            evidence.append(f"no test extra: the optional dependencies of [{name}] one by one ({len(optional)})")
        elif (all(r == "requirements.txt" for r in reqs) and not group  # no test requirements named anywhere
              and (conda := conda_ci_environment(files))):
            name, optional = conda
            evidence.append(f"no test extra: the CI's conda environment {name}, its pip-installable "
                            f"packages one by one ({len(optional)})")
    legacy = legacy_build_requires(files)
    if legacy:
        evidence.append(f"setup.py without [build-system] names build requirements: {', '.join(legacy)} "
                        "(installed first if the isolated build fails)")
    pre = egg_info_untag(files)
    if pre:
        evidence.append("setup.cfg [egg_info] tags the version with a date (3.0.1.dev-20261130), which uv "
                        "rejects: untagged for the build")
    return InstallPlan(tuple(extras), tuple(reqs), tuple(dict.fromkeys(packages)), installable, env,
                       tuple(evidence), before, tuple(r for r in build if isinstance(r, str)), pre,
                       legacy_build=legacy, optional=tuple(optional))


_REQUIREMENT_LITERAL = re.compile(r"""['"]([A-Za-z][\w.-]*)\s*(?:[<>=!~]=|[<>])[^'"]*['"]""")
_BUILD_IMPORTS = ("numpy", "Cython", "pybind11", "cffi", "pkgconfig", "setuptools_scm")
"""Modules a setup.py imports to build (their distributions have the same names)."""


def legacy_build_requires(files: RepoFiles) -> tuple[str, ...] | None:
    """What a setup.py with no ``[build-system]`` needs in the environment to run: the requirement
    strings it spells out (astropy 3.0: ``'numpy>=' + ...``, ``'cython>=0.21'``, ``'jinja2>=2.7'``),
    a literal ``setup_requires`` list, and the build modules it imports (numpy for ``get_include()``,
    Cython's ``cythonize``), by name only (the version is the resolution date's). None when the
    project is not such a one."""
    text = files.text("setup.py")
    if text is None or "build-system" in files.pyproject():
        return None
    names = [m.group(1) for m in _REQUIREMENT_LITERAL.finditer(text)]
    names += [m for m in _BUILD_IMPORTS if re.search(rf"^\s*(?:import|from)\s+{m}\b", text, re.MULTILINE)]
    for listed in re.findall(r"setup_requires\s*=\s*\[([^\]]*)\]", text):  # setup_requires=["numpy"]
        names += re.findall(r"""['"]([A-Za-z][\w.-]*)""", listed)
    unique = {n.lower(): n for n in reversed(names)}  # the first spelling of each name
    return tuple(unique[k] for k in dict.fromkeys(n.lower() for n in names)
                 if k not in ("setuptools", "wheel", "python"))


FULL_EXTRAS = ("complete", "all", "full")
# An optional package that installs but cannot import (cfgrib's wheel without the ecCodes C library
# raises RuntimeError at import) takes down every test module of a project that imports it when
# present, as xarray does: it goes again. The import name is guessed from the distribution's.
IMPORT_CHECK = ("n=$(printf '%s' \"$p\" | sed -E 's/[][;<>=!~ ].*//'); "
                "python -c \"import importlib, importlib.util as u, sys; m=sys.argv[1].replace('-', '_'); "
                "m=m if u.find_spec(m) else m.lower(); u.find_spec(m) and importlib.import_module(m)\" \"$n\" "
                f">/dev/null 2>&1 || {{ echo \"{WARN}: optional $n installed but does not import; removed\"; "
                "python -m pip uninstall -q -y \"$n\"; }")


def _extra_tables(files: RepoFiles) -> dict[str, list[str]]:
    """Extras as {name: requirement lines}, from pyproject and setup.cfg (not setup.py code)."""
    tables = {k: [str(r) for r in v] for k, v in
              files.pyproject().get("project", {}).get("optional-dependencies", {}).items()}
    parser = files.ini("setup.cfg")
    if parser is not None and parser.has_section("options.extras_require"):
        for name in parser.options("options.extras_require"):
            raw = parser.get("options.extras_require", name, raw=True) or ""
            tables[name] = [ln.split("#", 1)[0].strip() for ln in raw.splitlines()
                            if ln.split("#", 1)[0].strip()]
    return tables


def optional_dependencies(files: RepoFiles) -> tuple[str | None, list[str]]:
    """xarray of 2021 declares no test extra; its tests skip without dask, scipy, netCDF4, which its
    ``complete`` extra lists (through setup.cfg's ``%(io)s`` references, or pyproject's
    ``xarray[io]`` self-references, both expanded here)."""
    tables = _extra_tables(files)
    name = next((n for n in FULL_EXTRAS if n in tables), None)
    if name is None:
        return None, []
    project = str(files.pyproject().get("project", {}).get("name") or
                  files.ini_value("setup.cfg", "metadata", "name") or "").lower()
    out, todo, seen = [], [name], set()
    while todo:  # iterative: extras refer to each other
        extra = todo.pop(0)
        if extra in seen or extra not in tables:
            continue
        seen.add(extra)
        for req in tables[extra]:
            ref = re.fullmatch(r"%\((\w+)\)s", req)
            self_ref = re.fullmatch(rf"{re.escape(project)}\[([\w,\s-]+)\]", req.lower()) if project else None
            if ref:
                todo.append(ref.group(1))
            elif self_ref:
                todo += [e.strip() for e in self_ref.group(1).split(",")]
            else:
                out.append(req)
    return name, list(dict.fromkeys(out))


CONDA_ENV_GLOBS = ("ci/requirements/*.yml", "ci/requirements/*.yaml", "ci/*.yml", "ci/*.yaml",
                   "environment.yml", "environment.yaml")
_CONDA_ONLY = {"python", "pip", "compilers", "c-compiler", "cxx-compiler", "libnetcdf", "hdf5", "gdal", "libgdal",
               "proj", "geos", "cartopy", "cdms2", "nodejs", "mkl", "blas", "openblas", "libblas", "pynio", "iris", "eccodes"}
_CONDA_TO_PIP = {"pytables": "tables", "matplotlib-base": "matplotlib", "msgpack-python": "msgpack",
                 "pytorch": "torch", "python-graphviz": "graphviz", "numba-core": "numba"}
_LINTERS = {"flake8", "black", "isort", "mypy", "pre-commit", "coveralls", "codecov", "pycodestyle", "pyflakes"}
_SIDE_ENVS = re.compile(r"min|bare|windows|win\b|macos|osx|doc|upstream|nightly|dev|lint|flake|mypy", re.I)


def conda_ci_environment(files: RepoFiles) -> tuple[str, list[str]] | None:
    """(file, packages) of the conda environment the project's CI tests with, for a project that declares
    its test dependencies nowhere else (xarray of 2019: ``ci/requirements/py37.yml`` lists dask, scipy,
    netCDF4... and without them most of its suite skips). The main environment is the one not named for
    a side job (minimum versions, Windows, docs), for the newest Python; conda-only packages are left out
    and conda names mapped to PyPI's; versions are left to the resolution date."""
    candidates = []
    for pattern in CONDA_ENV_GLOBS:
        for path in sorted(files.repo.glob(pattern)):
            rel = path.relative_to(files.repo).as_posix()
            version = re.search(r"py(?:thon)?-?(\d)\.?(\d+)", path.stem)
            key = (bool(_SIDE_ENVS.search(path.stem)), -(int(version.group(1)) * 100 + int(version.group(2)))
                   if version else 0, len(path.stem))
            candidates.append((key, rel))
    for _, rel in sorted(candidates):
        packages = conda_packages(files.text(rel) or "")
        if packages:
            return rel, packages
    return None


def conda_packages(text: str) -> list[str]:
    """PyPI names of a conda environment file's ``dependencies`` (and its ``pip:`` list as written)."""
    out: list[str] = []
    in_deps, pip_indent = False, None
    for line in text.splitlines():
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        indent = len(line) - len(line.lstrip())
        if indent == 0:
            in_deps = line.rstrip().rstrip(":") == "dependencies"
            continue
        item = re.match(r"\s*-\s*(.+?)\s*(?:#.*)?$", line)
        if not in_deps or not item:
            continue
        spec = item.group(1).strip("'\"")
        if spec.rstrip(":") == "pip":
            pip_indent = indent
            continue
        pip_list = pip_indent is not None and indent > pip_indent
        pip_indent = pip_indent if pip_list else None
        name = re.split(r"[\s=<>!~\[;]", spec.split("::")[-1], maxsplit=1)[0].lower()
        if not name or name in _LINTERS or name == "pytest":  # the install has chosen its pytest already
            continue
        if pip_list:
            out.append(spec)  # pip's own requirement syntax
        elif name not in _CONDA_ONLY:
            out.append(_CONDA_TO_PIP.get(name, name))
    return list(dict.fromkeys(out))


def egg_info_untag(files: RepoFiles) -> tuple[str, ...]:
    """Sphinx of 2020 sets ``tag_build = .dev`` and ``tag_date = true``: its version is then no valid
    PEP 440 version for uv (pip lets it pass), so a dated install failed over to today's releases.
    The build's copy of setup.cfg loses the tags (runs copy the working tree in again)."""
    parser = files.ini("setup.cfg")
    if parser is None or not parser.has_section("egg_info"):
        return ()
    if not {"tag_build", "tag_date"} & set(parser.options("egg_info")):
        return ()
    return ("sed -i -E '/^[[:space:]]*tag_(build|date)[[:space:]]*=/d' setup.cfg",)
