"""`capuchin solve`: the main job, with progress in the terminal."""

from __future__ import annotations

from pathlib import Path

import typer
from rich.console import Console
from rich.markdown import Markdown
from rich.markup import escape
from rich.syntax import Syntax

from agent.core.errors import InputError, NoVerifiedCandidate
from agent.core.events import Event

err = Console(stderr=True)


def _parse_temperatures(text: str | None) -> list[float] | None:
    if text is None:
        return None
    try:
        temps = [float(t) for t in text.split(",") if t.strip()]
    except ValueError:
        raise InputError(f"--temperatures takes numbers separated by commas, got {text!r}") from None
    if not temps or any(not 0 <= t <= 2 for t in temps):
        raise InputError(f"--temperatures must be between 0 and 2, got {text!r}")
    return temps


def render_event(event: Event) -> None:
    """One line per interesting event; progress counters are left to richer frontends."""
    if event.kind == "stage_started":
        err.print(f"[bold cyan]▶ {event.stage}[/] {escape(event.message)}")
    elif event.kind == "stage_finished":
        err.print(f"[cyan]✓ {event.stage}[/] {escape(event.message)}")
    elif event.kind == "candidate":
        mark = "[green]+[/]" if event.data.get("ok") else "[red]x[/]"
        first = escape((event.message.splitlines() or [""])[0][:100])
        err.print(f"  {mark} {event.data['id']} T={event.data['temperature']}: {first}")
    elif event.kind in ("verdict", "log"):
        err.print(f"  {escape(event.message)}")
    elif event.kind == "llm_call":
        d = event.data
        err.print(f"  [dim]model: {d.get('completion_tokens', 0)} tokens at T={d.get('temperature')} "
                  f"in {d.get('seconds', 0):.1f}s[/]")


def solve(
    repo: Path = typer.Argument(..., help="The git repository to fix."),
    issue: str = typer.Option(..., "--issue", help="File with the issue text, or - for standard input."),
    samples: int | None = typer.Option(None, help="Samples per temperature."),
    temperatures: str | None = typer.Option(None, help="Comma-separated temperatures, e.g. 0,0.4,0.8,1.0."),
    patch_out: Path | None = typer.Option(None, help="Write the chosen unified diff here."),
    report_out: Path | None = typer.Option(None, help="Write the JSON report here."),
    apply: bool = typer.Option(False, "--apply", help="Apply the chosen patch to the work tree."),
    branch: str | None = typer.Option(None, help="Commit the chosen patch on a new branch."),
    allow_unverified: bool = typer.Option(False, "--allow-unverified", help="With --apply/--branch: land the "
                                          "chosen patch even when no test ran with it."),
) -> None:
    """Fix an issue: localise, sample candidate edits, verify them in the sandbox, pick one."""
    from agent.core.config import settings_for
    from agent.core.events import EventBus
    from agent.core.inputs import check_repo, read_issue
    from agent.land import apply_patch, check_can_apply, commit_on_branch
    from agent.solve import solve as run_solve

    if apply and branch:
        raise InputError("--apply and --branch exclude each other")
    root = check_repo(repo)
    text = read_issue(issue)
    if apply or branch:
        check_can_apply(root, branch)
    settings = settings_for(root, solve={"samples": samples, "temperatures": _parse_temperatures(temperatures)})
    bus = EventBus()
    bus.subscribe(render_event)
    try:
        report = run_solve(root, text, settings, bus)
    except NoVerifiedCandidate as exc:
        if report_out and exc.report is not None:
            report_out.write_text(exc.report.model_dump_json(indent=2))
        if exc.report is not None:
            err.print(f"evidence: {exc.report.trajectory_dir}")
        raise
    if report_out:
        report_out.write_text(report.model_dump_json(indent=2))
    if patch_out:
        patch_out.write_text(report.patch or "")
    _show(report)
    if (apply or branch) and not allow_unverified:
        refuse_unverified(report)
    if apply:
        apply_patch(root, report.patch or "")
        err.print("[green]applied[/] to the work tree")
    elif branch:
        commit_on_branch(root, branch, report.patch or "", text)
        err.print(f"[green]committed[/] on branch {escape(branch)}")


def refuse_unverified(report) -> None:
    """An unverified patch is not landed unless asked to (issue #18: with a sandbox that ran no test,
    every patch looks equally fine)."""
    if report.verified:
        return
    why = (f"the sandbox could not run this repository's tests ({report.environment_problem})"
           if report.environment_problem else "no test ran with it")
    exc = NoVerifiedCandidate(f"not landed: the chosen patch is unverified, {why}",
                              hint="see `capuchin sandbox doctor`; --allow-unverified lands it anyway")
    exc.report = report
    raise exc


