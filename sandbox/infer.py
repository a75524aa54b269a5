"""Environment inference for a repository without a curated spec (a user's own checkout).

From the repository's own files: the Python (``sandbox.infer_python``), the install
(``sandbox.infer_install``), the test command and what a suite run covers (pytest with the
repository's configuration; example and docs trees that need installs of their own are
left out unless that configuration names them), and services the suite obviously needs,
said out loud since runs have no network. ``local_spec`` turns it into the image spec,
keyed by the files the inference read.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from agent.core.paths import SUPPORT_DIRS, in_test_tree, is_test_file
from sandbox.infer_install import WARN, InstallPlan, plan_install
from sandbox.infer_python import PythonChoice, choose_python
from sandbox.repo_files import PytestConfig, RepoFiles
from sandbox.specs import EnvSpec, InstanceSpec, content_hash
from sandbox.swebench_specs import HTTPBIN_SETUP
from sandbox.worktree import check_repo, worktree_files

CCE_MARKER = ".capuchin-continue-on-collection-errors"
"""Left in the environment's prefix when its pytest knows ``--continue-on-collection-errors``
(pytest 3.0 and later; an old checkout's pinned pytest 2.x refuses the whole command line)."""
REPORT_CHARS = "-rfEsxXp"
"""pytest's short summary of every outcome, as ``-rA`` gives, but without ``P`` (the captured output
of passed tests): pytest looks up each passed test's teardown report by scanning all reports, so
``-rA`` is quadratic in the suite's size; packaging 24.1's ~30,000 tests finished in minutes and then
spent 40 minutes in the summary (the sandbox's timeout) — the parsers read only the summary lines."""
TEST_CMD = (f'python -m pytest {REPORT_CHARS} -p no:cacheprovider '
            f'$(test -e "$(dirname "$(command -v python)")/../{CCE_MARKER}" && echo --continue-on-collection-errors)')
"""One uncollectable file (an example app's conftest importing what is not installed) must not
stop the whole session: without the flag pytest exits at collection and runs no test at all."""
MARK_CCE = (f'python -m pytest --help 2>/dev/null | grep -q -- --continue-on-collection-errors && '
            f'touch "$(python -c "import sys; print(sys.prefix)")/{CCE_MARKER}" || true')
EXCLUDED_TREES = SUPPORT_DIRS | {"bench", "documentation"}
COMPILED_SOURCES = (".pyx", ".c", ".cc", ".cpp", ".cxx")
_EXTENSION_BUILD = re.compile(r"\bExtension\(|\bext_modules\b|\bcythonize\(|\bget_extensions\(")
_COMPILING_BACKENDS = ("mesonpy", "scikit_build_core", "maturin", "setuptools_rust")
SERVICE_CLIENTS = {"psycopg2": "PostgreSQL", "psycopg2-binary": "PostgreSQL", "psycopg": "PostgreSQL",
                   "asyncpg": "PostgreSQL", "pymysql": "MySQL", "mysqlclient": "MySQL", "redis": "Redis",
                   "pymongo": "MongoDB", "motor": "MongoDB", "elasticsearch": "Elasticsearch",
                   "cassandra-driver": "Cassandra", "kafka-python": "Kafka", "pika": "RabbitMQ",
                   "selenium": "a browser (Selenium)", "playwright": "a browser (Playwright)"}
_COMPOSE = ("docker-compose.yml", "docker-compose.yaml", "compose.yml", "compose.yaml")


@dataclass(frozen=True)
class Inference:
    python: PythonChoice
    install: InstallPlan
    pytest: PytestConfig
    test_paths: tuple[str, ...]
    """What a whole-suite run passes to pytest (empty: pytest's own testpaths/discovery)."""
    excluded: tuple[str, ...]
    """Top-level trees with test files left out of suite runs and regression selection."""
    services: tuple[str, ...]
    """Messages about services the suite seems to need (runs have none, and no network)."""
    files: dict[str, str] = field(default_factory=dict)
    serve_httpbin: bool = False
    test_cmd: str = TEST_CMD
    parser: str = "pytest"
    """How test output is read (``sandbox.parsers``): the project's own runner prints its own."""
    compiles: bool = False
    """The install compiles extensions: the environment gets ccache, and every instance build then
    reuses what an earlier commit's build compiled (the build cache is shared across builds)."""
    system_packages: tuple[str, ...] = ()
    """Debian packages the project's CI installs for its tests (graphviz for Sphinx's ``dot`` tests),
    installed where they exist (``ci_system_packages``)."""
    src_layout: bool = False
    """Packages live under ``src/``: runs put it on PYTHONPATH, so the tree imports even where the project's
    own install is partial. A flat tree is not put there: ``python -m pytest`` runs in it and the editable
    install points at it, and a PYTHONPATH that the project never sets changes what its tests see (pylint's
    tests of how it strips its own sys.path failed only in the sandbox: pylint-6528, pylint-7277)."""

    def spec(self) -> InstanceSpec:
        env = EnvSpec(name="local", python=self.python.version, pip_packages=("pytest",),
                      apt_packages=("ccache",) if self.compiles else (), apt_optional=self.system_packages,
                      install="\n".join([*self.install.lines(), *self._httpbin_install(), MARK_CCE]),
                      test_cmd=self.test_cmd, parser=self.parser,
                      eval_setup=HTTPBIN_SETUP if self.serve_httpbin else (),
                      env={"PYTHONPATH": "/testbed/src"} if self.src_layout else {})
        return InstanceSpec(env=env, source=f"local:{content_hash(self.files)}", keep_source=False)

    def _httpbin_install(self) -> list[str]:
        if not self.serve_httpbin:
            return []
        # under a date, the httpbin of that day and what it ran with; else the curated pins
        packages = "httpbin gunicorn" if self.install.resolve_before else " ".join(HTTPBIN_PACKAGES)
        return [f"$CAPUCHIN_PIP {packages} || echo '{WARN}: httpbin did not install'"]

    def describe(self) -> dict:
        """What was inferred and why (``capuchin sandbox doctor`` prints it)."""
        return {
            "python": self.python.version, "python_reason": self.python.reason,
            "python_warning": self.python.warning, "install": self.install.lines(),
            "install_evidence": list(self.install.evidence), "test_command": self.test_cmd,
            "pytest_config": self.pytest.source, "test_paths": list(self.test_paths),
            "excluded_trees": list(self.excluded), "services": list(self.services),
            "compiled_extensions": self.compiles, "system_packages": list(self.system_packages),
            "inferred_from": sorted(self.files),
        }


def infer(repo: Path) -> Inference:
    repo = check_repo(repo)
    files = RepoFiles(repo)
    config = files.pytest_config()
    python = choose_python(files)
    plan = plan_install(files, config, python.version)
    tracked = worktree_files(repo)
    paths, excluded = test_layout(tracked, config)
    services = services_needed(files, plan)
    httpbin = httpbin_use(repo, tracked)
    if httpbin == "env":
        services.append("the tests read HTTPBIN_URL: an httpbin server is served on 127.0.0.1:8080 for them")
    elif httpbin == "public":
        services.append("the tests call httpbin.org; runs have no network, so those fail with or without a change")
    services += [f"git submodule {path} (.gitmodules) is not checked out, and builds cannot fetch it: "
                 "run `git submodule update --init` in the repository" for path in missing_submodules(repo, files)]
    test_cmd, parser = own_runner(files) or (TEST_CMD, "pytest")
    return Inference(python, plan, config, tuple(paths), tuple(excluded), tuple(services), dict(files.used),
                     serve_httpbin=httpbin == "env", test_cmd=test_cmd, parser=parser,
                     compiles=compiles_extensions(tracked, files), system_packages=ci_system_packages(files),
                     src_layout=any(f.startswith("src/") and f.endswith(".py") for f in tracked))


_APT_INSTALL = re.compile(r"\bapt(?:-get)?\s+(?:-\S+\s+)*install\b([^\n;&|#]*)")
_DEBIAN_NAME = re.compile(r"[a-z0-9][a-z0-9+.-]+")
_NOT_FOR_TESTS = re.compile(
    r"^(texlive|tex-|latex|lmodern|fonts-|cm-super|dvi|libreoffice|chromium|google-chrome|firefox|openjdk|"
    r"default-j|antlr|mono-|nodejs|npm|yarn|docker|containerd|python3?-|python3?$|pypy|cython|sagemath|tox$|"
    r"git|curl|wget|sudo|build-essential|gcc|g\+\+|make|ccache|software-properties|apt-|ca-certificates)")
MAX_SYSTEM_PACKAGES = 12


def ci_system_packages(files: RepoFiles) -> tuple[str, ...]:
    """Debian packages that the project's CI ``apt-get install``s (graphviz for Sphinx, whose ``dot``
    tests skip without it), best effort: tools the base image has (compilers, git), Debian's own
    Python packages (they install beside the environment's Python, not in it), and what only builds
    documents, drives browsers or needs Java (TeX and its fonts, Chromium, a JDK: hundreds of MB
    each) are left out."""
    found: list[str] = []
    for _, text in files.ci_texts():
        for match in _APT_INSTALL.finditer(text.replace("\\\n", " ")):
            for word in match.group(1).split():
                name = word.strip("'\"").split("=")[0]
                if _DEBIAN_NAME.fullmatch(name) and not _NOT_FOR_TESTS.match(name):
                    found.append(name)
    return tuple(dict.fromkeys(found))[:MAX_SYSTEM_PACKAGES]


def compiles_extensions(tracked: list[str], files: RepoFiles) -> bool:
    """Whether installing the project compiles code: C/C++/Cython sources outside example, docs and
    test trees, a ``setup.py`` that declares extensions, or a build backend that always compiles."""
    if any(f.endswith(COMPILED_SOURCES) and f.split("/")[0].lower() not in EXCLUDED_TREES and not in_test_tree(f)
           for f in tracked):  # test fixtures are data: Sphinx's tests/roots hold .pyx files it never builds
        return True
    if _EXTENSION_BUILD.search(files.text("setup.py") or ""):
        return True
    backend = (files.pyproject().get("build-system") or {}).get("build-backend") or ""
    return backend.split(".")[0] in _COMPILING_BACKENDS


SYMPY_RUNNER = ("bin/test -C --verbose", "sympy")


def own_runner(files: RepoFiles) -> tuple[str, str] | None:
    """(command, parser) of a runner the project ships instead of pytest. SymPy's ``bin/test``
    (``sympy.test``): until 2020 its tests import ``raises`` from ``sympy.utilities.pytest``,
    which defines it only outside pytest, so under pytest whole files fail to collect."""
    runner = files.text("bin/test") or ""
    if "sympy.test(" in runner:
        return SYMPY_RUNNER
    return None


def local_spec(repo: Path) -> InstanceSpec:
    """The environment image spec of a local repository (see ``infer``)."""
    return infer(repo).spec()


def excluded_trees(tracked: list[str], config: PytestConfig) -> list[str]:
    """Top-level example/docs/benchmark trees holding test files that the pytest config does not name."""
    named = {p.strip("./").split("/")[0] for p in config.testpaths}
    tops = {f.split("/")[0] for f in tracked if "/" in f and is_test_file(f)}
    return sorted(t for t in tops if t.lower() in EXCLUDED_TREES and t not in named)


def test_layout(tracked: list[str], config: PytestConfig) -> tuple[list[str], list[str]]:
    """(paths a suite run passes to pytest, trees left out)."""
    excluded = excluded_trees(tracked, config)
    existing = {f.split("/")[0] for f in tracked} | set(tracked)
    configured = [p for p in config.testpaths if p.strip("./").split("/")[0] in existing]
    if configured:
        return [], excluded  # pytest runs its testpaths itself when given no path
    tops = []
    for f in tracked:
        if not is_test_file(f):
            continue
        top = f.split("/")[0]
        if top not in excluded and top not in tops:
            tops.append(top)
    return sorted(tops), excluded


def in_excluded_tree(path: str, excluded: tuple[str, ...] | list[str]) -> bool:
    return path.split("/")[0] in excluded


def ci_services(text: str) -> list[str]:
    """Names under a ``services:`` key of a CI or compose file (GitHub Actions job services)."""
    lines = text.splitlines()
    out: list[str] = []
    for i, line in enumerate(lines):
        m = re.match(r"^(\s*)services:\s*$", line)
        if not m:
            continue
        indent, child = len(m.group(1)), None
        for nxt in lines[i + 1:]:
            if not nxt.strip() or nxt.lstrip().startswith("#"):
                continue
            ind = len(nxt) - len(nxt.lstrip())
            if ind <= indent:
                break
            child = ind if child is None else child
            if ind == child and re.match(r"^\s*[\w.-]+:", nxt):
                out.append(nxt.strip().split(":")[0])
    return list(dict.fromkeys(out))


HTTPBIN_PACKAGES = ("httpbin==0.10.2", "gunicorn==21.2.0", "flask==2.3.3", "werkzeug==2.3.8")
"""The versions the curated requests spec serves httpbin with (sandbox.swebench_specs)."""


def httpbin_use(repo: Path, tracked: list[str], limit: int = 200) -> str | None:
    """How the suite reaches an httpbin server: 'env' when it reads HTTPBIN_URL (one can be served
    on loopback, as the curated requests spec does), 'public' when it calls httpbin.org only,
    None when it does neither or serves one itself (the pytest-httpbin plugin)."""
    tests = [f for f in tracked if is_test_file(f) or f.endswith("conftest.py")][:limit]
    found = None
    for rel in tests:
        text = (repo / rel).read_text(encoding="utf-8", errors="replace")
        if "pytest_httpbin" in text or "pytest-httpbin" in text:
            return None
        if "HTTPBIN_URL" in text:
            found = "env"
        elif "://httpbin.org" in text and found is None:
            found = "public"
    return found


def missing_submodules(repo: Path, files: RepoFiles) -> list[str]:
    """Submodule paths of ``.gitmodules`` that are absent or empty: astropy 3.x builds through its
    astropy_helpers submodule, and a clone without ``--recursive`` fails at setup.py."""
    text = files.text(".gitmodules") or ""
    paths = re.findall(r"^\s*path\s*=\s*(\S+)\s*$", text, re.MULTILINE)
    return [p for p in paths if not (repo / p).is_dir() or not any((repo / p).iterdir())]


def services_needed(files: RepoFiles, plan: InstallPlan) -> list[str]:
    messages = []
    for rel, text in files.ci_texts():
        if names := ci_services(text):
            messages.append(f"CI starts services {', '.join(names)} ({rel}); sandbox runs have neither "
                            "these nor a network, so tests needing them fail or skip")
    for rel in _COMPOSE:
        if (text := files.text(rel)) and (names := ci_services(text)):
            messages.append(f"{rel} defines services {', '.join(names)}; sandbox runs do not start them")
    wanted = " ".join(plan.packages) + " " + " ".join(files.text(r) or "" for r in plan.requirements)
    words = {re.split(r"[<>=!~;\[ ]", w, maxsplit=1)[0].lower() for w in wanted.split()}
    for client, service in SERVICE_CLIENTS.items():
        if client in words:
            messages.append(f"the test requirements include {client}: tests may need a running {service}")
    return messages
