"""`capuchin swebench run|eval`: batch predictions over a SWE-bench dataset, and grading them."""

from __future__ import annotations

from pathlib import Path

import typer
from rich.console import Console

console = Console(stderr=True)
swebench_app = typer.Typer(help="SWE-bench: batch runs (predictions) and official-style evaluation.",
                           no_args_is_help=True)

DatasetOpt = typer.Option(..., "--dataset", help="Local .jsonl/.json/.parquet in SWE-bench's schema, or a "
                          "Hugging Face name (e.g. princeton-nlp/SWE-bench_Lite) when the hub is reachable.")
SplitOpt = typer.Option("test", "--split", help="Split of a Hugging Face dataset.")
InstancesOpt = typer.Option(None, "--instances", help="Only instance ids matching this regular expression.")
IdsOpt = typer.Option(None, "--instance-ids", help="Only the instance ids in this file (one a line).")
ReposOpt = typer.Option(None, "--repos", help="Folder of the repositories' git histories, <owner>+<name> (or <owner>+<name>/repo) "
                        "(default: config sandbox.repos, else the per-user cache).")


def _rows(dataset: str, split: str, instances: str | None, ids_file: Path | None, slice_: str | None = None,
          shuffle: bool = False, seed: int = 0) -> tuple[list[dict], list[dict]]:
    """The whole dataset and the instances chosen from it."""
    from swebatch.data import load_dataset, read_ids, select

    rows = load_dataset(dataset, split)
    ids = read_ids(ids_file) if ids_file else None
    return rows, select(rows, pattern=instances, ids=ids, slice_=slice_, shuffle=shuffle, seed=seed)


@swebench_app.command("run")
def run_cmd(
    dataset: str = DatasetOpt,
    out: Path = typer.Option(..., "--out", help="Run folder: one folder per instance, predictions.jsonl, "
                             "preds.json, summary.json. Rerunning the same command resumes."),
    split: str = SplitOpt,
    instances: str | None = InstancesOpt,
    instance_ids: Path | None = IdsOpt,
    slice_: str | None = typer.Option(None, "--slice", help="START:STOP of the chosen instances, e.g. 0:50."),
    shuffle: bool = typer.Option(False, "--shuffle", help="Shuffle (before --slice)."),
    seed: int = typer.Option(0, "--seed", help="Seed of --shuffle."),
    workers: int | None = typer.Option(None, "--workers", help="Instances in flight (swebench.workers); sandbox "
                                       "runs at once are sandbox.concurrency."),
    executor: str = typer.Option("local", "--executor", help="local (threads) | ray."),
    ray_address: str | None = typer.Option(None, "--ray-address", help="Join this Ray cluster (default: start "
                                           "Ray on this machine)."),
    repos: Path | None = ReposOpt,
    retry_errors: bool = typer.Option(False, "--retry-errors", help="Run agent_error/infra_error instances again."),
    redo: bool = typer.Option(False, "--redo", help="Run every instance again."),
    samples: int | None = typer.Option(None, "--samples", help="Samples per temperature."),
    temperatures: str | None = typer.Option(None, "--temperatures", help="Comma-separated, e.g. 0,0.4,0.8."),
    model_name: str | None = typer.Option(None, "--model-name", help="model_name_or_path in the predictions."),
    sandbox_mode: str = typer.Option("instance", "--sandbox", help="instance: the SWE-bench instance image; "
                                     "repo: the generic sandbox on the checkout (repositories without a spec)."),
    timeout: float | None = typer.Option(None, "--instance-timeout", help="Hard limit per instance, seconds."),
    grade_candidates: bool = typer.Option(False, "--grade-candidates", help="Afterwards grade every distinct "
                                          "verified candidate: coverage@k and selected@k of the run."),
    validation: Path | None = typer.Option(None, "--validation", help="Test lists for --grade-candidates when "
                                           "the dataset has none (`capuchin sandbox validate` output)."),
) -> None:
    """Solve every chosen instance; write predictions in the official format (resumable, crash-safe)."""
    from agent.core.config import settings_for
    from agent.embedded import open_llm
    from agent.solve_cli import _parse_temperatures
    from swebatch.batch import BatchRun, RunOptions
    from swebatch.executors import open_pool
    from swebatch.work import CapuchinWork, RepoSandbox

    settings = settings_for(None, sandbox={"repos": str(repos) if repos else None},
                            solve={"samples": samples, "temperatures": _parse_temperatures(temperatures)},
                            swebench={"workers": workers, "model_name": model_name, "instance_timeout_s": timeout})
    cfg = settings.swebench
    _, rows = _rows(dataset, split, instances, instance_ids, slice_, shuffle, seed)
    name = cfg.model_name or default_model_name(settings)
    options = RunOptions(out=out, model_name=name, workers=cfg.workers, retry_errors=retry_errors, redo=redo,
                         instance_timeout_s=cfg.instance_timeout_s, min_free_gb=cfg.min_free_gb,
                         meta={"dataset": dataset, "model_name_or_path": name, "executor": executor,
                               "capuchin": capuchin_version(), "solve": settings.solve.model_dump()})
    if sandbox_mode not in ("instance", "repo"):
        from agent.core.errors import InputError

        raise InputError(f"--sandbox takes instance or repo, not {sandbox_mode!r}")
    with open_llm(settings) as llm:
        llm.check()
        work = CapuchinWork(settings, (llm.config, llm.base_url), name,
                            sandbox=RepoSandbox(settings.sandbox) if sandbox_mode == "repo" else None)
        pool = open_pool(executor, cfg.workers, ray_address)
        with RunProgress(len(rows)) as listener:
            summary = BatchRun(work, pool, options, listener).run(rows)
        pool.close(now=False)
    print_summary(summary, out)
    if grade_candidates:
        _coverage(out, rows, settings, validation)


