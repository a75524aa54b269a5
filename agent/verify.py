"""Verification: regression tests and model-written reproduction tests, run in the sandbox.

Two phases keep sandbox runs few. The baseline run applies only the reproduction test
files to the original code and runs them with the selected regression tests: it tells
which regression tests pass before any change and which reproduction tests fail (the
ones worth keeping). Then each distinct candidate gets one run with its patch plus the
same test files.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from agent.core.cancel import CancelToken
from agent.core.events import EventBus
from agent.core.protocols import Sandbox
from agent.core.types import Candidate, Context, TestResult, TestStatus, Verdict
from agent.prompts import repro_messages
from agent.report import ReproTest, Trajectory
from agent.solve_config import SolveConfig
from editing.patch import file_diff
from sandbox.health import collection_errors, diagnose

_CODE_BLOCK = re.compile(r"```(?:python|py)?[^\n]*\n(.*?)(?:```|\Z)", re.S)


def extract_test_code(answer: str) -> str | None:
    """The test file in a model answer: the largest code block that defines a test function."""
    blocks = _CODE_BLOCK.findall(answer) or [answer]
    tests = [b for b in blocks if re.search(r"^\s*def test_\w*\(", b, re.M)]
    if not tests:
        return None
    code = max(tests, key=len)
    try:
        compile(code, "<repro>", "exec")
    except (SyntaxError, ValueError, RecursionError, MemoryError):  # the compiler recurses: deep code raises
        return None
    return code if code.endswith("\n") else code + "\n"


def write_repro_tests(answers: Sequence[str]) -> list[ReproTest]:
    """Turn model answers into test files at the repository root (distinct names, deduplicated)."""
    seen: set[str] = set()
    out = []
    for answer in answers:
        code = extract_test_code(answer)
        if code is None or code in seen:
            continue
        seen.add(code)
        out.append(ReproTest(path=f"test_capuchin_repro_{len(out)}.py", code=code))
    return out


_ISSUE_BLOCK = re.compile(r"```(?:python|py|pycon)?[ \t]*\n(.*?)```", re.S)


def issue_snippet_tests(issue: str) -> list[ReproTest]:
    """Reproduction tests taken from the issue itself: each Python snippet it quotes, run as a test.

    Such a test fails on the original code when the snippet raises (the commonest kind of
    report: "this call raises X"); the baseline run keeps it only if it does.
    """
    out = []
    for block in _ISSUE_BLOCK.findall(issue):
        code = "\n".join(line[4:] if line.startswith((">>> ", "... ")) else line for line in block.splitlines())
        if "import " not in code:  # tracebacks and expected output are quoted in fences too
            continue
        try:
            compile(code, "<issue>", "exec")
        except (SyntaxError, ValueError, RecursionError, MemoryError):
            continue
        test = (f"SNIPPET = {code!r}\n\n\ndef test_issue_snippet_runs():\n"
                "    exec(compile(SNIPPET, 'issue_snippet', 'exec'), {'__name__': '__issue__'})\n")
        out.append(ReproTest(path=f"test_capuchin_repro_issue_{len(out)}.py", code=test))
    return out


def repro_requests(issue: str, context: Context, config: SolveConfig) -> list[tuple[list[dict[str, str]], float]]:
    """(messages, temperature) of the reproduction tests to ask for: one greedy, the rest at 0.8."""
    return [(repro_messages(issue, context), 0.0 if i == 0 else 0.8) for i in range(config.repro_samples)]


def repro_diff(tests: Sequence[ReproTest]) -> str:
    return "".join(file_diff(t.path, None, t.code) for t in tests)


def candidate_timeout(baseline_s: float, cap: float | None, factor: float, floor: float) -> float | None:
    """How long a candidate's tests may run: ``factor`` times the baseline's run, at least
    ``floor``, never more than ``cap`` (None: the sandbox's own timeout). Tests that passed in
    2 s before the patch and still run after a minute are stuck (a loop the patch made)."""
    if baseline_s <= 0:
        return cap
    limit = max(floor, factor * baseline_s)
    return limit if cap is None else min(cap, limit)


@dataclass(frozen=True)
class VerifyLimits:
    """How many sandbox runs at once, and how long each may take."""

    concurrency: int = 2
    timeout_s: float | None = None
    """The sandbox's own limit per run (None: the sandbox's default)."""
    timeout_factor: float = 10.0
    """A candidate's run may take this many times the baseline's (see candidate_timeout)."""
    timeout_min_s: float = 60.0


class Verifier:
    """Runs the baseline and the candidates; fills verdicts with the evidence."""

    def __init__(self, repo: Path, sandbox: Sandbox, bus: EventBus, trajectory: Trajectory,
                 limits: VerifyLimits = VerifyLimits(), cancel: CancelToken | None = None):
        self.repo = repo
        self.sandbox = sandbox
        self.bus = bus
        self.trajectory = trajectory
        self.limits = limits
        self.cancel = cancel or CancelToken()
        self.timeout_s = limits.timeout_s
        self.candidate_timeout_s = limits.timeout_s
        """Set from the baseline's duration (see candidate_timeout)."""
        self.regression: list[str] = []
        self.repro: list[ReproTest] = []
        self.passing_before: set[str] = set()
        self.environment_problem: str | None = None
        """Why the baseline is no evidence (no test ran, none passed); None when it is."""

    def repro_tests(self, issue: str, answers: Sequence[str]) -> list[ReproTest]:
        """The reproduction tests to try: the issue's own snippets, then the model's answers to
        ``repro_requests`` (asked in the sampling batch, see Pipeline._candidates)."""
        return issue_snippet_tests(issue) + write_repro_tests(answers)

    def baseline(self, regression: Sequence[str], repro: Sequence[ReproTest]) -> TestResult | None:
        """Run tests on the original code; keep failing repro tests and passing regression tests.

        The regression tests and the reproduction tests run in separate invocations, so that
        neither can sink the other (issue #18: a collection error drowned the repro tests). A
        regression run that runs no test or passes none is no evidence: ``environment_problem``
        then says why, and candidates are not judged on tests at all.
        """
        self.regression = list(regression)
        result = self._regression_baseline() if self.regression else None
        repro_result = self._repro_baseline(list(repro)) if repro and not self.environment_problem else None
        for test in repro if self.environment_problem else ():
            test.note = "not run: the sandbox cannot run this repository's tests"
        if result is None and repro_result is not None and not repro_result.tests:
            problem = diagnose(repro_result).problem or ""
            if problem.startswith("the environment failed"):
                self.environment_problem = problem
        seconds = sum(r.duration_s for r in (result, repro_result) if r is not None)
        self.candidate_timeout_s = candidate_timeout(seconds, self.timeout_s, self.limits.timeout_factor,
                                                     self.limits.timeout_min_s)
        return result or repro_result

    def _regression_baseline(self) -> TestResult:
        result = self._run("baseline", None, self.regression)
        health = diagnose(result)
        if health.problem:
            self.environment_problem = health.problem
            self.bus.emit("log", "verify", f"environment problem: {health.problem}")
        self.passing_before = {t for t, s in result.tests.items() if s == TestStatus.PASSED}
        # what fails or cannot be collected before any change tells nothing about a candidate
        self.regression = [f for f in self.regression if any(_in_file(t, f) for t in self.passing_before)]
        return result

    def _repro_baseline(self, repro: list[ReproTest]) -> TestResult:
        """A model-written file that cannot even be collected is dropped and the rest run again."""

        def run(name: str) -> TestResult:
            return self._run(name, repro_diff(repro) or None, [t.path for t in repro])

        result = run("baseline-repro")
        uncollectable = collection_errors(result.output)
        if broken_files := [t for t in repro if t.path in uncollectable]:
            for test in broken_files:
                test.note = "cannot be collected (an error in the test file itself); ignored"
            repro = [t for t in repro if t not in broken_files]
            if repro:
                result = run("baseline-repro-retry")
        broken_tests = failing_from_own_errors(result.output)
        for test in repro:
            failing = sorted(t for t, s in result.tests.items()
                             if _in_file(t, test.path) and s == TestStatus.FAILED and t not in broken_tests)
            test.failing_tests = failing
            test.note = ("fails on the original code" if failing
                         else "does not fail on the original code, or fails from its own error; ignored")
        self.repro = [t for t in repro if t.failing_tests]
        return result

    def check(self, candidates: Sequence[Candidate], verdicts: dict[str, Verdict]) -> None:
        """Sandbox runs per candidate, concurrently; fills regression and repro evidence."""
        if self.environment_problem:
            for candidate in candidates:  # the edits were made against the files on disk: they apply
                verdict = verdicts[candidate.id]
                verdict.tests_ran = False
                verdict.notes.append(f"not tested: {self.environment_problem}")
                self.bus.emit("verdict", "verify", _summary(verdict), **verdict.model_dump())
            return
        if not self.regression and not self.repro:
            return
        with ThreadPoolExecutor(max_workers=self.limits.concurrency) as pool:
            results = pool.map(self._check_one, candidates)
            for candidate, (regression, repro) in zip(candidates, results, strict=True):
                self.cancel.check()
                self._judge(verdicts[candidate.id], regression, repro)
                self.bus.emit("verdict", "verify", _summary(verdicts[candidate.id]),
                              **verdicts[candidate.id].model_dump())

    def _check_one(self, candidate: Candidate) -> tuple[TestResult | None, TestResult | None]:
        diff = candidate.diff or ""
        regression = (self._run(candidate.id, diff, self.regression, self.candidate_timeout_s)
                      if self.regression else None)
        if self.repro and (regression is None or regression.applied):
            repro = self._run(f"{candidate.id}-repro", diff + repro_diff(self.repro),
                              [t.path for t in self.repro], self.candidate_timeout_s)
        else:
            repro = None
        return regression, repro

    def _judge(self, verdict: Verdict, regression: TestResult | None, repro: TestResult | None) -> None:
        runs = [r for r in (regression, repro) if r is not None]
        if failed := next((r for r in runs if not r.applied), None):
            verdict.applies, verdict.tests_ran = False, False
            verdict.notes.append(f"does not apply: {(failed.apply_error or '')[-500:]}")
            return
        verdict.applies = True
        verdict.tests_ran = any(r.tests for r in runs)
        if regression is not None:
            verdict.broken_tests = sorted(t for t in self.passing_before if regression.tests.get(t) != TestStatus.PASSED)
            verdict.regression_ok = not verdict.broken_tests
        if repro is not None:
            wanted = [t for r in self.repro for t in r.failing_tests]
            verdict.repro_total = len(wanted)
            verdict.repro_passing = [t for t in wanted if repro.tests.get(t) == TestStatus.PASSED]
            verdict.repro_passed = len(verdict.repro_passing)
        verdict.notes += [f"{name} tests timed out" for name, r in (("regression", regression), ("reproduction", repro))
                          if r is not None and r.timed_out]
        verdict.notes += [f"sandbox: {r.error}" for r in runs if r.error and not r.timed_out]

    def _run(self, name: str, patch: str | None, tests: list[str], timeout_s: float | None = None) -> TestResult:
        self.cancel.check()
        result = self.sandbox.run(self.repo, patch=patch, tests=tests, timeout_s=timeout_s or self.timeout_s,
                                  cancel=self.cancel)
        self.trajectory.test_log(name, result)
        self.cancel.check()  # a run killed by cancellation is no evidence about its candidate
        passed = sum(s == TestStatus.PASSED for s in result.tests.values())
        self.bus.emit("log", "verify", f"{name}: {passed}/{len(result.tests)} tests passed in {result.duration_s:.1f}s",
                      run=name, tests_run=len(result.tests), passed=passed)
        return result


