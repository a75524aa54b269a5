"""Starting the bot from settings: the receiver (with in-process workers) and a lone worker."""

from __future__ import annotations

import logging
import signal
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from agent.core.config import Settings
from agent.core.errors import ConfigError
from bot.config import SECRET_FIELDS, BotConfig
from bot.github import TokenSource, read_secret
from bot.queue import JobQueue
from bot.worker import SolveFn, Worker, default_solve

log = logging.getLogger("capuchin.bot")


def check_secret_sources(settings: Settings) -> None:
    """Secrets only from the environment (or their *_file): a capuchin.toml is often committed."""
    for name in SECRET_FIELDS:
        source = settings.sources.get(f"bot.{name}", "default")
        if source not in ("default", "cli") and not source.startswith("env "):
            raise ConfigError(f"bot.{name} is set in {source}; secrets are read only from the environment or a file",
                              hint=f"remove it there; set CAPUCHIN_BOT__{name.upper()} or bot.{name}_file instead")


def check_workers_share_a_model(settings: Settings, count: int) -> None:
    """Several in-process workers each start the embedded model when no endpoint is set: on one port."""
    if count > 1 and not settings.llm.base_url and settings.llm.backend != "litellm":
        raise ConfigError(f"{count} workers would each start the embedded model on port {settings.embedded.port}",
                          hint="serve a model once and set llm.base_url (e.g. `capuchin models serve`), "
                               "or run one worker per process with its own CAPUCHIN_EMBEDDED__PORT")


def webhook_secret(config: BotConfig) -> bytes:
    secret = read_secret(config, "webhook_secret")
    if not secret:
        raise ConfigError("no webhook secret is configured, so deliveries could not be verified; not starting",
                          hint="set CAPUCHIN_BOT__WEBHOOK_SECRET (or bot.webhook_secret_file) to the secret "
                               "given to GitHub")
    return secret.encode()


def open_queue(config: BotConfig) -> JobQueue:
    return JobQueue(config.queue_file(), max_attempts=config.max_attempts)


@contextmanager
def running_workers(settings: Settings, queue: JobQueue, count: int,
                    solve_fn: SolveFn = default_solve) -> Iterator[list[Worker]]:
    """``count`` workers on threads; on exit, each job in hand is cancelled and put back in the queue."""
    stop = threading.Event()
    workers = [Worker(settings, queue, solve_fn=solve_fn) for _ in range(count)]
    threads = [threading.Thread(target=w.run_forever, args=(stop,), name=f"bot-worker-{i}", daemon=True)
               for i, w in enumerate(workers)]
    for t in threads:
        t.start()
    try:
        yield workers
    finally:
        stop.set()
        for w in workers:
            w.stop()
        for t in threads:
            t.join()


@contextmanager
def receiver_in_thread(app: Any, host: str = "127.0.0.1", port: int = 0) -> Iterator[str]:
    """Serve ``app`` with uvicorn on a thread (tests, the demo, the load benchmark); yields its base URL."""
    import uvicorn

    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind((host, port))
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning", access_log=False, lifespan="off"))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    while not server.started and thread.is_alive():
        time.sleep(0.01)
    try:
        yield f"http://{host}:{sock.getsockname()[1]}"
    finally:
        server.should_exit = True
        thread.join()
        sock.close()


def _exit_quietly(signum: int, frame: object) -> None:
    raise SystemExit(0)


def serve(settings: Settings, *, workers: int | None = None) -> None:
    """Run the receiver on bot.host:bot.port until interrupted, with ``workers`` in-process workers."""
    import uvicorn

    from bot.receiver import create_app

    check_secret_sources(settings)
    config = settings.bot
    secret = webhook_secret(config)
    count = config.workers if workers is None else workers
    if count > 0:
        TokenSource(config)  # no GitHub credentials: say so now, not on the first job
    check_workers_share_a_model(settings, count)
    app = create_app(config, queue := open_queue(config), secret)
    # uvicorn shuts down gracefully on SIGTERM, then raises it again: leave through the
    # `finally` below (in-hand jobs go back to the queue) instead of dying on the spot.
    signal.signal(signal.SIGTERM, _exit_quietly)
    with running_workers(settings, queue, count):
        log.info("receiver on http://%s:%s/webhook, %d worker(s), queue %s", config.host, config.port, count,
                 config.queue_file())
        uvicorn.run(app, host=config.host, port=config.port, log_level="warning", access_log=False)


def work(settings: Settings, *, once: bool = False, solve_fn: SolveFn = default_solve) -> None:
    """Run one worker in this process until interrupted (or, with ``once``, until the queue is empty)."""
    check_secret_sources(settings)
    TokenSource(settings.bot)
    worker = Worker(settings, open_queue(settings.bot), solve_fn=solve_fn)
    # SIGTERM/SIGINT: put the job in hand back in the queue and leave. worker.stop() runs on its own
    # thread: cancel callbacks take locks that the interrupted main thread may be holding.
    previous = {sig: signal.signal(sig, lambda *_: threading.Thread(target=worker.stop, daemon=True).start())
                for sig in (signal.SIGTERM, signal.SIGINT)}
    try:
        if once:
            while not worker.stopping.is_set() and worker.run_once():
                pass
        else:
            worker.run_forever(threading.Event())
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