@swebench_app.command("coverage")
def coverage_cmd(
    out: Path = typer.Argument(..., help="A `swebench run` folder."),
    dataset: str = DatasetOpt,
    split: str = SplitOpt,
    instances: str | None = InstancesOpt,
    repos: Path | None = ReposOpt,
    validation: Path | None = typer.Option(None, "--validation", help="Test lists when the dataset has none."),
) -> None:
    """Grade every distinct verified candidate of a run; write coverage.json and coverage.png into it."""
    from agent.core.config import settings_for

    settings = settings_for(None, sandbox={"repos": str(repos) if repos else None})
    _, rows = _rows(dataset, split, instances, None)
    _coverage(out, rows, settings, validation)


def _coverage(out: Path, rows: list[dict], settings, validation: Path | None) -> None:
    from swebatch.coverage import coverage_report, grade_candidates
    from swebatch.tests import TestLists

    source = validation or (Path(settings.swebench.validation) if settings.swebench.validation else None)
    tests = TestLists(source)
    with _progress("grading candidates", 0) as advance:
        grades = grade_candidates(out, rows, _runner(settings, None), tests, on_done=advance)
    summary = coverage_report(out, rows, grades)["summary"]
    for k, cov in summary["coverage"].items():
        console.print(f"k={k:>2}  coverage {cov:.2f}  selected {summary['selected'][k]:.2f}")
    console.print(f"pass@1 {summary['pass@1']:.2f} over {summary['instances']} instances; "
                  f"{out / 'coverage.json'}, {out / 'coverage.png'}")


def default_model_name(settings) -> str:
    model = settings.llm.model if settings.llm.base_url else f"embedded-{settings.embedded.model}"
    return f"capuchin__{model}"


def capuchin_version() -> dict:
    import subprocess
    from importlib.metadata import PackageNotFoundError, version

    try:
        ver = version("capuchin-agent")
    except PackageNotFoundError:
        ver = "unknown"
    here = Path(__file__).resolve().parent
    head = subprocess.run(["git", "-C", str(here), "rev-parse", "--short", "HEAD"], capture_output=True, text=True)
    return {"version": ver, "commit": head.stdout.strip() or None}


class RunProgress:
    """Live progress of a batch run: done/total with ETA, statuses so far, tokens and cost."""

    def __init__(self, total: int):
        from collections import Counter

        from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

        self.counts: Counter = Counter()
        self.tokens, self.cost, self.inflight = 0, 0.0, 0
        self.bar = Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                            TimeRemainingColumn(), console=console)
        self.task = self.bar.add_task("instances", total=total)

    def __enter__(self):
        self.bar.start()
        return self.on_event

    def on_event(self, kind: str, row: dict, record) -> None:
        if kind == "started":
            self.inflight += 1
        elif kind == "skipped":
            self.counts[record.status] += 1
            self.bar.advance(self.task)
        else:
            self.inflight -= 1
            self.counts[record.status] += 1
            self.tokens += record.prompt_tokens + record.completion_tokens
            self.cost += record.cost_usd
            colour = {"solved": "green", "no_candidate": "yellow"}.get(record.status, "red")
            note = f" [dim]{(record.error or '').splitlines()[0][:90]}[/]" if record.error else ""
            self.bar.console.print(f"[{colour}]{record.status:>12}[/] {record.instance_id} "
                                   f"[dim]({record.seconds:.0f}s)[/]{note}")
            self.bar.advance(self.task)
        statuses = " ".join(f"{k} {v}" for k, v in sorted(self.counts.items()))
        self.bar.update(self.task, description=f"{statuses or 'starting'} | in flight {self.inflight} | "
                                               f"{self.tokens / 1000:.1f}k tokens ${self.cost:.2f}")

    def __exit__(self, *exc) -> None:
        self.bar.stop()


def print_summary(summary: dict, out: Path) -> None:
    for status, n in summary["statuses"].items():
        console.print(f"{status:>13}: {n}")
    console.print(f"{'tokens':>13}: {summary['prompt_tokens'] + summary['completion_tokens']} "
                  f"(${summary['cost_usd']:.2f}), wall {summary['wall_s']:.0f}s")
    if summary.get("stopped"):
        console.print(f"[yellow]stopped early:[/] {summary['stopped']}")
    console.print(f"predictions: {out / 'predictions.jsonl'} (grade: capuchin swebench eval "
                  f"{out / 'predictions.jsonl'} --dataset ... --run-id ...)")


