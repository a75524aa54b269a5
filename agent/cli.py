"""The `capuchin` command line.

Packages add their commands through a ``register(app)`` function in their ``cli``
module (listed in ``COMMAND_MODULES``), so this file stays small. Command modules
import heavy libraries (torch, faiss, docker) inside the commands, never at import
time, so `capuchin --help` stays fast.
"""

from __future__ import annotations

import asyncio
import importlib
import sys
from pathlib import Path

import typer
from rich.console import Console
from rich.markup import escape

from agent.core.config import settings_for
from agent.core.errors import CapuchinError
from agent.core.services import CommandServices

COMMAND_MODULES = (
    "agent.llm_cli",
    "retrieval.cli",
    "sandbox.cli",
    "agent.solve_cli",
    "benchmarks.cli",
    "bot.cli",
    "tui.cli",
    "swebatch.cli",
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


@app.callback()
def _lend_services(ctx: typer.Context) -> None:
    """Capuchin: repository + issue in, verified patch out."""
    ctx.obj = CommandServices(open_model=_open_model)


def _open_model(wanted: bool, settings):
    from agent.embedded import open_llm_if  # the model layer loads only for commands that use it

    return open_llm_if(wanted, settings)


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
        table.add_row(escape(key), escape(repr(value)), escape(source))  # values like "capuchin[bot]" are not markup
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
    except (KeyboardInterrupt, asyncio.CancelledError):  # Ctrl-C inside asyncio.run cancels its task
        console.print("[yellow]interrupted[/]")
        return 130
    except SystemExit as exc:
        return int(exc.code or 0)
    except Exception as exc:  # click's usage errors and friends
        if _is_a(exc, "ClickException"):  # a usage error: click's message and exit status 2
            exc.show()
            return exc.exit_code
        if _is_a(exc, "Abort"):
            return 130
        raise
    return code if isinstance(code, int) else 0


def _is_a(exc: BaseException, click_class: str) -> bool:
    """Whether ``exc`` is one of click's exceptions, by class name: typer >= 0.26 vendors click as
    ``typer._click``, whose classes are not ``click.exceptions``' (and `capuchin foo` then escaped
    as a traceback)."""
    return any(c.__name__ == click_class and "click" in c.__module__ for c in type(exc).__mro__)


if __name__ == "__main__":
    sys.exit(main())
