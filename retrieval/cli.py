"""`capuchin index`, `capuchin search`, `capuchin localize`."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import typer

from agent.core.errors import InputError
from agent.core.inputs import read_issue
from agent.core.services import services

SHOW_SKIPPED = 10
"""Skipped files listed by `capuchin index` (indexed by path only: their code is not searchable)."""


def _open_index(path: Path, dense: bool | None):
    """Open (build or update) the index with a rich progress bar on stderr."""
    from rich.console import Console
    from rich.progress import Progress

    from agent.core.config import settings_for
    from agent.core.events import EventBus
    from retrieval import RepoIndex

    if not path.is_dir():
        raise InputError(f"not a directory: {path}")
    settings = settings_for(path, retrieval={"dense": dense})
    bus = EventBus()
    with Progress(console=Console(stderr=True), transient=True) as bar:
        task = bar.add_task("indexing", total=None)
        bus.subscribe(lambda e: bar.update(task, completed=e.data.get("done"), total=e.data.get("total"),
                                           description=e.message[:60]) if e.kind == "progress" else None)
        index = RepoIndex.open(path, settings.retrieval, bus)
        bar.update(task, description="building search indexes")
        index.warm()
    return index, settings


def index_cmd(
    path: Path = typer.Argument(Path("."), help="Repository to index."),
    dense: bool | None = typer.Option(None, "--dense/--no-dense", help="Dense embeddings (default: config)."),
) -> None:
    """Build or update the repository index under PATH/.capuchin/index/."""
    index, _ = _open_index(path, dense)
    n_symbols = len(index.symbol_refs)
    skipped = index.skipped()
    dense_note = f", {index.dense.stats}" if index.dense is not None else ""
    print(f"{index.stats['files']} files ({index.stats['parsed']} parsed now, {len(skipped)} skipped), "
          f"{n_symbols} definitions in {index.stats['open_s']} s{dense_note}")
    for path, why in sorted(skipped.items())[:SHOW_SKIPPED]:
        print(f"  {path}: {why}", file=sys.stderr)
    if len(skipped) > SHOW_SKIPPED:
        print(f"  ... and {len(skipped) - SHOW_SKIPPED} more skipped files", file=sys.stderr)


def search_cmd(
    path: Path = typer.Argument(..., help="Repository."),
    query: str = typer.Argument(..., help="Words, identifiers or an error message."),
    k: int = typer.Option(10, "-k", help="Results to show."),
    dense: bool | None = typer.Option(None, "--dense/--no-dense"),
) -> None:
    """Rank the repository's functions and classes for QUERY."""
    from retrieval import Localizer

    index, settings = _open_index(path, dense)
    for loc in Localizer(index, settings.retrieval).localize(query, top_k=k):
        print(f"{loc.score:.4f}  {loc.key}:{loc.start_line}-{loc.end_line}  {', '.join(loc.reasons)}")


def localize_cmd(
    ctx: typer.Context,
    path: Path = typer.Argument(..., help="Repository."),
    issue: str = typer.Option(..., "--issue", help="Issue text file, or - for standard input."),
    k: int = typer.Option(20, "-k", help="Locations to show."),
    json_out: bool = typer.Option(False, "--json", help="Print files and locations as JSON."),
    dense: bool | None = typer.Option(None, "--dense/--no-dense"),
    llm: bool | None = typer.Option(None, "--llm/--no-llm",
                                    help="Let the model pick files and definitions (default: retrieval.llm_stages)."),
) -> None:
    """Localise an issue: ranked files, then ranked functions/classes with reasons."""
    from retrieval import Localizer

    text = read_issue(issue)
    index, settings = _open_index(path, dense)
    use_llm = settings.retrieval.llm_stages if llm is None else llm
    with services(ctx).open_model(use_llm, settings) as model:
        localizer = Localizer(index, settings.retrieval, model=model)
        files = localizer.rank_files(text)[: settings.retrieval.top_files]
        locations = localizer.localize(text, top_k=k)
    if json_out:
        print(json.dumps({"files": [{"path": p, "score": s} for p, s in files],
                          "locations": [loc.model_dump() for loc in locations]}, indent=2))
        return
    print("files:")
    for n, (p, s) in enumerate(files[:10], 1):
        print(f"  {n:2d}. {p}  ({s:.4f})")
    print("locations:")
    for n, loc in enumerate(locations, 1):
        print(f"  {n:2d}. {loc.key}:{loc.start_line}-{loc.end_line}  [{', '.join(loc.reasons)}]")


def register(app: typer.Typer) -> None:
    app.command("index")(index_cmd)
    app.command("search")(search_cmd)
    app.command("localize")(localize_cmd)
