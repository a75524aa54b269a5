"""Reading a repository's own build, test and CI configuration, tolerant of broken files.

Environment inference (``sandbox.infer``) asks questions of these files; every file it
reads is recorded with its content hash, so the environment image is keyed by exactly the
files it was inferred from (a changed ``tox.ini`` rebuilds it, a changed module does not).
"""

from __future__ import annotations

import configparser
import hashlib
import re
import subprocess
import tomllib
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

# pytest reads the first of these that holds its section (pytest's own precedence order)
PYTEST_CONFIGS = (("pytest.ini", "pytest"), (".pytest.ini", "pytest"), ("pyproject.toml", None),
                  ("tox.ini", "pytest"), ("setup.cfg", "tool:pytest"))
WORKFLOW_DIRS = (".github/workflows",)
CI_FILES = (".travis.yml", "azure-pipelines.yml", ".gitlab-ci.yml", "appveyor.yml", ".circleci/config.yml")


@dataclass
class PytestConfig:
    """The options of the repository's pytest configuration that decide what a suite run covers."""

    source: str | None = None
    """The file the section came from (None: the repository configures no pytest)."""
    testpaths: list[str] = field(default_factory=list)
    addopts: str = ""
    required_plugins: list[str] = field(default_factory=list)
    keys: set[str] = field(default_factory=set)
    """Every option the section sets (``asyncio_mode``, ``timeout``... name plugins they need)."""


class RepoFiles:
    """Read-only access to a checkout's configuration files; remembers what it read."""

    def __init__(self, repo: Path):
        self.repo = Path(repo)
        self.used: dict[str, str] = {}
        """Repository-relative path -> sha256 of every file read (the environment's cache key)."""

    def text(self, rel: str) -> str | None:
        path = self.repo / rel
        if not path.is_file():
            return None
        data = path.read_bytes()
        self.used[rel] = hashlib.sha256(data).hexdigest()
        return data.decode("utf-8", errors="replace")

    def exists(self, rel: str) -> bool:
        return (self.repo / rel).exists()

    def pyproject(self) -> dict:
        text = self.text("pyproject.toml")
        if text is None:
            return {}
        try:
            return tomllib.loads(text)
        except tomllib.TOMLDecodeError:
            return {}

    def ini(self, rel: str) -> configparser.ConfigParser | None:
        text = self.text(rel)
        if text is None:
            return None
        parser = configparser.ConfigParser(interpolation=None, strict=False)
        try:
            parser.read_string(text)
        except configparser.Error:
            return None
        return parser

    def ini_value(self, rel: str, section: str, key: str) -> str | None:
        parser = self.ini(rel)
        if parser is None or not parser.has_option(section, key):
            return None
        return parser.get(section, key)

    def ci_texts(self) -> list[tuple[str, str]]:
        """(path, text) of the CI configuration files: GitHub workflows and the older services."""
        names = [n for n in CI_FILES if (self.repo / n).is_file()]
        for d in WORKFLOW_DIRS:
            if (self.repo / d).is_dir():
                names += sorted(p.relative_to(self.repo).as_posix() for p in (self.repo / d).iterdir()
                                if p.suffix in (".yml", ".yaml") and p.is_file())
        return [(n, t) for n in names if (t := self.text(n)) is not None]

    def head_date(self) -> date | None:
        """The commit date of HEAD when the repository is itself a git checkout (not a directory
        inside some other repository), else None."""
        git = ["git", "-C", str(self.repo)]
        top = subprocess.run([*git, "rev-parse", "--show-toplevel"], capture_output=True, text=True, check=False)
        if top.returncode != 0 or Path(top.stdout.strip()).resolve() != self.repo.resolve():
            return None
        proc = subprocess.run([*git, "log", "-1", "--format=%cs", "HEAD"], capture_output=True, text=True,
                              check=False)
        try:
            return date.fromisoformat(proc.stdout.strip()) if proc.returncode == 0 else None
        except ValueError:
            return None

    def pytest_config(self) -> PytestConfig:
        for rel, section in PYTEST_CONFIGS:
            if not (self.repo / rel).is_file():
                continue
            if section is None:
                options = self.pyproject().get("tool", {}).get("pytest", {}).get("ini_options")
                if options is None:
                    continue
                return _from_mapping(rel, options)
            parser = self.ini(rel)
            if parser is not None and parser.has_section(section):
                return _from_mapping(rel, dict(parser.items(section)))
            if rel in ("pytest.ini", ".pytest.ini"):  # pytest stops at this file even without the section
                return PytestConfig(source=rel)
        return PytestConfig()


def _words(value: object) -> list[str]:
    """An ini option (whitespace or newline separated) or a TOML list, as a list of words."""
    if isinstance(value, list):
        return [str(v) for v in value]
    return str(value or "").split()


def _from_mapping(source: str, options: dict) -> PytestConfig:
    addopts = options.get("addopts", "")
    return PytestConfig(source=source, testpaths=_words(options.get("testpaths")),
                        addopts=" ".join(addopts) if isinstance(addopts, list) else str(addopts),
                        required_plugins=_words(options.get("required_plugins")),
                        keys={str(k) for k in options})


_SETUP_PY_STR = r"""\s*=\s*(?:['"]([^'"]*)['"])"""


def setup_py_value(text: str | None, key: str) -> str | None:
    """A literal string keyword argument of ``setup()`` (``python_requires='>=3.8'``), read without running it."""
    if not text:
        return None
    m = re.search(rf"\b{key}{_SETUP_PY_STR}", text)
    return m.group(1) if m else None


def setup_py_extras(text: str | None) -> list[str]:
    """Names of ``extras_require`` groups written literally in setup.py (``"tests": [...]``)."""
    if not text or "extras_require" not in text:
        return []
    # the mapping is often a variable defined above the call: the whole file is searched, and
    # callers only look for test-ish names in what comes back
    keyed = re.findall(r"""['"]([A-Za-z][\w.-]*)['"]\s*:\s*[\[(]""", text)
    keywords = re.findall(r"""\b([A-Za-z]\w*)\s*=\s*\[""", text)
    return list(dict.fromkeys(keyed + keywords))
