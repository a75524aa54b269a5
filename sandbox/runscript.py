"""The shell script a run executes: apply the patch (three ways), set up, run the tests.

One script for the Docker and the local backend, so both apply patches and report the
same way. The script prints marker lines the caller parses; the test command's output
sits between ``START`` and ``EXIT`` markers.
"""

from __future__ import annotations

import re
import shlex
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from agent.core.types import TestResult, TestStatus
from sandbox.parsers import get_parser, missing_tests

APPLIED = ">>>>> CAPUCHIN APPLIED"
APPLY_FAILED = ">>>>> CAPUCHIN APPLY FAILED"
START = ">>>>> CAPUCHIN START TESTS"
EXIT = ">>>>> CAPUCHIN TEST EXIT"
TEST_NS = ">>>>> CAPUCHIN TEST NS"
"""Wall time of the test command alone, in nanoseconds: what a run costs beyond it is overhead."""
PREP_NS = ">>>>> CAPUCHIN PREP NS"
"""Wall time from the script's start to the test command (applying patches, setup lines), in nanoseconds."""
APPLY_FAILED_CODE = 97

_GIT_ID = "-c user.name=capuchin -c user.email=capuchin@localhost"

_APPLY = f"""
apply_patch() {{
  p="$1"
  if git apply -v "$p"; then echo "{APPLIED} git-apply"; return 0; fi
  # --3way needs the preimage blobs: make a repository of the current state if there is none
  if [ ! -d .git ]; then git init -q && git add -A && git {_GIT_ID} commit -qm base >/dev/null; fi
  if git apply -v --3way "$p"; then echo "{APPLIED} git-apply-3way"; return 0; fi
  git reset -q --hard 2>/dev/null; git checkout -q -- . 2>/dev/null
  if patch --batch --fuzz=5 -p1 --dry-run -i "$p" >/dev/null && patch --batch --fuzz=5 -p1 -i "$p"; then
    echo "{APPLIED} patch-fuzz"; return 0
  fi
  return 1
}}
"""


# The official SWE-bench harness's ladder (run_evaluation.GIT_APPLY_CMDS), for grading: a patch
# that only --3way could place must not count as applied there, nor here when grading.
_APPLY_SWEBENCH = f"""
apply_patch() {{
  p="$1"
  if git apply -v "$p"; then echo "{APPLIED} git-apply"; return 0; fi
  if git apply -v --reject "$p"; then echo "{APPLIED} git-apply-reject"; return 0; fi
  if patch --batch --fuzz=5 -p1 -i "$p"; then echo "{APPLIED} patch-fuzz"; return 0; fi
  return 1
}}
"""

APPLY_LADDERS = {"capuchin": _APPLY, "swebench": _APPLY_SWEBENCH}
"""How a run applies its patches: Capuchin's (with --3way) or exactly the official harness's."""


@dataclass(frozen=True)
class Script:
    text: str
    workdir: str


def test_args(parser: str, tests: Sequence[str]) -> list[str]:
    """Arguments the test command takes for ``tests``: sympy's bin/test takes files, not ids."""
    if parser == "sympy":
        return sorted({t.split("::", 1)[0] for t in tests})
    return list(tests)


def build_script(*, workdir: str, patches: Sequence[str], test_cmd: str, parser: str, tests: Sequence[str],
                 env: dict[str, str], setup: Sequence[str] = (), apply: str = "capuchin",
                 max_file_mb: int | None = None) -> str:
    """The run script; ``patches`` are paths of patch files applied in order (e.g. test patch, then fix);
    ``apply`` names the ladder in ``APPLY_LADDERS``. ``max_file_mb`` caps any one file a test writes
    (a test filling the disk is killed by SIGXFSZ: Docker's overlay2 on ext4 has no per-container
    disk quota)."""
    lines = ["_s0=$(date +%s%N)", "set -u", f"cd {shlex.quote(workdir)}"]
    if max_file_mb:
        lines.append(f"ulimit -f {int(max_file_mb) * 1024}")
    lines += [f"export {k}={shlex.quote(v)}" for k, v in env.items()]
    lines.append(APPLY_LADDERS[apply])
    for p in patches:
        lines.append(f'if [ -s {p} ]; then apply_patch {p} || {{ echo "{APPLY_FAILED} {p}"; '
                     f"exit {APPLY_FAILED_CODE}; }}; fi")
    lines += list(setup)
    args = " ".join(shlex.quote(a) for a in test_args(parser, tests))
    lines += [f'echo "{PREP_NS} $(( $(date +%s%N) - _s0 ))"', f'echo "{START}"', "_t0=$(date +%s%N)",
              f"{test_cmd} {args}", "_rc=$?", f'echo "{TEST_NS} $(( $(date +%s%N) - _t0 ))"', f'echo "{EXIT} $_rc"']
    return "\n".join(lines) + "\n"


