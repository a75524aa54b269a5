"""Coverage@k and selected@k over the bundled bug suite (Large Language Monkeys on our stack).

The estimators live in ``benchmarks.curves`` (shared with SWE-bench runs). For each bug in ``examples/bugs``: solve it once with K samples (the real pipeline:
retrieval, sampling, editing, sandbox verification), then judge every candidate with the
bug's hidden tests, which the agent never sees, and the project's own tests (a candidate is
correct when all pass, as SWE-bench counts FAIL_TO_PASS and PASS_TO_PASS). From those K
judged samples, for each k:

* coverage@k: the chance that at least one of k samples is correct (the unbiased
  pass@k estimator of Chen et al. over the K samples);
* selected@k: the chance that the candidate our selection picks from k random samples is
  correct (votes recounted within the subset; test evidence is per candidate), averaged
  over ``--subsets`` random subsets;
* pass@1: the fraction of correct samples.

    python -m benchmarks.coverage [--max-k 32] [--bugs a,b] [--out benchmarks/results/coverage.json]
    python -m benchmarks.coverage --reselect   # re-score selection from the stored evidence
    python -m benchmarks.coverage --rejudge    # judge the stored candidates again, then re-score

Writes the JSON (resumable: bugs already in it are skipped), the per-candidate evidence
(``coverage.evidence.jsonl``) and a PNG plot next to it.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import fields
from pathlib import Path
from statistics import mean, median

from agent.core.config import load_settings
from agent.core.errors import NoVerifiedCandidate
from agent.core.events import EventBus
from agent.core.types import Candidate, Verdict
from agent.demo import EXAMPLES, all_passed, bug_names, fresh_repo, run_hidden_tests
from agent.model_figures import fixes_per_minute, wall_seconds
from agent.pipeline import Pipeline
from agent.report import SolveReport
from agent.selection import Weights
from agent.solve import open_components
from benchmarks.curves import KS, curves, mean_curves, plot


def judge(sandbox, repo: Path, bug: Path, candidates: list[Candidate], concurrency: int = 2) -> dict[str, bool]:
    """Verdict per distinct diff (duplicates share it): the hidden tests and the project's own
    tests all pass (agent.demo.run_hidden_tests). Runs ``concurrency`` at once, as verification does."""
    diffs = list(dict.fromkeys(c.diff for c in candidates if c.diff is not None))
    with ThreadPoolExecutor(max_workers=max(1, concurrency)) as pool:
        passed = pool.map(lambda d: all_passed(run_hidden_tests(sandbox, repo, bug, d, timeout_s=300)), diffs)
        correct = dict(zip(diffs, passed, strict=True))
    return {c.id: bool(c.diff) and correct.get(c.diff, False) for c in candidates}


def samples_per_temperature(max_k: int, settings) -> int:
    """Samples per non-zero temperature so that a solve draws about ``max_k`` in all: the pipeline
    adds one greedy answer per focus (up to ``solve.focus_targets``), so those count towards k."""
    hot = len([t for t in settings.solve.temperatures if t > 0]) or 1
    greedy = settings.solve.focus_targets if 0 in settings.solve.temperatures else 0
    return max(1, -(-(max_k - greedy) // hot))


def solve_bug(bug: Path, settings, max_k: int, workdir: Path) -> dict:
    repo = fresh_repo(bug, workdir)
    settings.solve.samples = samples_per_temperature(max_k, settings)
    bus = EventBus()
    started = time.monotonic()
    with open_components(settings, bus) as components:
        opened = time.monotonic()
        try:
            report = Pipeline(components, bus).solve(repo, (bug / "issue.md").read_text())
        except NoVerifiedCandidate as exc:
            report = exc.report
        solved = time.monotonic()
        correct = judge(components.sandbox, repo, bug, report.candidates, settings.sandbox.concurrency)
    return {"report": report, "correct": correct, "seconds": time.monotonic() - started,
            "timing": timing(opened - started, solved - opened, time.monotonic() - solved, report)}


def timing(startup_s: float, solve_s: float, judge_s: float, report: SolveReport) -> dict:
    """Where a bug's wall time went. ``wall`` is what a user waits for (the model server's start
    and the solve); judging with the hidden tests is the benchmark's own cost, kept apart."""
    stages = {name: round(s, 1) for name, s in report.stage_seconds.items()}
    return {"wall": round(startup_s + solve_s, 1), "startup": round(startup_s, 1), "solve": round(solve_s, 1),
            "judge": round(judge_s, 1), **stages}


def model_label(settings) -> str:
    return settings.llm.model if settings.llm.base_url else f"embedded {settings.embedded.model}"


