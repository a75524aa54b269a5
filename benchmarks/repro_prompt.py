"""Reproduction tests the model writes: today's prompt, which shares the edit prompts' head, against
the separate prompt it replaced (issue #19).

Sharing the head lets a prefix-caching server skip a second evaluation of the issue and the
code, and lets the tests be decoded in the sampling batch; this checks that the tests are no
worse for it. For each bundled bug (the real localiser builds the context, as a solve does),
each prompt gets the verifier's requests (one greedy answer, the rest at T=0.8); every test file
extracted from an answer is run by the sandbox on the original code and with the bug's known
fix. A test is *failing* when some test in it fails on the original code (the verifier keeps
only those) and *discriminating* when one of those passes with the fix (what lets the verifier
tell a fix from a non-fix). Per prompt: answers, tests extracted, failing, discriminating, bugs
with at least one discriminating test, seconds.

    python -m benchmarks.repro_prompt [--bugs a,b] [--answers 4] [--out benchmarks/results/repro-prompt.json]
"""

from __future__ import annotations

import argparse
import json
import platform
import tempfile
import time
from pathlib import Path

from agent.core.config import load_settings
from agent.core.events import EventBus
from agent.core.types import TestStatus
from agent.demo import EXAMPLES, bug_names, fresh_repo
from agent.embedded import open_llm
from agent.prompts import repro_messages
from agent.report import ReproTest
from agent.solve import retriever_factory
from agent.verify import repro_diff, write_repro_tests
from sandbox import open_sandbox
from sandbox.config import SandboxConfig

OLD_SYSTEM = """You write a minimal pytest test that reproduces a reported bug.
The test must FAIL on the current code because of the bug and PASS once the bug is fixed.
Import the code under test from the package as a user would. Use only the standard library
and pytest. Reply with one ```python block containing the whole test file and nothing else."""
"""The system message of the reproduction prompt before #19 (kept here only to compare)."""


def old_messages(issue: str, context) -> list[dict[str, str]]:
    user = f"## Issue\n{issue.strip()}\n\n## Relevant code\n{context.render()}\n\nWrite the test file (test functions named test_*)."
    return [{"role": "system", "content": OLD_SYSTEM}, {"role": "user", "content": user}]


PROMPTS = {"separate (before)": old_messages, "shared head (today)": repro_messages}


def judge(sandbox, repo: Path, fix: str, test: ReproTest) -> dict[str, bool]:
    diff = repro_diff([test])
    before = sandbox.run(repo, patch=diff, tests=[test.path], timeout_s=120)
    failing = {t for t, s in before.tests.items() if s != TestStatus.PASSED}
    if not failing:
        return {"failing": False, "discriminating": False}
    after = sandbox.run(repo, patch=fix + diff, tests=[test.path], timeout_s=120)
    return {"failing": True, "discriminating": any(after.tests.get(t) == TestStatus.PASSED for t in failing)}


def run_bug(name: str, model, settings, sandbox, answers: int, flip: bool, where: Path) -> dict:
    bug = EXAMPLES / "bugs" / name
    repo = fresh_repo(bug, where)
    issue = (bug / "issue.md").read_text()
    retriever = retriever_factory(settings)(repo, EventBus())
    context = retriever.context(retriever.localize(issue, top_k=20), budget_tokens=settings.retrieval.context_tokens)
    fix = (bug / "fix.patch").read_text()
    out = {}
    for label in (list(PROMPTS)[::-1] if flip else list(PROMPTS)):
        messages = PROMPTS[label](issue, context)
        started = time.monotonic()
        texts = [c.text for c in model.complete_many(
            [(messages, 0.0 if i == 0 else 0.8) for i in range(answers)], max_tokens=settings.solve.answer_tokens)]
        seconds = time.monotonic() - started
        tests = write_repro_tests(texts)
        judged = [judge(sandbox, repo, fix, t) for t in tests]
        out[label] = {"answers": len(texts), "tests": len(tests), "failing": sum(j["failing"] for j in judged),
                      "discriminating": sum(j["discriminating"] for j in judged), "seconds": round(seconds, 1)}
        print(f"{name:28} {label:20} tests {len(tests)}/{len(texts)} failing {out[label]['failing']} "
              f"discriminating {out[label]['discriminating']} in {seconds:.0f}s", flush=True)
    return out


def summarise(per_bug: dict[str, dict]) -> dict:
    summary = {}
    for label in PROMPTS:
        rows = [b[label] for b in per_bug.values() if label in b]
        total = {k: sum(r[k] for r in rows) for k in ("answers", "tests", "failing", "discriminating")}
        total["bugs_with_a_discriminating_test"] = sum(r["discriminating"] > 0 for r in rows)
        total["seconds"] = round(sum(r["seconds"] for r in rows), 1)
        summary[label] = total
    return summary


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--bugs", help="comma-separated bug names (default: all bundled bugs)")
    parser.add_argument("--answers", type=int, default=4, help="answers per prompt, as solve.repro_samples")
    parser.add_argument("--out", type=Path, default=Path("benchmarks/results/repro-prompt.json"))
    args = parser.parse_args()
    settings = load_settings(None, {"retrieval": {"dense": False}})
    names = args.bugs.split(",") if args.bugs else bug_names()
    sandbox = open_sandbox(SandboxConfig(backend="local"))
    per_bug: dict[str, dict] = {}
    with open_llm(settings) as model, tempfile.TemporaryDirectory() as tmp:
        for i, name in enumerate(names):  # the order of the two prompts alternates bug by bug
            per_bug[name] = run_bug(name, model, settings, sandbox, args.answers, i % 2 == 1, Path(tmp))
            result = {"model": model.describe(), "answers_per_prompt": args.answers, "machine": platform.node(),
                      "per_bug": per_bug, "summary": summarise(per_bug)}
            args.out.write_text(json.dumps(result, indent=1) + "\n")
    for label, total in result["summary"].items():
        print(f"{label:20} {total}")


if __name__ == "__main__":
    main()
