"""`capuchin bench ...`: a thin dispatcher to the benchmark modules (each imports its heavy parts lazily)."""

from __future__ import annotations

import json
from pathlib import Path

import typer

bench_app = typer.Typer(help="Benchmarks: localisation, speed, SWE-bench runs.", no_args_is_help=True)


@bench_app.command("localize")
def localize_cmd(
    dataset: Path = typer.Option(..., help="SWE-bench style JSONL (instance_id, problem_statement, patch, ...)."),
    checkouts: Path = typer.Option(..., help="Directory holding <instance_id>/ checkouts at base_commit."),
    out: Path = typer.Option(..., help="Results JSONL; instances already in it are skipped."),
    llm: bool = typer.Option(False, "--llm", help="Use the configured model for the LLM stages."),
    dense: bool | None = typer.Option(None, "--dense/--no-dense", help="Dense embeddings (default: config)."),
) -> None:
    """Localise every instance, append to OUT, print file and function Acc@k."""
    from rich.progress import Progress

    from agent.core.config import settings_for
    from agent.embedded import open_llm_if
    from benchmarks.localize import format_summary, run

    settings = settings_for(None, retrieval={"dense": dense})
    with open_llm_if(llm, settings) as model, Progress(transient=True) as bar:
        task = bar.add_task("localising", total=None)

        def progress(done: int, total: int, instance_id: str) -> None:
            bar.update(task, completed=done, total=total, description=instance_id)

        summary = run(dataset, checkouts, out, settings.retrieval, model=model, progress=progress)
    print(format_summary(summary))
    summary_path = out.with_suffix(".summary.json")
    command = ["capuchin", "bench", "localize", "--dataset", str(dataset), "--checkouts", str(checkouts),
               "--out", str(out), *(["--llm"] if llm else []),
               *([] if dense is None else ["--dense" if dense else "--no-dense"])]
    summary_path.write_text(json.dumps({"summary": summary, "command": " ".join(command),
                                        "config": settings.retrieval.model_dump(), "llm": llm}, indent=2) + "\n")


def register(app: typer.Typer) -> None:
    app.add_typer(bench_app, name="bench")
