"""Load on the bot's webhook receiver, loopback only: signed deliveries at a fixed rate.

Sends --deliveries (default 2,000) at --rate per second (default 50), open loop (each send is
scheduled, never held back by a slow answer), to a `capuchin bot serve --workers 0` in its own
process: 10% are resends of an earlier delivery (same GUID), 10% are forged (a wrong
signature), the rest are new `issues.labeled` deliveries for distinct issues. Then it checks
the queue file: every genuine delivery queued exactly once, no forged one stored. Prints
latency percentiles per kind (medians over --runs) and the ratio of the genuine p99 to the
forged p99 (the same server answering without touching the queue), and writes JSON.

    python -m benchmarks.bot_load [--deliveries 2000] [--rate 50] [--runs 1] [--out FILE]

The receiver is the app `capuchin bot serve` runs (``bot.receiver.create_app`` on uvicorn, no
workers), started as ``python -m benchmarks.bot_load --serve PORT QUEUE`` so that it needs
only the bot's own dependencies (the figures in the README were taken on a quiet machine
that has no Capuchin install).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import socket
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx

from bot.webhooks import signed_request

SECRET = b"load-test-secret"
ROOT = Path(__file__).resolve().parents[1]


def plan(n: int, seed: int = 0) -> list[tuple[str, str, dict, bytes]]:
    """(kind, guid, headers, body) for each delivery, in sending order."""
    rng = random.Random(seed)
    out: list[tuple[str, str, dict, bytes]] = []
    genuine: list[tuple[str, dict, bytes]] = []
    for i in range(n):
        roll = rng.random()
        if roll < 0.1 and genuine:
            guid, headers, body = rng.choice(genuine)
            out.append(("duplicate", guid, headers, body))
        elif roll < 0.2:
            headers, body = signed_request(b"wrong secret", "issues", _payload(100_000 + i))
            out.append(("forged", headers["X-GitHub-Delivery"], headers, body))
        else:
            headers, body = signed_request(SECRET, "issues", _payload(i + 1), str(uuid.uuid4()))
            genuine.append((headers["X-GitHub-Delivery"], headers, body))
            out.append(("genuine", headers["X-GitHub-Delivery"], headers, body))
    return out


def _payload(issue: int) -> dict:
    return {"action": "labeled", "label": {"name": "capuchin"},
            "issue": {"number": issue, "title": f"Issue {issue}", "body": "x" * 2000, "state": "open"},
            "repository": {"full_name": "load/test", "clone_url": "https://github.com/load/test.git",
                           "default_branch": "main"},
            "sender": {"login": "maintainer", "type": "User"}, "installation": {"id": 1}}


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def serve(port: int, queue: Path) -> None:
    """The receiver process: what `capuchin bot serve --workers 0` runs."""
    import uvicorn

    from bot.config import BotConfig
    from bot.queue import JobQueue
    from bot.receiver import create_app

    config = BotConfig(webhook_secret=SECRET.decode(), queue_path=queue)
    app = create_app(config, JobQueue(queue), SECRET)
    uvicorn.run(app, host="127.0.0.1", port=port, log_level="warning", access_log=False)


def start_receiver(queue: Path, port: int) -> subprocess.Popen:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    proc = subprocess.Popen([sys.executable, "-m", "benchmarks.bot_load", "--serve", str(port), str(queue)],
                            env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=1).status_code == 200:
                return proc
        except httpx.HTTPError:
            time.sleep(0.2)
    proc.kill()
    raise RuntimeError(f"the receiver did not start: {proc.stderr.read().decode()[-2000:]}")


def one_run(n: int, rate: float) -> dict:
    with tempfile.TemporaryDirectory() as tmp:
        queue, port = Path(tmp) / "queue.sqlite3", _free_port()
        proc = start_receiver(queue, port)
        try:
            results = _send_all(plan(n), f"http://127.0.0.1:{port}/webhook", rate)
        finally:
            proc.terminate()
            proc.wait(timeout=30)
        return _summarise(results, queue)


def _send_all(deliveries, url: str, rate: float) -> list[tuple[str, str, int, float]]:
    client = httpx.Client(timeout=30, limits=httpx.Limits(max_connections=64, max_keepalive_connections=64))

    def send(item) -> tuple[str, str, int, float]:
        kind, guid, headers, body = item
        started = time.perf_counter()
        status = client.post(url, content=body, headers=headers).status_code
        return kind, guid, status, time.perf_counter() - started

    start, futures = time.perf_counter(), []
    with ThreadPoolExecutor(max_workers=64) as pool:
        for i, item in enumerate(deliveries):
            time.sleep(max(0.0, start + i / rate - time.perf_counter()))
            futures.append(pool.submit(send, item))
        results = [f.result() for f in futures]
    client.close()
    return results


def _pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))] * 1000 if ordered else 0.0


def _summarise(results, queue: Path) -> dict:
    db = sqlite3.connect(queue)
    stored = {r[0] for r in db.execute("SELECT guid FROM deliveries")}
    jobs = db.execute("SELECT COUNT(*), COUNT(DISTINCT issue) FROM jobs").fetchone()
    db.close()
    genuine = {g for k, g, _, _ in results if k == "genuine"}
    forged = {g for k, g, _, _ in results if k == "forged"}
    by_kind = {kind: [r for r in results if r[0] == kind] for kind in ("genuine", "duplicate", "forged")}
    expected = {"genuine": 202, "duplicate": 200, "forged": 401}
    return {
        "sent": {k: len(v) for k, v in by_kind.items()},
        "wrong_status": {k: sum(s != expected[k] for _, _, s, _ in v) for k, v in by_kind.items()},
        "genuine_queued_exactly_once": stored == genuine and jobs[0] == jobs[1] == len(genuine),
        "forged_stored": len(forged & stored),
        "latency_ms": {k: {"p50": _pct([r[3] for r in v], 0.5), "p99": _pct([r[3] for r in v], 0.99),
                           "max": _pct([r[3] for r in v], 1.0)} for k, v in by_kind.items()},
        "all_p99_ms": _pct([r[3] for r in results], 0.99),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--deliveries", type=int, default=2000)
    parser.add_argument("--rate", type=float, default=50.0)
    parser.add_argument("--runs", type=int, default=1)
    parser.add_argument("--out", type=Path, default=ROOT / "benchmarks" / "results" / "bot-load.json")
    parser.add_argument("--serve", nargs=2, metavar=("PORT", "QUEUE"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve:
        return serve(int(args.serve[0]), Path(args.serve[1]))
    runs = []
    for i in range(args.runs):
        runs.append(one_run(args.deliveries, args.rate))
        print(f"run {i + 1}: {json.dumps(runs[-1])}", flush=True)
    median = {kind: {q: statistics.median(r["latency_ms"][kind][q] for r in runs) for q in ("p50", "p99", "max")}
              for kind in ("genuine", "duplicate", "forged")}
    summary = {
        "deliveries": args.deliveries, "rate_per_s": args.rate, "runs": len(runs),
        "median_latency_ms": median,
        "median_all_p99_ms": statistics.median(r["all_p99_ms"] for r in runs),
        "genuine_p99_over_forged_p99": median["genuine"]["p99"] / max(median["forged"]["p99"], 1e-9),
        "every_genuine_queued_exactly_once": all(r["genuine_queued_exactly_once"] for r in runs),
        "forged_stored": sum(r["forged_stored"] for r in runs),
        "wrong_status": sum(sum(r["wrong_status"].values()) for r in runs),
        "machine": {"platform": platform.platform(), "cpus": os.cpu_count(),
                    "load_avg_at_end": os.getloadavg()},
        "command": " ".join(["python -m benchmarks.bot_load", *sys.argv[1:]]),
    }
    for kind, q in median.items():
        print(f"{kind:9} p50 {q['p50']:6.1f} ms  p99 {q['p99']:6.1f} ms  max {q['max']:6.1f} ms")
    print(f"all deliveries p99 {summary['median_all_p99_ms']:.1f} ms (goal <= 50 ms); "
          f"genuine/forged p99 {summary['genuine_p99_over_forged_p99']:.2f}x; "
          f"genuine queued exactly once: {summary['every_genuine_queued_exactly_once']}; "
          f"forged stored: {summary['forged_stored']}; wrong statuses: {summary['wrong_status']}")
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps({"summary": summary, "runs": runs}, indent=2))
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