def backend_label(settings) -> str:
    """Which server sampled (wall time, hence fixes per minute, depends on it)."""
    from agent.embedded_backends import choose_backend

    return "endpoint" if settings.llm.base_url else choose_backend(settings.embedded).name


def summarise(per_bug: dict[str, dict], ks: list[int]) -> dict:
    """Means over the bugs run so far, with what is missing and which code ran each bug
    (derived from the rows, so re-scoring or resuming never loses it)."""
    rows = list(per_bug.values())
    commits: dict[str, list[str]] = {}
    for name, row in per_bug.items():
        commits.setdefault(row.get("commit", "unknown"), []).append(name)
    missing = [name for name in bug_names() if name not in per_bug]
    return {
        "bugs": len(rows),
        **mean_curves(rows, ks),
        "seconds_per_bug": mean([r.get("seconds", 0.0) for r in rows]) if rows else 0.0,
        "median_wall_s": median([wall_seconds(r) for r in rows]) if rows else 0.0,
        **{f"median_{part}_s": median(parts) for part in ("sample", "verify")
           if (parts := [r["timing"][part] for r in rows if part in r.get("timing", {})])},
        "fixes_per_minute": fixes_per_minute(per_bug),
        "complete": not missing,
        "missing": missing,
        "commits": commits,
    }