_EXIT_RE = re.compile(rf"^{re.escape(EXIT)} (\d+)$", re.M)


def to_result(output: str, *, exit_code: int | None, timed_out: bool, duration_s: float, parser: str,
              tests: Sequence[str]) -> TestResult:
    """Turn a finished run's output into a TestResult (per-test statuses, apply status, missing ids)."""
    if APPLY_FAILED in output or exit_code == APPLY_FAILED_CODE:
        err = output.split(APPLY_FAILED, 1)[0][-3000:] if APPLY_FAILED in output else output[-3000:]
        return TestResult(applied=False, apply_error=err.strip() or "patch did not apply", exit_code=exit_code,
                          timed_out=timed_out, duration_s=duration_s, output=output)
    test_log = output.split(START, 1)[1] if START in output else ""
    m = _EXIT_RE.search(test_log)
    code = int(m.group(1)) if m else exit_code
    statuses = get_parser(parser)(test_log)
    error = None
    if timed_out:
        error = f"timed out after {duration_s:.0f}s"
    elif START not in output:
        error = f"the run stopped before the tests started (exit {exit_code})"
    missing = missing_tests(list(tests), statuses) if not timed_out else []
    if missing:
        for t in missing:
            statuses[t] = TestStatus.ERROR
        note = f"tests not found or not run: {', '.join(missing[:10])}" + (" ..." if len(missing) > 10 else "")
        error = f"{error}; {note}" if error else note
    return TestResult(applied=True, exit_code=code, timed_out=timed_out,
                      duration_s=duration_s, output=output, tests=statuses, error=error)


_TEST_NS_RE = re.compile(rf"^{re.escape(TEST_NS)} (\d+)$", re.M)


def test_seconds(output: str) -> float | None:
    """How long the test command itself ran (None when it did not finish)."""
    m = _TEST_NS_RE.search(output)
    return int(m.group(1)) / 1e9 if m else None


_PREP_NS_RE = re.compile(rf"^{re.escape(PREP_NS)} (\d+)$", re.M)


def prep_seconds(output: str) -> float | None:
    """How long the script ran before the test command (patches, setup); None when it did not get there."""
    m = _PREP_NS_RE.search(output)
    return int(m.group(1)) / 1e9 if m else None


_NOT_FOUND = re.compile(r"^ERROR: (?:not found|file or directory not found): (\S+)", re.M)


def unknown_ids(output: str, tests: Sequence[str]) -> list[str]:
    """Requested ids pytest refused as not found (it then runs nothing, so callers retry without them)."""
    bad = [m.group(1) for m in _NOT_FOUND.finditer(output)]
    return [t for t in tests if any(b == t or b.endswith("/" + t) for b in bad)]


def run_without_unknown(run: Callable[[list[str]], TestResult], tests: Sequence[str]) -> TestResult:
    """Run ``tests``; when pytest refuses some ids as unknown (and so ran nothing), run again without
    them and mark them ERROR. The one rule for every backend."""
    tests = list(tests)
    result = run(tests)
    unknown = unknown_ids(result.output, tests) if result.applied else []
    if unknown and len(unknown) < len(tests):
        result = run([t for t in tests if t not in unknown])
    return with_unknown(result, unknown)


def with_unknown(result: TestResult, unknown: Sequence[str]) -> TestResult:
    """Mark ``unknown`` ids as ERROR in a retried run's result and say so in ``error``."""
    if not unknown:
        return result
    tests = dict(result.tests) | {t: TestStatus.ERROR for t in unknown}
    note = f"tests not found: {', '.join(unknown[:10])}" + (" ..." if len(unknown) > 10 else "")
    error = f"{result.error}; {note}" if result.error else note
    return result.model_copy(update={"tests": tests, "error": error})
