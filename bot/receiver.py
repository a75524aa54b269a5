"""The webhook receiver: an ASGI app (Starlette) answering GitHub within its 10 s.

``POST /webhook`` checks, in this order: a well-formed SHA-256 signature header (401), the
body size (413; read in chunks and cut off at the cap, because reading an unbounded body just
to check its signature would be the denial of service), the HMAC of the raw body in constant
time (401; nothing is stored for a forged delivery), the delivery id (400), the event allowlist
(2xx, dropped), JSON (400), then records the delivery and any job in one transaction and
answers 202. Work happens in the worker, never in the request.
"""

from __future__ import annotations

import json
import logging
import threading
from collections import Counter

from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse
from starlette.routing import Route

from bot import signature
from bot.config import BotConfig
from bot.queue import JobQueue
from bot.triggers import EVENTS, Ignored, classify

log = logging.getLogger("capuchin.bot")
DURATION_BUCKETS = (60, 300, 600, 1200, 1800, 3600, 7200)


class TooLarge(Exception):
    pass


class Counters:
    """Deliveries by outcome since the process started (a Prometheus counter)."""

    def __init__(self) -> None:
        self._counts: Counter[str] = Counter()
        self._lock = threading.Lock()

    def add(self, outcome: str) -> None:
        with self._lock:
            self._counts[outcome] += 1

    def snapshot(self) -> dict[str, int]:
        with self._lock:
            return dict(self._counts)


def render_metrics(deliveries: dict[str, int], jobs: dict[str, int], durations: list[float]) -> str:
    """The Prometheus text exposition format (version 0.0.4)."""
    lines = ["# HELP capuchin_bot_deliveries_total Webhook deliveries by outcome.",
             "# TYPE capuchin_bot_deliveries_total counter"]
    lines += [f'capuchin_bot_deliveries_total{{outcome="{k}"}} {v}' for k, v in sorted(deliveries.items())]
    lines += ["# HELP capuchin_bot_jobs Jobs in the queue by state.", "# TYPE capuchin_bot_jobs gauge"]
    lines += [f'capuchin_bot_jobs{{state="{k}"}} {v}' for k, v in sorted(jobs.items())]
    lines += ["# HELP capuchin_bot_job_duration_seconds Time from a job's first claim to its end.",
              "# TYPE capuchin_bot_job_duration_seconds histogram"]
    for le in DURATION_BUCKETS:
        lines.append(f'capuchin_bot_job_duration_seconds_bucket{{le="{le}"}} {sum(d <= le for d in durations)}')
    lines.append(f'capuchin_bot_job_duration_seconds_bucket{{le="+Inf"}} {len(durations)}')
    lines.append(f"capuchin_bot_job_duration_seconds_sum {sum(durations):.3f}")
    lines.append(f"capuchin_bot_job_duration_seconds_count {len(durations)}")
    return "\n".join(lines) + "\n"


async def _read_capped(request: Request, cap: int) -> bytes:
    declared = request.headers.get("content-length")
    if declared and declared.isdigit() and int(declared) > cap:
        raise TooLarge
    body = bytearray()
    async for chunk in request.stream():
        body += chunk
        if len(body) > cap:
            raise TooLarge
    return bytes(body)


def create_app(config: BotConfig, queue: JobQueue, secret: bytes) -> Starlette:
    """The receiver's app; ``secret`` must be non-empty (the caller refuses to start without one)."""
    if not secret:
        raise ValueError("a webhook secret is required")
    counters = Counters()

    def answer(status: int, outcome: str, message: str, **extra: object) -> JSONResponse:
        counters.add(outcome)
        return JSONResponse({"outcome": outcome, "message": message, **extra}, status_code=status)

    async def webhook(request: Request) -> JSONResponse:
        header = request.headers.get("x-hub-signature-256")
        if not signature.well_formed(header):
            return answer(401, "unsigned", "missing or malformed X-Hub-Signature-256 (SHA-1 signatures are refused)")
        try:
            body = await _read_capped(request, config.max_body_bytes)
        except TooLarge:
            return answer(413, "too_large", f"body over {config.max_body_bytes} bytes")
        if not signature.verify(secret, body, header):
            return answer(401, "bad_signature", "signature does not match")
        guid, event = request.headers.get("x-github-delivery", ""), request.headers.get("x-github-event", "")
        if not guid or len(guid) > 100:
            return answer(400, "malformed", "missing X-GitHub-Delivery")
        if event not in EVENTS or event == "ping":
            await run_in_threadpool(queue.record, guid, event or "?", None, "ignored")
            return answer(200 if event == "ping" else 202, "ignored", f"event {event!r} is not handled")
        try:
            payload = json.loads(body)
            found = classify(event, payload, label=config.label, command=config.command, self_login=config.login)
        except (ValueError, KeyError, TypeError, AttributeError):
            return answer(400, "malformed", "the body is not the JSON this event has")
        trigger = None if isinstance(found, Ignored) else found
        outcome, job = await run_in_threadpool(queue.record, guid, event, trigger, "ignored" if trigger is None else "queued")
        message = found.reason if isinstance(found, Ignored) else f"{trigger.repo}#{trigger.issue}"
        if job is not None:
            log.info("delivery %s: %s job %s (%s)", guid, outcome, job, message)
        return answer(200 if outcome == "duplicate" else 202, outcome, message, job=job)

    async def healthz(request: Request) -> JSONResponse:
        counts = await run_in_threadpool(queue.job_counts)
        return JSONResponse({"ok": True, "jobs": counts})

    async def metrics(request: Request) -> PlainTextResponse:
        jobs = await run_in_threadpool(queue.job_counts)
        durations = await run_in_threadpool(queue.durations)
        return PlainTextResponse(render_metrics(counters.snapshot(), jobs, durations),
                                 media_type="text/plain; version=0.0.4")

    return Starlette(routes=[Route("/webhook", webhook, methods=["POST"]), Route("/healthz", healthz),
                             Route("/metrics", metrics)])
