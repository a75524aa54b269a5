"""Environment specs for the SWE-bench repositories of the dev set, per repository and version.

Pins come from the official harness (``swebench.harness.constants.python``, v4.0.4),
adapted to what builds here: only Debian's Pythons exist offline (3.9 on bullseye, 3.11
on bookworm), so specs asking for 3.10 run on 3.9, whose wheels their pins also have.
A spec is chosen by the highest ``since`` version not above the repository's version at
the instance's commit (read from its version file, else ``git describe``).
"""

from __future__ import annotations

import functools
import re
import subprocess
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from agent.core.config import cache_dir
from agent.core.errors import InputError
from sandbox.specs import EnvSpec

if TYPE_CHECKING:
    from sandbox.config import SandboxConfig

PYTEST = "pytest -rA"
SYMPY = "bin/test -C --verbose"

# requests' old test suites call HTTPBIN_URL (default: the public httpbin.org); runs have no
# network, so serve httpbin from PyPI on loopback inside the container (DESIGN.md).
HTTPBIN_SETUP = (
    "(python -m gunicorn -b 127.0.0.1:8080 -w 2 httpbin:app >/tmp/httpbin.log 2>&1 &)",
    "python - <<'PY'\nimport socket, time\nfor _ in range(100):\n    try:\n"
    "        socket.create_connection(('127.0.0.1', 8080), 1).close(); break\n"
    "    except OSError:\n        time.sleep(0.1)\nPY",
    "export HTTPBIN_URL=http://127.0.0.1:8080/",
)


def _requests(v: tuple[int, ...]) -> EnvSpec:
    pins = ("pytest==7.4.4", "httpbin==0.10.2", "gunicorn==21.2.0", "flask==2.3.3", "werkzeug==2.3.8")
    if v >= (2, 26):  # newer suites use the pytest-httpbin plugin and trustme
        pins += ("pytest-httpbin==2.0.0", "pytest-mock==3.12.0", "trustme==1.1.0")
    return EnvSpec(name=f"psf/requests@{_fmt(v)}", python="3.9", pip_packages=pins,
                   install="python -m pip install .", test_cmd="python -m pytest -rA", eval_setup=HTTPBIN_SETUP)


def _flask(v: tuple[int, ...]) -> EnvSpec:
    pins = ("setuptools==70.0.0", "click==8.1.3", "itsdangerous==2.1.2", "Jinja2==3.1.2", "MarkupSafe==2.1.1",
            "Werkzeug==2.3.7", "pytest==7.4.4")
    return EnvSpec(name=f"pallets/flask@{_fmt(v)}", python="3.11", pip_packages=pins, test_cmd=PYTEST)


_PYTEST_PINS: list[tuple[tuple[int, ...], tuple[str, ...]]] = [
    ((4, 4), ("atomicwrites==1.4.1", "attrs==23.1.0", "more-itertools==10.1.0", "pluggy==0.13.1", "py==1.11.0",
              "setuptools==68.0.0", "six==1.16.0")),
    ((4, 5), ("atomicwrites==1.4.1", "attrs==23.1.0", "more-itertools==10.1.0", "pluggy==0.11.0", "py==1.11.0",
              "setuptools==68.0.0", "six==1.16.0", "wcwidth==0.2.6")),
    ((4, 6), ("atomicwrites==1.4.1", "attrs==23.1.0", "more-itertools==10.1.0", "packaging==23.1",
              "pluggy==0.13.1", "py==1.11.0", "six==1.16.0", "wcwidth==0.2.6")),
    ((5, 0), ("atomicwrites==1.4.1", "attrs==23.1.0", "more-itertools==10.1.0", "packaging==23.1",
              "pluggy==0.13.1", "py==1.11.0", "wcwidth==0.2.6")),
    ((5, 3), ("attrs==23.1.0", "more-itertools==10.1.0", "packaging==23.1", "pluggy==0.13.1", "py==1.11.0",
              "wcwidth==0.2.6")),
    ((5, 4), ("py==1.11.0", "packaging==23.1", "attrs==23.1.0", "more-itertools==10.1.0", "pluggy==0.13.1")),
    ((6, 0), ("attrs==23.1.0", "iniconfig==2.0.0", "more-itertools==10.1.0", "packaging==23.1",
              "pluggy==0.13.1", "py==1.11.0", "toml==0.10.2")),
    ((6, 2), ("attrs==23.1.0", "iniconfig==2.0.0", "packaging==23.1", "pluggy==0.13.1", "py==1.11.0",
              "toml==0.10.2")),
    ((7, 0), ("attrs==23.1.0", "iniconfig==2.0.0", "packaging==23.1", "pluggy==0.13.1", "py==1.11.0")),
    ((7, 1), ("attrs==23.1.0", "iniconfig==2.0.0", "packaging==23.1", "pluggy==0.13.1", "py==1.11.0",
              "tomli==2.0.1")),
    ((7, 4), ("iniconfig==2.0.0", "packaging==23.1", "pluggy==1.3.0", "exceptiongroup==1.1.3", "tomli==2.0.1")),
]


