"""The `capuchin` command line.

Packages add their commands through a ``register(app)`` function in their ``cli``
module (listed in ``COMMAND_MODULES``), so this file stays small. Command modules
import heavy libraries (torch, faiss, docker) inside the commands, never at import
time, so `capuchin --help` stays fast.
"""

from __future__ import annotations

import importlib
import sys
from pathlib import Path
from typing import Any

import typer
from rich.console import Console
from rich.markup import escape

from agent.config import load_settings
from agent.errors import CapuchinError

COMMAND_MODULES = (
    "agent.llm_cli",
    "retrieval.cli",
    "sandbox.cli",
    "agent.solve_cli",
    "benchmarks.cli",
    "swebench.cli",
)

console = Console(stderr=True)
app = typer.Typer(
    name="capuchin",
    help="Capuchin: repository + issue in, verified patch out.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)
config_app = typer.Typer(help="Inspect configuration.", no_args_is_help=True)
app.add_typer(config_app, name="config")


def settings_for(repo: Path | None = None, **overrides: dict[str, Any]):
    """Effective settings for a command: files, environment, then the command's flags."""
    return load_settings(repo, {k: {f: v for f, v in d.items() if v is not None} for k, d in overrides.items()})


@config_app.command("show")
def config_show(
    repo: Path = typer.Option(Path("."), help="Repository whose capuchin.toml applies."),
    json_out: bool = typer.Option(False, "--json", help="Print JSON instead of a table."),
) -> None:
    """Print the effective configuration and where each value came from."""
    from rich.table import Table

    settings = settings_for(repo)
    if json_out:
        import json

        rows = [{"key": k, "value": v, "source": s} for k, v, s in settings.rows()]
        print(json.dumps(rows, indent=2, default=str))
        return
    table = Table("key", "value", "source")
    for key, value, source in settings.rows():
        table.add_row(key, repr(value), source)
    Console().print(table)


def _register_all() -> None:
    for name in COMMAND_MODULES:
        try:
            module = importlib.import_module(name)
        except ModuleNotFoundError as exc:
            if exc.name != name:  # a real missing dependency, not an absent command module
                raise
            continue
        module.register(app)


def main(argv: list[str] | None = None) -> int:
    """Entry point: run the app, turning CapuchinError into a message and an exit code."""
    _register_all()
    try:
        code = app(args=argv, standalone_mode=False)
    except CapuchinError as exc:
        # Messages quote user input and pip extras like [gpu]: never let rich read them as markup.
        console.print(f"[bold red]error:[/] {escape(exc.message)}", soft_wrap=True)
        if exc.hint:
            console.print(f"  [yellow]hint:[/] {escape(exc.hint)}", soft_wrap=True)
        return exc.exit_code
    except KeyboardInterrupt:
        console.print("[yellow]interrupted[/]")
        return 130
    except SystemExit as exc:
        return int(exc.code or 0)
    except Exception as exc:  # click's usage errors and friends
        import click

        if isinstance(exc, click.exceptions.ClickException):
            exc.show()
            return exc.exit_code
        if isinstance(exc, click.exceptions.Abort):
            return 130
        raise
    return code if isinstance(code, int) else 0


if __name__ == "__main__":
    sys.exit(main())