# A reproduction test that fails with one of these is broken itself (undefined names, a wrong
# import), not showing the bug: seen with a 0.5B model, whose tests used fixtures they never defined.
_OWN_BUGS = ("NameError", "ImportError", "ModuleNotFoundError", "SyntaxError", "IndentationError")
_SUMMARY = re.compile(r"^FAILED (.+?) - ([A-Za-z_][\w.]*)", re.M)


def failing_from_own_errors(output: str) -> set[str]:
    """Test ids whose failure (per pytest's short summary, ``-rA``) is an error in the test's own code."""
    return {test for test, error in _SUMMARY.findall(output) if error.rsplit(".", 1)[-1] in _OWN_BUGS}


def _in_file(test_id: str, path: str) -> bool:
    return test_id == path or test_id.startswith(path + "::")


def _summary(v: Verdict) -> str:
    if not v.applies:
        return f"{v.candidate_id}: does not apply"
    if v.tests_ran is False:
        return f"{v.candidate_id}: applies; not tested (the sandbox cannot run the tests)"
    reg = {None: "no regression tests", True: "regressions ok", False: f"breaks {len(v.broken_tests)} test(s)"}
    return f"{v.candidate_id}: applies, {reg[v.regression_ok]}, repro {v.repro_passed}/{v.repro_total}"
