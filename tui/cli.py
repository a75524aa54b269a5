"""`capuchin tui`: the terminal UI on a repository."""

from __future__ import annotations

from pathlib import Path

import typer


def tui(
    repo: Path = typer.Argument(Path("."), help="The git repository to work on (default: the current directory)."),
    issue: str | None = typer.Option(None, "--issue", help="File with the issue text; the run starts at once."),
) -> None:
    """Watch Capuchin solve an issue, review the candidates, apply the fix (keyboard first)."""
    from agent.core.config import settings_for
    from agent.core.inputs import check_repo, read_issue
    from tui.app import build_app

    root = check_repo(repo)
    text = read_issue(issue) if issue else ""
    app = build_app(root, text, config=settings_for(root).section("tui"))
    app.run()


def register(app: typer.Typer) -> None:
    app.command("tui")(tui)
