"""`capuchin sandbox base|build|run|doctor|gc|validate`."""

from __future__ import annotations

import json
import warnings
from pathlib import Path

import typer
from rich.console import Console

from agent.core.errors import InputError

console = Console(stderr=True)
sandbox_app = typer.Typer(help="Isolated test runs (Docker images in layers, or a local fallback).",
                          no_args_is_help=True)

BackendOpt = typer.Option(None, "--backend", help="auto | docker | local (default: config sandbox.backend).")
ReposOpt = typer.Option(None, "--repos", help="Folder of the repositories' git histories, <owner>+<name> (or <owner>+<name>/repo) "
                        "(default: config sandbox.repos, else the per-user cache).")


def _settings(repo: Path | None, **flags):
    from agent.core.config import settings_for

    return settings_for(repo, sandbox=flags).sandbox


def _bus():
    """Image builds take minutes: show their log events on stderr."""
    from agent.core.events import EventBus

    bus = EventBus()
    # warnings also go through `warnings`, which the commands print themselves
    bus.subscribe(lambda e: console.print(f"[dim]{e.message}[/]")
                  if e.kind == "log" and not e.message.startswith("warning:") else None)
    return bus


def _docker(config):
    from sandbox.docker_backend import DockerSandbox

    return DockerSandbox(config, _bus())


@sandbox_app.command("base")
def base_cmd(
    suite: list[str] = typer.Option(None, "--suite", help="Debian suites to build (default: bookworm, bullseye; trixie, for Python 3.13, is built when first needed)."),
) -> None:
    """Build (or find cached) the base images: Debian minbase + Python, by debootstrap (idempotent)."""
    from sandbox.specs import ON_DEMAND_PYTHONS, SUITE_FOR_PYTHON, BaseSpec

    config = _settings(None)
    sb = _docker(config)
    default = [s for py, s in SUITE_FOR_PYTHON.items() if py not in ON_DEMAND_PYTHONS]
    for name in suite or default:
        tag = sb.builder.ensure_base(BaseSpec(name, mirror=config.debian_mirror))
        print(tag)


@sandbox_app.command("build")
def build_cmd(
    repo: Path | None = typer.Option(None, "--repo", help="A local repository: build its environment image."),
    instance: str | None = typer.Option(None, "--instance", help="A SWE-bench instance id (with --dataset)."),
    dataset: Path | None = typer.Option(None, "--dataset", help="SWE-bench-style JSONL file."),
    repos: Path | None = ReposOpt,
) -> None:
    """Build the image a run needs (base -> environment -> instance); cached layers are reused."""
    if (repo is None) == (instance is None):
        raise InputError("give exactly one of --repo PATH or --instance ID --dataset FILE")
    config = _settings(repo, repos=str(repos) if repos else None)
    sb = _docker(config)
    if repo is not None:
        print(sb.image_for(repo))
        return
    if dataset is None:
        raise InputError("--instance needs --dataset FILE")
    from sandbox.swebench import InstanceRunner, load_instances

    rows = load_instances(dataset, [instance])
    print(InstanceRunner(sb).build(rows[0]))


@sandbox_app.command("run")
def run_cmd(
    repo: Path = typer.Option(..., "--repo", help="Repository whose working tree is tested."),
    patch: Path | None = typer.Option(None, "--patch", help="Unified diff to apply first."),
    tests: list[str] = typer.Option(None, "--tests", help="Test ids (path::name); repeat or space-separate."),
    timeout: float | None = typer.Option(None, "--timeout", help="Wall-clock limit in seconds."),
    backend: str | None = BackendOpt,
    json_out: bool = typer.Option(False, "--json", help="Print the full result as JSON."),
) -> None:
    """Apply a patch to a copy of REPO and run tests in isolation; print per-test statuses."""
    from sandbox import open_sandbox
    from sandbox.worktree import check_repo

    check_repo(repo)
    if patch is not None and not patch.is_file():
        raise InputError(f"patch file {patch} does not exist")
    ids = [t for item in (tests or []) for t in item.split()]
    config = _settings(repo, backend=backend)
    with warnings.catch_warnings(record=True) as caught:  # shown as one line, not with a source excerpt
        warnings.simplefilter("always", RuntimeWarning)
        sandbox = open_sandbox(config, _bus())
    for w in caught:
        console.print(f"[yellow]warning:[/] {w.message}")
    result = sandbox.run(repo, patch=patch.read_text() if patch else None, tests=ids, timeout_s=timeout)
    if json_out:
        print(result.model_dump_json(indent=2))
    else:
        _print_result(result)
    if not result.applied or result.error or any(s != "PASSED" for s in result.tests.values()):
        raise typer.Exit(1)


