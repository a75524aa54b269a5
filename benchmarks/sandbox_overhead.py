"""Sandbox overhead on the real Docker engine, as medians and ratios measured in one session.

1. Per-run overhead: a full ``DockerSandbox.run`` (create, copy in, start, apply, test,
   remove) against running the same tests with ``docker exec`` in an already running
   container of the same image.
2. First environment build (base cached, env + instance layers built) against a cached
   rebuild (content-hash tags found).
3. Throughput of 8 concurrent runs against 8 sequential ones.
4. Leftovers: containers left after 100 runs that include timed-out, OOM-killed and
   caller-SIGKILLed ones (target: zero).

    python -m benchmarks.sandbox_overhead [--runs 5] [--churn 100] [--out FILE]
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import platform
import signal
import statistics
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from sandbox.config import SandboxConfig
from sandbox.docker_backend import DockerSandbox, remove_orphans
from sandbox.infer import local_spec
from sandbox.labels import LABEL, OWNER_PID
from sandbox.testing import TINY_FIX, TINY_TESTS, make_tiny_repo

FIX, TESTS = TINY_FIX, TINY_TESTS


def _median(xs: list[float]) -> float:
    return round(statistics.median(xs), 3)


def per_run_overhead(sb: DockerSandbox, repo: Path, runs: int) -> dict:
    image = sb.image_for(repo)
    sb.run(repo, patch=FIX, tests=TESTS)  # warm-up: page cache, image layers
    full = []
    for _ in range(runs):
        t = time.perf_counter()
        res = sb.run(repo, patch=FIX, tests=TESTS)
        full.append(time.perf_counter() - t)
        assert res.passed("tests/test_add.py::test_add"), res.output[-2000:]
    direct = _direct_runs(sb, repo, image, runs)
    return {"full_run_s": _median(full), "direct_exec_s": _median(direct),
            "overhead_s": _median([f - d for f, d in zip(full, direct, strict=True)]),
            "ratio_full_to_direct": round(statistics.median(full) / statistics.median(direct), 2)}


def _direct_runs(sb: DockerSandbox, repo: Path, image: str, runs: int) -> list[float]:
    from sandbox.worktree import worktree_tar

    spec = local_spec(repo).env
    env = [f"{k}={v}" for k, v in spec.env.items()]
    c = sb.client.containers.create(image, ["sleep", "infinity"], labels={LABEL: "bench"},
                                    network_mode="none")
    try:
        c.put_archive("/testbed", worktree_tar(repo))
        c.start()
        out = []
        for _ in range(runs):
            t = time.perf_counter()
            c.exec_run([*spec.test_cmd.split(), *TESTS], workdir="/testbed", environment=env)
            out.append(time.perf_counter() - t)
        return out
    finally:
        c.remove(force=True)


def build_first_vs_cached(sb: DockerSandbox, repo: Path) -> dict:
    """Untag the repository's environment and instance images, build them again, then look them up."""
    spec = local_spec(repo)
    cfg = sb.config
    for tag in (spec.tag(cfg.image_prefix, cfg.debian_mirror), spec.env.env_tag(cfg.image_prefix, cfg.debian_mirror)):
        if sb.builder.exists(tag):
            sb.client.images.remove(tag)
    t = time.perf_counter()
    tag = sb.image_for(repo)
    first = time.perf_counter() - t
    cached = []
    for _ in range(5):
        t = time.perf_counter()
        assert sb.image_for(repo) == tag
        cached.append(time.perf_counter() - t)
    return {"first_build_s": round(first, 2), "cached_rebuild_s": _median(cached),
            "ratio_first_to_cached": round(first / statistics.median(cached), 1)}


def throughput(repo: Path, n: int = 8) -> dict:
    seq_sb = DockerSandbox(SandboxConfig(concurrency=1))
    con_sb = DockerSandbox(SandboxConfig(concurrency=n))
    t = time.perf_counter()
    for _ in range(n):
        seq_sb.run(repo, patch=FIX, tests=TESTS)
    seq = time.perf_counter() - t
    t = time.perf_counter()
    with ThreadPoolExecutor(n) as pool:
        list(pool.map(lambda _: con_sb.run(repo, patch=FIX, tests=TESTS), range(n)))
    con = time.perf_counter() - t
    return {"sequential_runs_per_s": round(n / seq, 2), "concurrent_runs_per_s": round(n / con, 2),
            "ratio_concurrent_to_sequential": round(seq / con, 2), "cpus": os.cpu_count()}


