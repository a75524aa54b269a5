"""Retrieval speed on a real checkout: full build, peak memory, one-file update, query latency, embedding levers.

    python -m benchmarks.retrieval_speed --repo /work/checkouts/_speed-sympy \\
        --dataset ../shared/data/swebench-dev.jsonl --out benchmarks/results/retrieval-speed.json

Builds run in a child process so peak memory (ru_maxrss) is the build's own; each
figure is the median of ``--runs`` runs. Embedding levers are timed on the same
sample of real blocks and reported as blocks/s and as a ratio to the default setting.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

_BUILD = """
import json, sys, time
from pathlib import Path
from retrieval import RepoIndex, RetrievalConfig
cfg = RetrievalConfig.model_validate_json(sys.argv[2])
t = time.perf_counter()
index = RepoIndex.open(Path(sys.argv[1]), cfg)
index.warm()
print(json.dumps({"seconds": time.perf_counter() - t, "files": len(index.paths),
                  "symbols": len(index.symbol_refs), "parsed": index.stats["parsed"],
                  "dense": index.dense.stats if index.dense is not None else None}))
"""


def _cpu() -> float:
    """CPU seconds of this process and its finished children (git included): unlike wall time, this hardly
    moves with the load of a shared machine, so it says what the work costs on idle cores."""
    kids = resource.getrusage(resource.RUSAGE_CHILDREN)
    return time.process_time() + kids.ru_utime + kids.ru_stime


def _child_build(repo: Path, config_json: str) -> dict:
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    cpu = _cpu()
    done = subprocess.run([sys.executable, "-c", _BUILD, str(repo), config_json],
                          capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise RuntimeError(done.stderr[-2000:])
    row = json.loads(done.stdout.strip().splitlines()[-1])
    row["cpu_seconds"] = round(_cpu() - cpu, 2)
    # ru_maxrss of children is the max over all children so far, in KiB on Linux.
    row["peak_mib"] = round(max(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss, before) / 1024, 1)
    return row


def full_builds(repo: Path, config_json: str, runs: int) -> dict:
    rows = []
    for _ in range(runs):
        shutil.rmtree(repo / ".capuchin" / "index", ignore_errors=True)
        rows.append(_child_build(repo, config_json))
    return {"seconds_median": round(statistics.median(r["seconds"] for r in rows), 2),
            "cpu_seconds_median": round(statistics.median(r["cpu_seconds"] for r in rows), 2),
            "peak_mib_max": max(r["peak_mib"] for r in rows), "runs": rows}


def incremental(repo: Path, config_json: str, path: str, runs: int) -> dict:
    """Edit one file, re-open (only that file is re-parsed and re-embedded), then restore it."""
    target = repo / path
    original = target.read_bytes()
    rows = []
    try:
        for n in range(runs):
            target.write_bytes(original + f"\n\ndef _speed_probe_{n}(x):\n    return x + {n}\n".encode())
            rows.append(_child_build(repo, config_json))
    finally:
        target.write_bytes(original)
    return {"file": path, "seconds_median": round(statistics.median(r["seconds"] for r in rows), 3),
            "parsed": [r["parsed"] for r in rows],
            "note": "includes Python start-up and imports of the child process"}


def _bm25s_from_tokens(index) -> float:
    """Seconds the previous update path took: bm25s indexing every document's token list again."""
    import bm25s

    rows = [index.paths[i] for i in index._file_rows]
    corpora = [[index.entries[p].file_tokens for p in rows],
               [t for p in rows for t in index.entries[p].symbol_tokens]]
    start = time.perf_counter()
    for docs in corpora:
        bm25s.BM25(k1=index.config.bm25_k1, b=index.config.bm25_b).index(
            [d.split() or ["\0"] for d in docs], show_progress=False)
    return time.perf_counter() - start