def _pytest(v: tuple[int, ...]) -> EnvSpec:
    pins = _pick(_PYTEST_PINS, v)
    # its own suite imports these optional plugins/libraries when present; SWE-bench's image lacks them too
    pre = ("sed -i 's/>=>=/>=/' setup.cfg",) if v[:2] == (6, 3) else ()
    return EnvSpec(name=f"pytest-dev/pytest@{_fmt(v)}", python="3.9", pip_packages=pins, pre_install=pre,
                   test_cmd=PYTEST)


def _sympy(v: tuple[int, ...]) -> EnvSpec:
    return EnvSpec(name=f"sympy/sympy@{_fmt(v)}", python="3.9",
                   pip_packages=("mpmath==1.3.0", "flake8-comprehensions"), test_cmd=SYMPY, parser="sympy",
                   env={"PYTHONWARNINGS": "ignore::UserWarning,ignore::SyntaxWarning"})


def _sphinx_pre(v: tuple[int, ...]) -> tuple[str, ...]:
    pre = ["sed -i 's/pytest/pytest -rA/' tox.ini"]
    if (3, 0) <= v < (4, 5):
        pre += ["sed -i 's/Jinja2>=2.3/Jinja2<3.0/' setup.py",
                "sed -i 's/sphinxcontrib-applehelp/sphinxcontrib-applehelp<=1.0.7/' setup.py",
                "sed -i 's/sphinxcontrib-devhelp/sphinxcontrib-devhelp<=1.0.5/' setup.py",
                "sed -i 's/sphinxcontrib-qthelp/sphinxcontrib-qthelp<=1.0.6/' setup.py",
                "sed -i 's/alabaster>=0.7,<0.8/alabaster>=0.7,<0.7.12/' setup.py",
                "sed -i \"s/'packaging',/'packaging', 'markupsafe<=2.0.1',/\" setup.py"]
        if v >= (4, 2):
            pre += ["sed -i 's/sphinxcontrib-htmlhelp>=2.0.0/sphinxcontrib-htmlhelp>=2.0.0,<=2.0.4/' setup.py",
                    "sed -i 's/sphinxcontrib-serializinghtml>=1.1.5/sphinxcontrib-serializinghtml>=1.1.5,<=1.1.9/'"
                    " setup.py"]
        else:
            pre += ["sed -i 's/sphinxcontrib-htmlhelp/sphinxcontrib-htmlhelp<=2.0.4/' setup.py",
                    "sed -i 's/sphinxcontrib-serializinghtml/sphinxcontrib-serializinghtml<=1.1.9/' setup.py"]
    return tuple(pre)


def _sphinx(v: tuple[int, ...]) -> EnvSpec:
    apt = ("graphviz",) if v >= (7, 2) else ()
    return EnvSpec(name=f"sphinx-doc/sphinx@{_fmt(v)}", python="3.9",
                   # roman: old docutils installed it as a top-level module, and sphinx.writers.latex imports it
                   pip_packages=("tox==4.16.0", "tox-current-env==0.0.11", "Jinja2==3.0.3", "roman"),
                   apt_packages=apt,
                   pre_install=_sphinx_pre(v), install="python -m pip install -e .[test]",
                   # tox.ini's own command, run directly: tox-current-env resolves the venv's python
                   # symlink to the system interpreter (no pytest there); the official image uses conda
                   test_cmd="python -X dev -m pytest -rA --durations 25")