def _killed_caller(repo: str) -> None:
    sb = DockerSandbox(SandboxConfig())
    sb.run(Path(repo), tests=["tests/test_hang.py"], timeout_s=300)


def _wait_for_container(sb: DockerSandbox, pid: int, limit_s: float = 120) -> None:
    deadline = time.monotonic() + limit_s
    while time.monotonic() < deadline:
        if sb.client.containers.list(ignore_removed=True, filters={"label": f"{OWNER_PID}={pid}"}):
            time.sleep(1)
            return
        time.sleep(0.2)


def churn(repo: Path, total: int) -> dict:
    """``total`` runs: most normal, some timed out, OOM-killed, or whose caller is SIGKILLed mid-run."""
    (repo / "tests" / "test_hang.py").write_text("import time\n\ndef test_hang():\n    time.sleep(300)\n")
    (repo / "tests" / "test_oom.py").write_text("def test_oom():\n    x = bytearray(1 << 30)\n    assert x\n")
    sb = DockerSandbox(SandboxConfig(memory="256m"))
    kinds = {"normal": 0, "timed_out": 0, "oom": 0, "caller_killed": 0}
    owners = {str(os.getpid())}
    orphaned = 0
    for i in range(total):
        kind = ["normal"] * 7 + ["timed_out", "oom", "caller_killed"]
        k = kind[i % 10]
        if k == "normal":
            sb.run(repo, tests=["tests/test_add.py::test_other"])
        elif k == "timed_out":
            assert sb.run(repo, tests=["tests/test_hang.py"], timeout_s=1).timed_out
        elif k == "oom":
            sb.run(repo, tests=["tests/test_oom.py"])
        else:
            proc = multiprocessing.get_context("spawn").Process(target=_killed_caller, args=(str(repo),))
            proc.start()
            owners.add(str(proc.pid))
            _wait_for_container(sb, proc.pid)  # kill it mid-run, not before its container exists
            os.kill(proc.pid, signal.SIGKILL)
            proc.join()
            # the killed caller's container outlives it; the next sandbox's start-up sweep removes it
            orphaned += bool(sb.client.containers.list(all=True, ignore_removed=True,
                                                       filters={"label": f"{OWNER_PID}={proc.pid}"}))
        kinds[k] += 1
    orphans = remove_orphans(sb.client)  # what the next sandbox (or `capuchin sandbox gc`) does
    # other users of the engine (a validation run) may have containers of their own at this moment
    left = [c for c in sb.client.containers.list(all=True, ignore_removed=True, filters={"label": f"{LABEL}=run"})
            if c.labels.get(OWNER_PID) in owners]
    return {"runs": kinds, "orphaned_by_killed_callers": orphaned, "orphans_removed_by_final_sweep": orphans,
            "containers_left": len(left)}


def main(argv: list[str] | None = None) -> dict:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--churn", type=int, default=100)
    ap.add_argument("--out", type=Path, default=Path("benchmarks/results/sandbox-overhead.json"))
    ap.add_argument("--parts", default="per_run,build,throughput,churn", help="comma-separated subset")
    args = ap.parse_args(argv)
    parts = set(args.parts.split(","))
    sb = DockerSandbox(SandboxConfig())
    with tempfile.TemporaryDirectory() as tmp:
        repo = make_tiny_repo(Path(tmp) / "repo", name="benchpkg")
        report = {"machine": {"platform": platform.platform(), "cpus": os.cpu_count(),
                              "load_avg_at_start": os.getloadavg()},
                  "args": {"runs": args.runs, "churn": args.churn}}
        steps = {"per_run": lambda: per_run_overhead(sb, repo, args.runs),
                 "build": lambda: build_first_vs_cached(sb, repo), "throughput": lambda: throughput(repo),
                 "churn": lambda: churn(repo, args.churn)}
        for name, step in steps.items():
            if name in parts:
                report[name] = step()
                print(json.dumps({name: report[name]}))
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(report, indent=2) + "\n")
    return report


if __name__ == "__main__":
    main()