def in_process_update(repo: Path, config, path: str, runs: int) -> dict:
    """The same one-file update in a warm process (what the agent pays between edits):
    ``refresh`` (list, hash, re-parse, persist) and then the search structures rebuilt."""
    from retrieval import RepoIndex

    index = RepoIndex.open(repo, config)
    index.warm()
    target = repo / path
    original = target.read_bytes()
    refresh, total, baseline, cpu = [], [], [], []
    try:
        for n in range(runs):
            target.write_bytes(original + f"\n\ndef _speed_probe_{n}(x):\n    return x * {n}\n".encode())
            t, c = time.perf_counter(), _cpu()
            index = index.refresh()
            refresh.append(time.perf_counter() - t)
            index.warm()
            total.append(time.perf_counter() - t)
            cpu.append(_cpu() - c)
            baseline.append(refresh[-1] + _bm25s_from_tokens(index))
    finally:
        target.write_bytes(original)
    return {"refresh_s_median": round(statistics.median(refresh), 3),
            "with_search_rebuild_s_median": round(statistics.median(total), 3),
            "with_search_rebuild_cpu_s_median": round(statistics.median(cpu), 3),
            "previous_path_s_median": round(statistics.median(baseline), 3),
            "speedup": round(statistics.median(baseline) / statistics.median(total), 1),
            "parsed_per_update": index.stats["parsed"],
            "note": "previous path: the same refresh, then bm25s re-indexing every document's tokens"}


def history_update(repo: Path, config, runs: int) -> dict:
    """Reading the history from scratch against reading one new commit on top of the cached one."""
    from retrieval.history import _cache_path, open_history

    kw = {"merges": config.history_merges, "max_files": config.history_max_files}
    full, update, full_cpu, update_cpu = [], [], [], []
    ident = ["-c", "user.name=speed", "-c", "user.email=speed@example.com"]
    for n in range(runs):
        _cache_path(repo).unlink(missing_ok=True)
        t, c = time.perf_counter(), _cpu()
        open_history(repo, config.history_commits, **kw)
        full.append(time.perf_counter() - t)
        full_cpu.append(_cpu() - c)
        subprocess.run(["git", "-C", str(repo), *ident, "commit", "-q", "--allow-empty", "-m", f"speed probe {n}"],
                       check=True)
        try:
            t, c = time.perf_counter(), _cpu()
            open_history(repo, config.history_commits, **kw)
            update.append(time.perf_counter() - t)
            update_cpu.append(_cpu() - c)
        finally:
            subprocess.run(["git", "-C", str(repo), "reset", "-q", "--soft", "HEAD~1"], check=True)
    return {"full_read_s_median": round(statistics.median(full), 3),
            "full_read_cpu_s_median": round(statistics.median(full_cpu), 3),
            "one_new_commit_s_median": round(statistics.median(update), 3),
            "one_new_commit_cpu_s_median": round(statistics.median(update_cpu), 3)}


def query_latency(repo: Path, config, issues: list[str]) -> dict:
    from retrieval import Localizer, RepoIndex

    index = RepoIndex.open(repo, config)
    index.warm()
    localizer = Localizer(index, config)
    localizer.localize(issues[0])  # first query pays lazy set-up
    times, cpu = [], []
    for text in issues:
        t, c = time.perf_counter(), time.process_time()
        Localizer(index, config).localize(text, top_k=50)  # a fresh localiser: no answer carried over
        times.append((time.perf_counter() - t) * 1000)
        cpu.append((time.process_time() - c) * 1000)
    times.sort()
    return {"queries": len(times), "p50_ms": round(statistics.median(times), 1),
            "p95_ms": round(times[min(len(times) - 1, int(0.95 * len(times)))], 1),
            "cpu_p50_ms": round(statistics.median(cpu), 1)}