@swebench_app.command("eval")
def eval_cmd(
    predictions: str = typer.Argument(..., help="`gold`, a .jsonl, or a .json list/dict (SWE-agent preds.json)."),
    dataset: str = DatasetOpt,
    run_id: str = typer.Option(..., "--run-id", help="Names the logs folder, the report and the containers."),
    split: str = SplitOpt,
    instances: str | None = InstancesOpt,
    instance_ids: Path | None = IdsOpt,
    workers: int | None = typer.Option(None, "--workers", help="Instances graded at once (config "
                                       "swebench.eval_workers)."),
    rewrite_reports: bool = typer.Option(False, "--rewrite-reports", help="Regrade from the saved logs; "
                                         "run nothing."),
    validation: Path | None = typer.Option(None, "--validation", help="`capuchin sandbox validate` output: "
                                           "FAIL_TO_PASS/PASS_TO_PASS for datasets without them."),
    validate: bool = typer.Option(False, "--validate", help="Validate instances that have no lists or "
                                  "record yet, appending to --validation."),
    cache_level: str | None = typer.Option(None, "--cache-level", help="none | base | env | instance: images "
                                           "kept afterwards (official --cache_level; default env)."),
    repos: Path | None = ReposOpt,
    log_dir: Path = typer.Option(Path("logs/run_evaluation"), "--log-dir", help="Per-instance logs."),
    report_dir: Path = typer.Option(Path("."), "--report-dir", help="Where <model>.<run_id>.json goes."),
    timeout: float | None = typer.Option(None, "--timeout", help="Test run limit in seconds (sandbox.timeout_s)."),
) -> None:
    """Grade predictions as the official harness does; print and write the final report."""
    from agent.core.config import settings_for
    from agent.core.errors import InputError
    from swebatch.data import load_predictions
    from swebatch.evaluate import EvalOptions, Evaluator
    from swebatch.report import report_path
    from swebatch.tests import TestLists

    settings = settings_for(None, sandbox={"repos": str(repos) if repos else None},
                            swebench={"eval_workers": workers, "cache_level": cache_level,
                                      "validation": str(validation) if validation else None})
    cfg = settings.swebench
    everything, rows = _rows(dataset, split, instances, instance_ids)
    preds = load_predictions(predictions, rows)
    unknown = sorted(set(preds) - {r["instance_id"] for r in everything})
    if unknown:
        raise InputError(f"{len(unknown)} predictions are for instances not in {dataset}: {', '.join(unknown[:5])}")
    if validate and not cfg.validation:
        raise InputError("--validate appends to the --validation file: give one")
    # nothing to run (regrading saved logs, or only empty patches): no Docker needed
    idle = rewrite_reports or not any(p.get("model_patch") for p in preds.values())
    runner = None if idle else _runner(settings, timeout)
    tests = TestLists(Path(cfg.validation) if cfg.validation else None, runner=runner if validate else None)
    options = EvalOptions(run_id=run_id, log_root=log_dir, report_dir=report_dir, workers=cfg.eval_workers,
                          rewrite_reports=rewrite_reports, cache_level=cfg.cache_level)
    todo = sum(1 for r in rows if r["instance_id"] in preds)
    with _progress("grading", todo) as advance:
        report = Evaluator(runner, tests, options, on_done=advance).evaluate(rows, preds)
    _print_report(report)
    console.print(f"report: {report_path(preds, options)}")


def _runner(settings, timeout: float | None):
    from sandbox.docker_backend import DockerSandbox
    from sandbox.swebench import InstanceRunner

    return InstanceRunner(DockerSandbox(settings.sandbox), timeout_s=timeout)


class _progress:
    """A rich progress bar whose ``advance(outcome)`` also prints each instance's outcome."""

    def __init__(self, what: str, total: int):
        from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

        self.bar = Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                            TimeRemainingColumn(), console=console, transient=True)
        self.task = self.bar.add_task(what, total=total)

    def __enter__(self):
        self.bar.start()
        return self.advance

    def advance(self, outcome) -> None:
        colour = {"resolved": "green", "unresolved": "yellow", "error": "red"}.get(outcome.status, "dim")
        note = f" [dim]{outcome.note[:100]}[/]" if outcome.note else ""
        self.bar.console.print(f"[{colour}]{outcome.status:>13}[/] {outcome.instance_id} "
                               f"[dim]({outcome.seconds:.0f}s)[/]{note}")
        self.bar.advance(self.task)

    def __exit__(self, *exc) -> None:
        self.bar.stop()


def _print_report(report: dict) -> None:
    keys = ("total_instances", "submitted_instances", "completed_instances", "resolved_instances",
            "unresolved_instances", "empty_patch_instances", "error_instances")
    for key in keys:
        console.print(f"{key.replace('_', ' '):>22}: {report[key]}")
    if report.get("not_validated_ids"):
        console.print(f"{'not validated':>22}: {len(report['not_validated_ids'])}")


def register(app: typer.Typer) -> None:
    app.add_typer(swebench_app, name="swebench")