def _pylint(v: tuple[int, ...]) -> EnvSpec:
    pins: tuple[str, ...] = ()
    apt: tuple[str, ...] = ()
    if v < (2, 9):
        pins, apt = ("pyenchant==3.2",), ("libenchant-2-dev", "hunspell-en-us")
    elif v >= (3, 0):
        pins = ("astroid==3.0.0a6", "setuptools")
    return EnvSpec(name=f"pylint-dev/pylint@{_fmt(v)}", python="3.9", pip_packages=pins, apt_packages=apt,
                   requirements="requirements_test.txt", test_cmd=PYTEST)


def _xarray(v: tuple[int, ...]) -> EnvSpec:
    pins = ("numpy==1.23.0", "packaging==23.1", "pandas==1.5.3", "pytest==7.4.0", "python-dateutil==2.8.2",
            "pytz==2023.3", "six==1.16.0", "scipy==1.11.1", "setuptools==68.0.0", "dask==2022.8.1")
    return EnvSpec(name=f"pydata/xarray@{_fmt(v)}", python="3.10", pip_packages=pins, test_cmd=PYTEST)


_SEABORN_PINS = ("contourpy==1.1.0", "cycler==0.11.0", "fonttools==4.42.1", "importlib-resources==6.0.1",
                 "kiwisolver==1.4.5", "matplotlib==3.7.2", "numpy==1.25.2", "packaging==23.1", "pillow==10.0.0",
                 "pyparsing==3.0.9", "pytest", "python-dateutil==2.8.2", "pytz==2023.3.post1", "scipy==1.11.2",
                 "six==1.16.0", "tzdata==2023.1", "zipp==3.16.2")


def _seaborn(v: tuple[int, ...]) -> EnvSpec:
    pandas = "pandas==1.3.5" if v < (0, 12) else "pandas==2.0.0"
    return EnvSpec(name=f"mwaskom/seaborn@{_fmt(v)}", python="3.9", pip_packages=(*_SEABORN_PINS, pandas),
                   install="python -m pip install -e ." + ("[dev]" if v >= (0, 12) else ""),
                   test_cmd="pytest --no-header -rA")


_ASTROPY_PINS = ("attrs==23.1.0", "exceptiongroup==1.1.3", "execnet==2.0.2", "hypothesis==6.82.6",
                 "iniconfig==2.0.0", "numpy==1.25.2", "packaging==23.1", "pluggy==1.3.0", "psutil==5.9.5",
                 "pyerfa==2.0.0.3", "pytest-arraydiff==0.5.0", "pytest-astropy-header==0.2.2",
                 "pytest-astropy==0.10.0", "pytest-cov==4.1.0", "pytest-doctestplus==1.0.0",
                 "pytest-filter-subpackage==0.1.2", "pytest-mock==3.11.1", "pytest-openfiles==0.5.0",
                 "pytest-remotedata==0.4.0", "pytest-xdist==3.3.1", "pytest==7.4.0", "PyYAML==6.0.1",
                 "setuptools==68.0.0", "sortedcontainers==2.4.0", "tomli==2.0.1", "cython<3", "extension-helpers",
                 "setuptools-scm<8", "wheel")


def _astropy(v: tuple[int, ...]) -> EnvSpec:
    pre: tuple[str, ...] = ()
    if v >= (4, 1):
        pre = ("sed -i 's/requires = \\[\"setuptools\",/requires = [\"setuptools==68.0.0\",/' pyproject.toml",)
    # --no-build-isolation: the C extensions build against the pinned numpy/cython already installed
    if v < (4, 1):  # astropy_helpers is a git submodule (not in the archive); its bootstrap asks the
        # retired pypi.python.org index, so install the release of that era where it will find it
        # (its sdist imports pkg_resources: build it with the pinned setuptools, not an isolated new one)
        helpers = "astropy-helpers==3.1.1" if v < (4, 0) else "astropy-helpers==4.0.1"
        pre = (*pre, f"python -m pip install --no-build-isolation {helpers}")
    # ccache: each instance compiles the same C extensions again; builds share a compiler cache
    return EnvSpec(name=f"astropy/astropy@{_fmt(v)}", python="3.9", pip_packages=_ASTROPY_PINS,
                   apt_packages=("ccache",), pre_install=pre, install="python -m pip install --no-build-isolation -e .[test]",
                   test_cmd="pytest -rA -p no:cacheprovider")


