"""Is a test run evidence at all? Diagnosing runs that ran nothing or passed nothing.

A baseline run that collected no test, or passed none, says the environment cannot run
the repository's tests (an install that failed, files that cannot be collected, a service
that is not there): judging candidates on it blames them for the sandbox's blindness
(issue #18: Flask's suite stopped at one example's conftest, and every candidate was
called broken). ``diagnose`` names what failed, from the run's own output.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field

from agent.core.types import TestResult, TestStatus

_COLLECTION_HEADER = re.compile(r"^_+ ERROR collecting (\S+) _+$", re.M)
_CONFTEST = re.compile(r"^ImportError while loading conftest '(?:/testbed/)?([^']+)'\.$", re.M)
_SUMMARY_ERROR = re.compile(r"^ERROR (\S+) - (.+)$", re.M)
_MISSING_MODULE = re.compile(r"(?:ModuleNotFoundError|ImportError): No module named '([\w.]+)'")
_CONNECTION = re.compile(r"(ConnectionRefusedError|Connection refused|could not connect to server|"
                         r"Name or service not known|Temporary failure in name resolution|NewConnectionError)")
_EXIT_MEANING = {2: "interrupted (usage or collection errors)", 3: "internal error", 4: "usage error",
                 5: "no tests were collected"}


@dataclass
class RunHealth:
    """Counts of one run and, when it is no evidence, why."""

    collected: int = 0
    passed: int = 0
    failed: int = 0
    errors: int = 0
    skipped: int = 0
    uncollectable: dict[str, str] = field(default_factory=dict)
    """Test files pytest could not collect -> the error it gave."""
    missing_modules: list[str] = field(default_factory=list)
    problem: str | None = None
    """Why the run is no evidence (None: some test ran and passed)."""

    @property
    def pass_rate(self) -> float:
        return self.passed / self.collected if self.collected else 0.0

    def as_dict(self) -> dict:
        return {"collected": self.collected, "passed": self.passed, "failed": self.failed,
                "errors": self.errors, "skipped": self.skipped, "pass_rate": round(self.pass_rate, 4),
                "uncollectable": self.uncollectable, "missing_modules": self.missing_modules,
                "problem": self.problem}


def collection_errors(output: str) -> dict[str, str]:
    """Test files pytest could not collect (import or syntax errors at module level) -> the error."""
    found = {path: "" for path in _COLLECTION_HEADER.findall(output)}
    if not found:  # a conftest that fails to import stops pytest before any file (exit 4)
        for m in _CONFTEST.finditer(output):
            found[m.group(1)] = _first_error(output[m.end():])
    for path, error in _SUMMARY_ERROR.findall(output):
        if "::" not in path and (path in found or path.endswith(".py")):  # a file, not a test's fixture
            found[path] = error.strip()[:300]
    return found


def _first_error(text: str) -> str:
    """The ``E   ...`` lines of the traceback that starts ``text`` (up to the next section)."""
    errors = []
    for line in text.splitlines()[1:60]:
        if line.startswith((">>>>>", "=====", "_____")):
            break
        if line.startswith("E "):
            errors.append(line[1:].strip())
    return " ".join(errors[-2:])[:300]


def diagnose(result: TestResult) -> RunHealth:
    """Counts per status (not the file-level ERROR entries of collection errors) and the problem."""
    # a file-level ERROR is a collection error, not a test; other ids count whatever their shape
    tests = {t: s for t, s in result.tests.items() if "::" in t or s != TestStatus.ERROR}
    counts = Counter(tests.values())
    health = RunHealth(collected=len(tests), passed=counts[TestStatus.PASSED], failed=counts[TestStatus.FAILED],
                       errors=counts[TestStatus.ERROR], skipped=counts[TestStatus.SKIPPED],
                       uncollectable=collection_errors(result.output),
                       missing_modules=sorted(set(_MISSING_MODULE.findall(result.output))))
    health.problem = _problem(result, health)
    return health


def _problem(result: TestResult, h: RunHealth) -> str | None:
    if h.passed:
        return None
    if not result.applied:
        return f"the tests' own files did not apply: {(result.apply_error or '')[-300:]}"
    if result.timed_out and not h.collected:
        return f"the test run timed out after {result.duration_s:.0f} s before any test finished"
    if result.error and "before the tests started" in result.error:
        tail = result.output.strip().splitlines()[-5:]
        return f"the environment failed before the tests started: {' | '.join(tail)[-400:]}"
    what = _evidence(result, h)
    if not h.collected:
        meaning = _EXIT_MEANING.get(result.exit_code or 0, f"exit {result.exit_code}")
        return f"no test ran (pytest: {meaning}){what}"
    return f"no test passed ({h.failed} failed, {h.errors} errors, {h.skipped} skipped){what}"


def _evidence(result: TestResult, h: RunHealth) -> str:
    notes = []
    if h.uncollectable:
        first = next(iter(h.uncollectable.items()))
        notes.append(f"{len(h.uncollectable)} test file(s) could not be collected, e.g. {first[0]}: "
                     f"{first[1] or 'see the log'}")
    if h.missing_modules:
        notes.append(f"modules not installed: {', '.join(h.missing_modules[:5])}")
    if m := _CONNECTION.search(result.output):
        notes.append(f"tests tried to reach a service or the network ({m.group(1)}); runs have neither")
    return "; " + "; ".join(notes) if notes else ""