def embedding_levers(repo: Path, config, sample: int, static_model: str = "", transformer: bool = True) -> dict:
    """Blocks/s of each embedding setting on one sample of real SEA blocks (median of 3 timings each)."""
    from retrieval import RepoIndex
    from retrieval.dense import collect_blocks
    from retrieval.embed import get_encoder

    index = RepoIndex.open(repo, config)
    texts = [b.text for b in collect_blocks(index)][:sample]
    settings = {
        "default (MiniLM-L6, len128, batch64)": ("sentence-transformers", 64, 128, None),
        "batch 16": ("sentence-transformers", 16, 128, None),
        "block length 256": ("sentence-transformers", 64, 256, None),
        "block length 64": ("sentence-transformers", 64, 64, None),
        "exit at layer 3 of 6": ("sentence-transformers", 64, 128, 3),
        "model2vec static (distilled)": ("model2vec", 64, 128, None),
    }
    if not transformer:
        settings = {"model2vec static (distilled)": settings["model2vec static (distilled)"]}
    out = {}
    for name, (backend, batch, length, layer) in settings.items():
        out[name] = _time_encoder(get_encoder(backend, config.embedding_model, batch, length, layer), texts)
    if static_model:
        out["capuchin-code-static (trained)"] = _time_encoder(get_encoder("model2vec", static_model, 64, 128, None),
                                                              texts)
    base = next(iter(out.values()))["blocks_per_s"]
    for row in out.values():
        row["speedup"] = round(row["blocks_per_s"] / base, 2)
    return {"sample_blocks": len(texts), "settings": out}


def _time_encoder(encoder, texts: list[str]) -> dict:
    encoder.encode(texts[:8])  # warm-up
    runs = []
    for _ in range(3):
        t = time.perf_counter()
        encoder.encode(texts)
        runs.append(time.perf_counter() - t)
    seconds = statistics.median(runs)
    return {"blocks_per_s": round(len(texts) / seconds, 1), "seconds": round(seconds, 3),
            "seconds_per_1000_blocks": round(1000 * seconds / len(texts), 3)}


def main(argv: list[str] | None = None) -> int:
    from benchmarks.localize import load_instances
    from retrieval import RetrievalConfig

    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repo", type=Path, required=True)
    ap.add_argument("--dataset", type=Path, required=True, help="issues to time queries with")
    ap.add_argument("--out", type=Path, required=True)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--edit", default="sympy/core/basic.py", help="file edited for the incremental update")
    ap.add_argument("--backend", choices=["none", "model2vec", "sentence-transformers"], default="none")
    ap.add_argument("--levers", type=int, default=0, help="time embedding levers on this many blocks (0: skip)")
    ap.add_argument("--model", default="", help="embedding_model for the builds (e.g. a trained model2vec directory)")
    ap.add_argument("--static-model", default="", help="also time this model2vec directory among the levers")
    ap.add_argument("--no-transformer", action="store_true", help="levers: skip the (slow) transformer settings")
    ap.add_argument("--skip-builds", action="store_true", help="only the query and lever timings")
    args = ap.parse_args(argv)
    config = RetrievalConfig(dense=args.backend != "none",
                             embedding_backend="model2vec" if args.backend == "none" else args.backend,
                             **({"embedding_model": args.model} if args.model else {}))
    cfg_json = config.model_dump_json()
    issues = [i.problem_statement for i in load_instances(args.dataset)][:60]
    result = {"repo": str(args.repo), "backend": args.backend, "args": vars(args) | {"repo": str(args.repo)},
              # The machine is shared: the figures mean little without the load they were taken under.
              "load_average_start": [round(x, 2) for x in os.getloadavg()], "nice": os.nice(0),
              "cpus": os.cpu_count()}
    if not args.skip_builds:
        result["full_build"] = full_builds(args.repo, cfg_json, args.runs)
        print("full build:", json.dumps({k: v for k, v in result["full_build"].items() if k != "runs"}), flush=True)
        result["incremental_child"] = incremental(args.repo, cfg_json, args.edit, args.runs)
        result["incremental_in_process"] = in_process_update(args.repo, config, args.edit, args.runs)
        print("one-file update:", result["incremental_in_process"], flush=True)
        result["history_update"] = history_update(args.repo, config, args.runs)
        print("history update:", result["history_update"], flush=True)
    result["query"] = query_latency(args.repo, config, issues)
    print("query:", result["query"], flush=True)
    if args.levers:
        result["levers"] = embedding_levers(args.repo, config, args.levers, args.static_model,
                                            transformer=not args.no_transformer)
        print("levers:", json.dumps(result["levers"], indent=1), flush=True)
    result["load_average_end"] = [round(x, 2) for x in os.getloadavg()]
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, indent=2, default=str) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
