"""`capuchin bot serve | worker | demo`."""

from __future__ import annotations

import logging

import typer

bot_app = typer.Typer(help="The GitHub-issue bot: webhook receiver, job worker, and a local demo.",
                      no_args_is_help=True)


def _logging() -> None:
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(levelname)s %(message)s")


@bot_app.command("serve")
def serve(
    host: str | None = typer.Option(None, help="Address to bind (bot.host)."),
    port: int | None = typer.Option(None, help="Port to bind (bot.port)."),
    workers: int | None = typer.Option(None, help="In-process workers (bot.workers; 0: receiver only)."),
) -> None:
    """Receive GitHub webhooks on POST /webhook (with /healthz and /metrics) and run jobs."""
    from agent.core.config import settings_for
    from bot.server import serve as run_serve

    settings = settings_for(None, bot={"host": host, "port": port})
    _logging()
    run_serve(settings, workers=workers)


@bot_app.command("worker")
def worker(once: bool = typer.Option(False, "--once", help="Exit when the queue is empty.")) -> None:
    """Run jobs from the queue (for a worker on another process or machine sharing the queue file)."""
    from agent.core.config import settings_for
    from bot.server import work

    settings = settings_for(None)
    _logging()
    work(settings, once=once)


@bot_app.command("demo")
def demo(
    bug: str | None = typer.Argument(None, help="Example bug under examples/bugs (default: the demo's)."),
    samples: int | None = typer.Option(None, help="Samples per temperature."),
) -> None:
    """See the bot work without GitHub: a local GitHub stand-in, a labelled issue, the bot, its pull request."""
    from bot.demo import run_demo

    result = run_demo(bug, samples=samples)
    if result.pull is None:
        raise typer.Exit(3)  # as `capuchin demo`: no verified patch


def register(app: typer.Typer) -> None:
    app.add_typer(bot_app, name="bot")
