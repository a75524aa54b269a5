"""Which Python a repository's tests want, mapped to the Pythons the sandbox can build offline.

Signals, strongest first: ``requires-python`` (pyproject, setup.cfg, setup.py) bounds the
choice; the versions the project says it tests on (trove classifiers, tox envs, CI
matrices, nox sessions) pick within the bounds. The sandbox has Debian's Pythons only
(``sandbox.specs.SUITE_FOR_PYTHON``), so the answer is the available one the project
declares, else the nearest to what it declares, else the newest one allowed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from packaging.specifiers import InvalidSpecifier, SpecifierSet

from sandbox.repo_files import RepoFiles, setup_py_value
from sandbox.specs import ON_DEMAND_PYTHONS, SUITE_FOR_PYTHON

# The patch releases Debian ships (bookworm 3.11.2, bullseye 3.9.2, trixie 3.13.5): specifiers
# such as "<3.11.4" are checked against what really runs.
DEBIAN_PYTHONS = {"3.11": "3.11.2", "3.9": "3.9.2", "3.13": "3.13.5"}
# When they came out: a checkout older than a Python is run on the one before it (requests of 2013
# imports collections.MutableMapping, gone in 3.10), and its dependencies are resolved no further
# back than half a year after its Python's release (pytest of 2014 does not run on 3.9).
PYTHON_RELEASED = {"3.9": date(2020, 10, 5), "3.11": date(2022, 10, 24), "3.13": date(2024, 10, 7)}
_CLASSIFIER = re.compile(r"Programming Language :: Python :: (3\.\d{1,2})\b")
_TOX_ENV = re.compile(r"\bpy3\.?(\d{1,2})\b")
_TOX_BRACES = re.compile(r"\bpy3\{([\d,]+)\}")
_VERSION = re.compile(r"(?<![\d.])3\.(\d{1,2})(?![\d.])")
_LIST_ITEM = re.compile(r"""^\s*-\s*['"]?3\.\d""")


@dataclass(frozen=True)
class PythonChoice:
    version: str
    """An available Python (a key of SUITE_FOR_PYTHON)."""
    requires: str | None
    declared: tuple[str, ...]
    """Versions the project names (classifiers, tox, CI, nox), oldest first."""
    reason: str
    warning: str | None = None
    """Set when no available Python satisfies ``requires``."""


def _key(v: str) -> tuple[int, int]:
    major, minor = v.split(".")[:2]
    return int(major), int(minor)


def requires_python(files: RepoFiles) -> tuple[str | None, str | None]:
    """(specifier, file it came from)."""
    spec = files.pyproject().get("project", {}).get("requires-python")
    if spec:
        return str(spec), "pyproject.toml"
    spec = files.ini_value("setup.cfg", "options", "python_requires")
    if spec:
        return spec.strip(), "setup.cfg"
    spec = setup_py_value(files.text("setup.py"), "python_requires")
    return (spec, "setup.py") if spec else (None, None)


def declared_versions(files: RepoFiles) -> dict[str, set[str]]:
    """Versions per source: {"classifiers": {"3.8", ...}, "tox.ini": ..., ".github/workflows/x.yml": ...}."""
    found: dict[str, set[str]] = {}
    classifiers = " ".join(files.pyproject().get("project", {}).get("classifiers", []))
    classifiers += " " + (files.ini_value("setup.cfg", "metadata", "classifiers") or "")
    classifiers += " " + (files.text("setup.py") or "")
    if hits := set(_CLASSIFIER.findall(classifiers)):
        found["classifiers"] = hits
    for rel in ("tox.ini", "noxfile.py"):
        text = files.text(rel) or ""
        hits = {f"3.{m}" for m in _TOX_ENV.findall(text)}
        hits |= {f"3.{m}" for group in _TOX_BRACES.findall(text) for m in group.split(",") if m}
        if rel == "noxfile.py":
            hits |= {f"3.{m}" for line in text.splitlines() if "python" in line for m in _VERSION.findall(line)}
        if hits:
            found[rel] = hits
    for rel, text in files.ci_texts():
        hits = set()
        for line in text.splitlines():
            if "python" in line.lower() or _LIST_ITEM.match(line):
                hits |= {f"3.{m}" for m in _VERSION.findall(line)}
        hits |= {f"3.{m}" for m in _TOX_ENV.findall(text)}
        if hits:
            found[rel] = hits
    # CI lines also name action versions ("setup-python@v3.1"): there only 3.6+ counts
    return {k: {v for v in vs if _key(v)[1] <= 20 and (_key(v)[1] >= 6 or k in ("classifiers", "tox.ini"))}
            for k, vs in found.items() if vs}


def _allowed(spec: str | None) -> list[str]:
    available = sorted(SUITE_FOR_PYTHON, key=_key, reverse=True)
    if not spec:
        return available
    try:
        specifier = SpecifierSet(spec)
    except InvalidSpecifier:
        return available
    return [v for v in available if specifier.contains(DEBIAN_PYTHONS.get(v, v + ".0"), prereleases=True)]


def choose_python(files: RepoFiles) -> PythonChoice:
    spec, spec_file = requires_python(files)
    per_source = declared_versions(files)
    declared = tuple(sorted(set().union(*per_source.values()), key=_key)) if per_source else ()
    every = _allowed(spec)
    allowed = [v for v in every if v not in ON_DEMAND_PYTHONS]
    bound = f"requires-python {spec!r} ({spec_file})" if spec else "no requires-python"
    sources = ", ".join(sorted(per_source))
    if not allowed and every:
        version = every[-1]  # the oldest that satisfies it: nearest to what the project's day ran
        return PythonChoice(version, spec, declared,
                            f"{bound} excludes {', '.join(sorted(set(SUITE_FOR_PYTHON) - set(every), key=_key))}; "
                            f"Python {version} from Debian {SUITE_FOR_PYTHON[version]} (its base image is "
                            "built on first use)")
    if not allowed:
        newest = max(SUITE_FOR_PYTHON, key=_key)
        return PythonChoice(newest, spec, declared, f"{bound}; no available Python satisfies it",
                            warning=f"{bound} excludes every Python the sandbox can build "
                                    f"({', '.join(sorted(SUITE_FOR_PYTHON, key=_key))}); using {newest}, "
                                    "where the project may refuse to install")
    if declared:
        named = [v for v in allowed if v in declared]
        if named:
            return PythonChoice(named[0], spec, declared, f"{bound}; tested on {_span(declared)} ({sources})")
        top = _key(declared[-1])
        nearest = min(allowed, key=lambda v: (abs(_key(v)[1] - top[1]), -_key(v)[1]))
        return PythonChoice(nearest, spec, declared,
                            f"{bound}; tested on {_span(declared)} ({sources}), none available: nearest")
    head = files.head_date()
    if len(allowed) > 1 and head and head < PYTHON_RELEASED.get(allowed[0], date.max):
        return PythonChoice(allowed[1], spec, declared, f"{bound}; HEAD ({head}) predates Python {allowed[0]}")
    return PythonChoice(allowed[0], spec, declared, f"{bound}; newest available")


def _span(versions: tuple[str, ...]) -> str:
    return versions[0] if len(versions) == 1 else f"{versions[0]}-{versions[-1]}"
