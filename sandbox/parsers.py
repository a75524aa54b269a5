"""Log parsers: registered pure functions ``(log) -> {test_id: status}``.

Test ids follow pytest's form (``path::name`` or ``path::Class::name``) for every
framework, so results from different runners compare against the same ids: the sympy
parser turns ``bin/test``'s per-file sections into ``path::test_name`` and the Django
parser keeps Django's own ``name (module.Class)`` ids, which is what its runner accepts.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from agent.core.errors import InputError
from agent.core.types import TestStatus

Parser = Callable[[str], dict[str, TestStatus]]
PARSERS: dict[str, Parser] = {}

_ANSI = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")
_STATUS_WORDS = {s.value: s for s in TestStatus} | {"XFAIL": TestStatus.PASSED, "XPASS": TestStatus.FAILED}
# pytest -rA summary line: "PASSED tests/x.py::t", "FAILED tests/x.py::t - AssertionError ..."
_PYTEST_SUMMARY = re.compile(r"^(PASSED|FAILED|ERROR|SKIPPED|XFAIL|XPASS) (\S+(?:\[.*?\])?)(?: - .*)?$")
# pytest -v progress line (old pytest prints no -rA summary for PASSED): "tests/x.py::t PASSED [ 50%]"
_PYTEST_VERBOSE = re.compile(r"^(\S+::\S+(?:\[.*?\])?) (PASSED|FAILED|ERROR|SKIPPED|XFAIL|XPASS)\b")
# skips are reported per location in -rA: "SKIPPED [1] tests/x.py:12: reason"
_PYTEST_SKIP_LOCATION = re.compile(r"^SKIPPED \[\d+\] ")


def register(name: str) -> Callable[[Parser], Parser]:
    """Register a parser under ``name`` (the name environment specs refer to)."""

    def deco(fn: Parser) -> Parser:
        PARSERS[name] = fn
        return fn

    return deco


def get_parser(name: str) -> Parser:
    try:
        return PARSERS[name]
    except KeyError:
        raise InputError(f"unknown log parser {name!r}", hint=f"known: {', '.join(sorted(PARSERS))}") from None


def _clean_lines(log: str) -> list[str]:
    return [_ANSI.sub("", line).rstrip("\r") for line in log.splitlines()]


@register("pytest")
def parse_pytest(log: str) -> dict[str, TestStatus]:
    """pytest with ``-rA`` (summary lines) and/or ``-v`` (progress lines); the summary wins."""
    out: dict[str, TestStatus] = {}
    verbose: dict[str, TestStatus] = {}
    for line in _clean_lines(log):
        if _PYTEST_SKIP_LOCATION.match(line):
            continue
        m = _PYTEST_SUMMARY.match(line)
        if m:
            out[m.group(2)] = _STATUS_WORDS[m.group(1)]
            continue
        m = _PYTEST_VERBOSE.match(line)
        if m:
            verbose[m.group(1)] = _STATUS_WORDS[m.group(2)]
    return verbose | out


# Django: "test_name (module.Class) ... ok" / "... FAIL" / "... ERROR" / "... skipped 'why'"
_DJANGO_LINE = re.compile(r"^(\w+ \([\w.]+\)) \.\.\. (.*)$")
_DJANGO_HEADER = re.compile(r"^(FAIL|ERROR): (\w+ \([\w.]+\))")


def _django_status(tail: str) -> TestStatus | None:
    tail = tail.strip()
    if tail.lower() in {"ok", "expected failure"} or tail.endswith(" ok"):
        return TestStatus.PASSED
    if tail.startswith("skipped"):
        return TestStatus.SKIPPED
    if tail in {"FAIL", "unexpected success"}:
        return TestStatus.FAILED
    if tail == "ERROR":
        return TestStatus.ERROR
    return None


@register("django")
def parse_django(log: str) -> dict[str, TestStatus]:
    """Django's ``tests/runtests.py --verbosity 2``; a test whose output interrupts its line ends with 'ok'."""
    out: dict[str, TestStatus] = {}
    pending: str | None = None
    for line in _clean_lines(log):
        m = _DJANGO_LINE.match(line.strip())
        if m:
            status = _django_status(m.group(2))
            pending = None if status else m.group(1)
            if status:
                out[m.group(1)] = status
            continue
        if pending and line.strip() in {"ok", "FAIL", "ERROR"}:
            out[pending] = _django_status(line) or TestStatus.ERROR
            pending = None
            continue
        h = _DJANGO_HEADER.match(line)
        if h:  # the traceback section is authoritative about failures
            out[h.group(2)] = TestStatus.FAILED if h.group(1) == "FAIL" else TestStatus.ERROR
    return out


# sympy bin/test --verbose: a section header "sympy/core/tests/test_x.py[12] " then
# "test_name ok" / "test_name F" / "test_name E" / "test_name f" (expected failure) / "test_name s"
_SYMPY_FILE = re.compile(r"^(\S+\.py)\[\d+\]")
# the last test of a file carries the file's verdict at the end of its line: "test_x ok   [OK]"
_SYMPY_TEST = re.compile(r"^(test_\w+) (ok|F|E|f|s|X|w|T|Skipped.*?|skipped.*?)\s*(?:\[(?:OK|FAIL)\])?\s*$")
_SYMPY_FAILURE_HEADER = re.compile(r"^_{3,} (\S+\.py):(test_\w+) _{3,}$")
_SYMPY_STATUS = {"ok": TestStatus.PASSED, "F": TestStatus.FAILED, "E": TestStatus.ERROR,
                 "f": TestStatus.PASSED, "X": TestStatus.FAILED, "T": TestStatus.FAILED}


@register("sympy")
def parse_sympy(log: str) -> dict[str, TestStatus]:
    """sympy's ``bin/test -C --verbose``, ids as ``path::test_name``."""
    out: dict[str, TestStatus] = {}
    current = ""
    for line in _clean_lines(log):
        stripped = line.strip()
        f = _SYMPY_FILE.match(stripped)
        if f:
            current = f.group(1)
            continue
        t = _SYMPY_TEST.match(stripped)
        if t and current:
            word = t.group(2)
            status = _SYMPY_STATUS.get(word, TestStatus.SKIPPED)
            out[f"{current}::{t.group(1)}"] = status
            continue
        h = _SYMPY_FAILURE_HEADER.match(stripped)
        if h:  # failure sections name the file, and a test may be reported only here
            key = f"{h.group(1)}::{h.group(2)}"
            if out.get(key) != TestStatus.ERROR:
                out[key] = TestStatus.FAILED
    return out


def missing_tests(requested: list[str], results: dict[str, TestStatus]) -> list[str]:
    """Requested ids that match no result (exactly, as a parametrised test, or as a file/class prefix)."""
    missing = []
    for rid in requested:
        if rid in results:
            continue
        prefixes = (rid + "[", rid + "::")
        if not any(k.startswith(prefixes) for k in results):
            missing.append(rid)
    return missing