SPECS: dict[str, Callable[[tuple[int, ...]], EnvSpec]] = {
    "psf/requests": _requests,
    "pallets/flask": _flask,
    "pytest-dev/pytest": _pytest,
    "sympy/sympy": _sympy,
    "sphinx-doc/sphinx": _sphinx,
    "pylint-dev/pylint": _pylint,
    "pydata/xarray": _xarray,
    "mwaskom/seaborn": _seaborn,
    "astropy/astropy": _astropy,
}

# Where each repository states its version, tried before `git describe`.
VERSION_FILES: dict[str, list[tuple[str, str]]] = {
    "psf/requests": [("requests/__version__.py", r"__version__ = ['\"]([\d.]+)"),
                     ("requests/__init__.py", r"__version__ = ['\"]([\d.]+)")],
    "sympy/sympy": [("sympy/release.py", r"__version__ = ['\"]([\d.]+)"),
                    ("sympy/__init__.py", r"__version__ = ['\"]([\d.]+)")],
    "sphinx-doc/sphinx": [("sphinx/__init__.py", r"__version__ = ['\"]([\d.]+)")],
    "pylint-dev/pylint": [("pylint/__pkginfo__.py", r"__version__ = ['\"]([\d.]+)"),
                          ("pylint/__pkginfo__.py", r"numversion = \((\d+, \d+)")],
    "mwaskom/seaborn": [("seaborn/__init__.py", r"__version__ = ['\"]([\d.]+)")],
    "astropy/astropy": [("setup.py", r"VERSION = ['\"]([\d.]+)"), ("setup.cfg", r"^version = ([\d.]+)")],
    "pallets/flask": [("src/flask/__init__.py", r"__version__ = ['\"]([\d.]+)")],
}


def _fmt(v: tuple[int, ...]) -> str:
    return ".".join(map(str, v[:2]))


def _pick(table: list[tuple[tuple[int, ...], tuple[str, ...]]], v: tuple[int, ...]) -> tuple[str, ...]:
    chosen = table[0][1]
    for since, value in table:
        if v >= since:
            chosen = value
    return chosen


def parse_version(text: str) -> tuple[int, ...]:
    nums = re.findall(r"\d+", text.replace(", ", "."))
    return tuple(int(n) for n in nums[:2]) or (0,)


def repos_dir(config: SandboxConfig) -> Path:
    """Where the repositories' git histories live (``sandbox.repos``, else the per-user cache)."""
    return Path(config.repos).expanduser() if config.repos else cache_dir() / "repos"


def mirror_of(repo: str, repos: Path) -> Path:
    """The git history of ``repo`` under ``repos``: ``owner+name/repo`` (the fetch layout) or ``owner+name``."""
    name = repo.replace("/", "+")
    for path in (repos / name / "repo", repos / name):
        if (path / "HEAD").is_file() or (path / ".git").exists():
            return path
    raise InputError(f"no git history of {repo} under {repos} (looked for {name}/repo and {name})",
                     hint="clone it there (git clone --mirror https://github.com/" + repo + f" {repos / name}) "
                          "or point --repos / sandbox.repos at the folder that holds it")


@functools.lru_cache(maxsize=4096)
def repo_version(repo: str, commit: str, repos: Path) -> tuple[int, ...]:
    """The repository's version at ``commit`` (major, minor); a commit's version never changes, and
    `git describe` on a large history is a visible part of grading one instance, so it is read once."""
    git = ["git", "-C", str(mirror_of(repo, repos))]
    for path, pattern in VERSION_FILES.get(repo, []):
        text = subprocess.run([*git, "show", f"{commit}:{path}"], capture_output=True, text=True).stdout
        m = re.search(pattern, text, re.M)
        if m:
            return parse_version(m.group(1))
    described = subprocess.run([*git, "describe", "--tags", "--abbrev=0", commit], capture_output=True,
                               text=True).stdout
    return parse_version(described.split("-", 1)[-1] if described.startswith("sympy-") else described)


def spec_for(repo: str, commit: str, repos: Path) -> EnvSpec:
    if repo not in SPECS:
        raise InputError(f"no environment spec for {repo}", hint=f"known: {', '.join(sorted(SPECS))}")
    return SPECS[repo](repo_version(repo, commit, repos))