def code_version() -> str:
    """The commit the run's code came from (``+dirty`` if the work tree differs)."""
    head = subprocess.run(["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True, cwd=EXAMPLES.parent)
    dirty = subprocess.run(["git", "status", "--porcelain", "--", "agent", "editing", "retrieval", "sandbox"],
                           capture_output=True, text=True, cwd=EXAMPLES.parent)
    return head.stdout.strip() + ("+dirty" if dirty.stdout.strip() else "")


def evidence_record(name: str, report: SolveReport, correct: dict[str, bool]) -> dict:
    """What selection needs, kept beside the figures so a changed selection policy can be
    re-scored (``--reselect``) without sampling the model again. Raw answers stay out."""
    return {
        "bug": name,
        "candidates": [c.model_dump(exclude={"raw"}) for c in report.candidates],
        "verdicts": [v.model_dump() for v in report.verdicts],
        "repro_tests": [t.model_dump(exclude={"code"}) for t in report.repro_tests],
        "chosen": report.chosen,
        "correct": correct,
    }


def from_record(record: dict) -> tuple[SolveReport, dict[str, bool]]:
    candidates = [Candidate(**c) for c in record["candidates"]]
    # Each sample's own focus place, derived rather than read: a stored representative carries the
    # best place of all its duplicates (a subset without them must not get it), and older records
    # carry none. The sampling plan deals focuses out round-robin, best first, so the order in
    # which the focuses first appear is their order.
    places: dict[str, int] = {}
    for c in sorted(candidates, key=lambda c: c.id):
        c.focus_rank = None if c.focus is None else places.setdefault(c.focus, len(places))
    report = SolveReport(run_id="reselect", repo="", issue="", chosen=record["chosen"],
                         candidates=candidates, verdicts=[Verdict(**v) for v in record["verdicts"]])
    return report, record["correct"]


def read_evidence(evidence: Path) -> list[dict]:
    return [json.loads(line) for line in evidence.read_text().splitlines() if line.strip()]


def rejudge(evidence: Path, settings) -> None:
    """Judge every stored candidate again with the current judge (sandbox only, no model)."""
    from rich.progress import track

    from sandbox import open_sandbox

    sandbox = open_sandbox(settings.sandbox)
    records = read_evidence(evidence)
    for record in track(records, description="re-judging"):
        report, _ = from_record(record)
        with tempfile.TemporaryDirectory(prefix="capuchin-cov-") as tmp:
            repo = fresh_repo(EXAMPLES / "bugs" / record["bug"], Path(tmp))
            record["correct"] = judge(sandbox, repo, EXAMPLES / "bugs" / record["bug"], report.candidates)
    evidence.write_text("".join(json.dumps(r) + "\n" for r in records))


def reselect(data: dict, evidence: Path, ks: list[int], subsets: int, weights: Weights) -> None:
    """Recompute every bug's curves from its stored evidence with the current selection code."""
    records = read_evidence(evidence)
    for i, record in enumerate(records):
        report, correct = from_record(record)
        row = data["per_bug"].get(record["bug"], {})
        row |= json.loads(json.dumps(curves(report, correct, ks, subsets, seed=i, weights=weights)))
        row["chosen_correct"] = bool(report.chosen) and correct.get(report.chosen, False)
        data["per_bug"][record["bug"]] = row
    data["summary"] = summarise(data["per_bug"], ks)


def run_one_bug(name: str, args, ks: list[int], data: dict, evidence: Path, version: str) -> None:
    """Solve and judge one bug, adding its row and evidence to ``data``; a failure is recorded under
    ``data["errors"]`` (and retried on the next run) instead of ending the whole benchmark."""
    settings = load_settings(None)
    errors = data.setdefault("errors", {})
    load_start = [round(x, 2) for x in os.getloadavg()]
    try:
        with tempfile.TemporaryDirectory(prefix="capuchin-cov-") as tmp:
            run = solve_bug(EXAMPLES / "bugs" / name, settings, args.max_k, Path(tmp))
    except Exception as exc:  # any failure: recorded and counted, the other bugs still run
        errors[name] = f"{type(exc).__name__}: {str(exc)[:500]}"
        print(f"{name}: error: {errors[name]}", flush=True)
        data["summary"] = summarise(data["per_bug"], ks) | {"errors": len(errors)}
        return
    errors.pop(name, None)
    row = curves(run["report"], run["correct"], ks, args.subsets, seed=len(data["per_bug"]))
    row |= {"seconds": round(run["seconds"], 1), "chosen_correct": bool(run["report"].chosen)
            and run["correct"].get(run["report"].chosen, False), "commit": version,
            "load_avg": round(os.getloadavg()[0], 2), "load_avg_start": load_start,
            "timing": run["timing"], "model": model_label(settings), "backend": backend_label(settings)}
    data["per_bug"][name] = json.loads(json.dumps(row))  # str keys, as stored
    with evidence.open("a", encoding="utf-8") as fh:
        fh.write(json.dumps(evidence_record(name, run["report"], run["correct"])) + "\n")
    print(f"{name}: n={row['n']} correct={row['correct']} chosen_correct={row['chosen_correct']} "
          f"({row['seconds']:.0f}s: {run['timing']}, load {row['load_avg']})", flush=True)
    data["summary"] = summarise(data["per_bug"], ks) | {"errors": len(errors)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--max-k", type=int, default=32)
    parser.add_argument("--bugs", help="comma-separated names (default: all)")
    parser.add_argument("--subsets", type=int, default=50)
    parser.add_argument("--out", type=Path, default=Path("benchmarks/results/coverage.json"))
    parser.add_argument("--reselect", action="store_true",
                        help="re-score selection from the stored evidence (no model, no sandbox)")
    parser.add_argument("--rejudge", action="store_true",
                        help="judge the stored candidates again (sandbox, no model), then re-score")
    for weight in fields(Weights):
        parser.add_argument(f"--{weight.name}", type=float, default=weight.default,
                            help=f"selection weight for --reselect (default {weight.default})")
    args = parser.parse_args()
    ks = [k for k in KS if k <= args.max_k]
    names = args.bugs.split(",") if args.bugs else bug_names()
    data = json.loads(args.out.read_text()) if args.out.exists() else {"per_bug": {}}
    data["args"] = vars(args) | {"out": str(args.out)}
    data.setdefault("model", model_label(load_settings(None)))
    data.setdefault("backend", backend_label(load_settings(None)))
    evidence = args.out.with_suffix(".evidence.jsonl")
    version = code_version()  # the code this process imported, whatever is committed meanwhile
    if args.rejudge:
        rejudge(evidence, load_settings(None))
    if args.reselect or args.rejudge:
        reselect(data, evidence, ks, args.subsets, Weights(**{w.name: getattr(args, w.name) for w in fields(Weights)}))
        names = []
    for name in names:
        if name in data["per_bug"]:
            continue  # resume
        run_one_bug(name, args, ks, data, evidence, version)
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(json.dumps(data, indent=2))
    summary = data.get("summary") or summarise(data["per_bug"], ks)
    args.out.write_text(json.dumps(data, indent=2))
    for k in ks:
        print(f"k={k:>2}  coverage {summary['coverage'][str(k)]:.2f}  selected {summary['selected'][str(k)]:.2f}")
    print(f"pass@1 {summary['pass@1']:.2f} over {summary['bugs']} bugs ({len(data.get('errors', {}))} errors); "
          f"{summary.get('seconds_per_bug', 0):.0f} s per bug, {summary.get('fixes_per_minute') or 0:.3f} fixes/min")
    plot(summary, args.out.with_suffix(".png"), f"Capuchin on the bundled bug suite ({data['model']})",
         f"fraction of {summary['bugs']} bugs")


if __name__ == "__main__":
    main()