def _show(report) -> None:
    verdict = report.verdict(report.chosen)
    err.print(f"[bold green]chosen {report.chosen}[/] — {verdict.votes} vote(s), "
              f"repro {verdict.repro_passed}/{verdict.repro_total}, "
              f"regression {'ok' if verdict.regression_ok else 'not run' if verdict.regression_ok is None else 'BROKEN'}, "
              f"{report.patch_lines} lines changed")
    if report.environment_problem:
        err.print(f"[yellow]unverified:[/] the sandbox could not run this repository's tests: "
                  f"{escape(report.environment_problem)}. No candidate was tested; this one was chosen "
                  "by agreement between samples alone. `capuchin sandbox doctor` shows the environment.")
    elif verdict.repro_passed == 0:
        err.print(f"[yellow]unconfirmed:[/] no reproduction test passes with this patch "
                  f"({len(report.repro_tests)} written, {verdict.repro_total} failing on the original code); "
                  "it was chosen on regression tests and agreement between samples — review it before use")
    err.print(f"evidence: {report.trajectory_dir}")
    Console().print(Syntax(report.patch or "", "diff", theme="ansi_dark"))


def demo(
    bug: str | None = typer.Argument(None, help="Example bug under examples/bugs (default: the demo's)."),
    samples: int | None = typer.Option(None, help="Samples per temperature."),
    tui: bool = typer.Option(False, "--tui", help="Watch the run in the terminal UI; apply a candidate there "
                             "(key a) and it is judged with the hidden tests when you quit."),
) -> None:
    """Solve a bundled example bug with the configured (default: embedded) model, then judge it with hidden tests."""
    import json

    from agent.demo import bug_dir, fresh_repo

    source = bug_dir(bug)
    repo = fresh_repo(source)
    err.print(f"[bold]demo[/]: {source.name} copied to {repo}")
    if tui:
        patch = _demo_in_tui(repo, source)
        if not patch:
            err.print("no patch was applied in the terminal UI, so there is nothing to judge")
            return
    else:
        err.print(Markdown((source / "issue.md").read_text()))
        report_path = repo.parent / f"{source.name}-report.json"
        solve(repo, str(source / "issue.md"), samples=samples, temperatures=None, patch_out=None,
              report_out=report_path, apply=False, branch=None)
        patch = json.loads(report_path.read_text())["patch"]
    _judge(source, patch)


def _demo_in_tui(repo: Path, source: Path) -> str:
    """Run the demo in the terminal UI; the patch the user applied to the work tree ("" if none)."""
    import subprocess

    from agent.core.config import settings_for
    from tui.app import build_app

    build_app(repo, (source / "issue.md").read_text(), config=settings_for(repo).section("tui")).run()
    return subprocess.run(["git", "-C", str(repo), "diff", "HEAD"], capture_output=True, text=True).stdout


def _judge(source: Path, patch: str) -> None:
    """Run the bug's hidden tests and the project's own on a pristine copy with ``patch``, and say how it went."""
    import tempfile

    from agent.core.config import settings_for
    from agent.demo import all_passed, fresh_repo, is_hidden, run_hidden_tests
    from sandbox import open_sandbox

    with tempfile.TemporaryDirectory(prefix="capuchin-judge-") as tmp:
        pristine = fresh_repo(source, Path(tmp))
        result = run_hidden_tests(open_sandbox(settings_for(pristine).sandbox), pristine, source, patch)
    hidden = {t: s for t, s in result.tests.items() if is_hidden(t)}
    visible = {t: s for t, s in result.tests.items() if not is_hidden(t)}
    colour = "green" if all_passed(result) else "red"
    err.print(f"[bold {colour}]hidden tests (never shown to the agent): "
              f"{sum(s == 'PASSED' for s in hidden.values())}/{len(hidden)} passed; the project's own tests: "
              f"{sum(s == 'PASSED' for s in visible.values())}/{len(visible)} passed[/]")
    for test, status in sorted(hidden.items()):
        err.print(f"  {status:8} {test}")
    for test, status in sorted(visible.items()):
        if status != "PASSED":
            err.print(f"  {status:8} {test}")


def register(app: typer.Typer) -> None:
    app.command("solve")(solve)
    app.command("demo")(demo)