def _print_result(result) -> None:
    summary = {"applied": result.applied, "tests": {k: str(v) for k, v in result.tests.items()},
               "exit_code": result.exit_code, "timed_out": result.timed_out,
               "duration_s": round(result.duration_s, 2)}
    if result.apply_error:
        summary["apply_error"] = result.apply_error[-1500:]
    if result.error:
        summary["error"] = result.error
    print(json.dumps(summary, indent=2))


@sandbox_app.command("doctor")
def doctor_cmd(
    repo: Path = typer.Argument(Path("."), help="The repository (default: the current directory)."),
    run: bool = typer.Option(True, "--run/--no-run", help="Build and run the whole suite once (default) "
                             "or only show what is inferred."),
    timeout: float | None = typer.Option(None, "--timeout", help="Wall-clock limit of the suite run in seconds."),
    json_out: bool = typer.Option(False, "--json", help="Print the report as JSON."),
) -> None:
    """Show the environment inferred for REPO (Python, install, test command, services), build it,
    run its test suite once and report how many tests pass. Exit 1 when the suite cannot run."""
    from sandbox.doctor import describe_lines, run_doctor, summary_lines
    from sandbox.infer import infer
    from sandbox.worktree import check_repo

    repo = check_repo(repo)
    if not run:
        lines = describe_lines(infer(repo))
        print(json.dumps(infer(repo).describe(), indent=2) if json_out else "\n".join(lines))
        return
    report = run_doctor(repo, _docker(_settings(repo)), timeout_s=timeout,
                        log=lambda line: console.print(line, markup=False, highlight=False, soft_wrap=True))
    if json_out:
        print(json.dumps(report.as_dict(), indent=2))
    else:
        print("\n".join(summary_lines(report)))
    if not report.ok:
        if not json_out and report.log_tail:
            console.print(report.log_tail[-1500:], markup=False, highlight=False)
        raise typer.Exit(1)


@sandbox_app.command("gc")
def gc_cmd(
    all_images: bool = typer.Option(False, "--all-images", help="Also remove images still in use recently."),
    include_base: bool = typer.Option(False, "--include-base", help="Also remove the debootstrapped base images."),
    dry_run: bool = typer.Option(False, "--dry-run", help="List what would be removed."),
) -> None:
    """Remove Capuchin's leftover containers and stale images."""
    from sandbox.gc import collect

    config = _settings(None)
    report = collect(_docker(config).client, max_age_h=0 if all_images else config.gc_max_age_h,
                     dry_run=dry_run, include_base=include_base)
    print(json.dumps(report, indent=2))


@sandbox_app.command("validate")
def validate_cmd(
    dataset: Path = typer.Option(..., "--dataset", help="SWE-bench-style JSONL file."),
    out: Path = typer.Option(..., "--out", help="Results JSONL (resumable: done instances are skipped)."),
    instances: list[str] = typer.Option(None, "--instances", help="Only these instance ids."),
    repos: list[str] = typer.Option(None, "--repo-filter", help="Only instances of these repositories."),
    workers: int = typer.Option(1, "--workers", help="Instances at once."),
    reverse: bool = typer.Option(False, "--reverse", help="Last instances first (a second process meets the "
                                 "first one in the middle)."),
    timeout: float | None = typer.Option(None, "--timeout", help="Per-run test timeout in seconds."),
    rerun: list[str] = typer.Option(None, "--rerun", help="Run again instances whose last status is this "
                                    "(not_validated, build_failed, apply_failed, error)."),
    repo_dir: Path | None = ReposOpt,
) -> None:
    """SWE-bench validation: FAIL_TO_PASS / PASS_TO_PASS per instance, without and with the gold patch."""
    from sandbox.swebench import InstanceRunner, load_instances
    from sandbox.validate import validate_all

    rows = load_instances(dataset, instances or None)
    if repos:
        rows = [r for r in rows if r["repo"] in set(repos)]
    if reverse:
        rows = rows[::-1]
    config = _settings(None, repos=str(repo_dir) if repo_dir else None)
    runner = InstanceRunner(_docker(config), timeout_s=timeout)
    tally = validate_all(runner, rows, out, workers=workers, log=console.print, rerun=rerun or ())
    print(json.dumps(tally, indent=2))


def register(app: typer.Typer) -> None:
    app.add_typer(sandbox_app, name="sandbox")
