"""Stage 3 (functions/classes) offline: collect every definition signal once, then replay any weights in memory.

``collect`` opens each checkout (a checkout of the same project reuses the previous one's parses,
``RepoIndex.refresh``), ranks files with today's defaults, and stores each stage-3 signal over the
definitions of the top files, optional ones included. ``search`` replays stage 3 for each lever
alone (weight chosen on the tuning half, sha1 0-7) and reports it on the held-out half; ``misses``
sorts today's function Acc@10 misses by why they miss. Replay matches ``capuchin bench localize``
exactly (same top 10 on every instance checked), in milliseconds instead of an hour.

    python -m benchmarks.localize_symbols collect --dataset ../shared/data/swebench-dev.jsonl \\
        --checkouts CHECKOUTS --out /tmp/symbols.pkl
    python -m benchmarks.localize_symbols search --dataset ... --signals /tmp/symbols.pkl --out R.json
    python -m benchmarks.localize_symbols misses --dataset ... --signals /tmp/symbols.pkl
"""

from __future__ import annotations

import argparse
import pickle
import sys
import time
from pathlib import Path

import numpy as np

from benchmarks import emit
from benchmarks.localize import Instance, load_instances, tuning_half
from retrieval.near import NEAR_SIGNALS, fuse_symbols

COLLECT = {"ctor": 1.0, "callee": 1.0, "stem_name": 1.0, "stem_title": 1.0, "strconst": 1.0}
"""Optional stage-3 signals are computed only when weighted; collecting computes them all."""
LEVERS = ("callee", "stem_name", "stem_title", "name", "ctor", "loose")
WEIGHTS = (0.0, 0.05, 0.1, 0.25, 0.5, 1.0)
K = (5, 10)


def collect_one(inst: Instance, index, config) -> dict:
    from retrieval import Localizer

    loc = Localizer(index, config)
    files, sig = loc._rank_files(inst.problem_statement)
    refs, signals = loc.symbol_signals(inst.problem_statement, files, sig)
    kinds = [index.graph.symbol(p, q).kind for p, q in refs]
    return {"refs": refs, "files": files.paths[:20], "kinds": kinds,
            "signals": {k: np.asarray(v, dtype=np.float32) for k, v in signals.items()}}


def _collect(args) -> int:
    from agent.core.config import load_settings
    from retrieval import RepoIndex

    base = load_settings(None).retrieval
    config = base.model_copy(update={"symbol_weights": {**base.symbol_weights, **COLLECT}})
    done = pickle.loads(args.out.read_bytes()) if args.out.exists() else {}
    todo = sorted((i for i in load_instances(args.dataset) if i.instance_id not in done), key=lambda i: i.instance_id)
    previous = None
    for n, inst in enumerate(todo, 1):
        start, checkout = time.perf_counter(), args.checkouts / inst.instance_id
        same = previous is not None and previous[0] == inst.repo
        index = previous[1].refresh(checkout) if same else RepoIndex.open(checkout, config)
        previous = (inst.repo, index)
        done[inst.instance_id] = collect_one(inst, index, config)
        tmp = args.out.with_suffix(".tmp")
        tmp.write_bytes(pickle.dumps(done, protocol=pickle.HIGHEST_PROTOCOL))
        tmp.replace(args.out)
        print(f"[{n}/{len(todo)}] {inst.instance_id} {time.perf_counter() - start:.1f}s", flush=True)
    return 0


def gold_ranks(data: dict, instances: dict[str, Instance], config) -> dict[str, list[int]]:
    """Per instance with gold definitions, each one's place in stage 3's replayed top 50 (999: not there)."""
    out = {}
    for iid, row in data.items():
        inst = instances.get(iid)
        if inst is None or not inst.gold_functions:
            continue
        keys = {f"{p}::{q}": j for j, (p, q) in enumerate(row["refs"])}
        signals = {k: v.astype(np.float64) for k, v in row["signals"].items()}
        fused = fuse_symbols(signals, config.symbol_weights, power=config.symbol_fusion_power,
                             keep=config.symbol_keep)
        place = {int(j): r for r, j in enumerate(np.argsort(-fused, kind="stable")[:50], 1)}
        out[iid] = [place.get(keys.get(g, -1), 999) for g in inst.gold_functions]
    return out


def with_weight(config, lever: str, weight: float, **update):
    return config.model_copy(update={"symbol_weights": {**config.symbol_weights, lever: weight}, **update})


def accuracy(ranks: dict[str, list[int]], ids: list[str]) -> dict:
    ids = [i for i in ids if i in ranks]
    return {"n": len(ids), **{f"@{k}": round(sum(max(ranks[i]) <= k for i in ids) / max(len(ids), 1), 3) for k in K}}


def groups(ranks: dict[str, list[int]], instances: dict[str, Instance], *, detail: bool = False) -> dict:
    out = {"all": list(ranks), "tune": [i for i in ranks if tuning_half(i)],
           "held_out": [i for i in ranks if not tuning_half(i)]}
    if detail:
        for iid in ranks:
            out.setdefault(instances[iid].repo, []).append(iid)
            out.setdefault("multi-file" if len(instances[iid].gold_files) > 1 else "single-file", []).append(iid)
    return {name: accuracy(ranks, ids) for name, ids in out.items()}


def objective(part: dict) -> float:
    """Function Acc@10 (the target) first, Acc@5 as the tie-break."""
    return part["@10"] + 0.5 * part["@5"]


def search(data: dict, instances: dict[str, Instance], config, levers=LEVERS) -> dict:
    """Each lever alone at each weight (the others as configured); the weight the tuning half picks
    (off unless strictly better than off), and the retrieval.near levers once more with no kept places."""
    out = {"defaults": groups(gold_ranks(data, instances, config), instances, detail=True), "levers": {}}
    variants = [(lever, {}) for lever in levers]
    variants += [(f"{lever}, symbol_keep 0", {"symbol_keep": 0}) for lever in levers if lever in NEAR_SIGNALS]
    for name, update in variants:
        lever = name.split(",")[0]
        rows = {w: groups(gold_ranks(data, instances, with_weight(config, lever, w, **update)), instances, detail=True)
                for w in WEIGHTS}
        best = max(WEIGHTS, key=lambda w: objective(rows[w]["tune"]))
        chosen = best if objective(rows[best]["tune"]) > objective(rows[0.0]["tune"]) + 1e-9 else 0.0
        out["levers"][name] = {"chosen_on_tune": chosen, "by_weight": {str(w): rows[w] for w in WEIGHTS}}
    return out


def classify(inst: Instance, row: dict, ranks: list[int]) -> str:
    """Why an instance misses function Acc@10, by its worst-placed gold definition."""
    keys = {f"{p}::{q}" for p, q in row["refs"]}
    if len(inst.gold_functions) > 10:
        return "more than 10 gold definitions"
    if any(g.split("::")[0] not in row["files"] for g in inst.gold_functions):
        return "a gold file outside stage 1's top 20"
    if any(g not in keys for g in inst.gold_functions):
        return "gold definition not parsed (module-level or renamed)"
    return "ranked 11-50" if max(ranks) <= 50 else "in a top-20 file, below 50"


def misses(data: dict, instances: dict[str, Instance], config) -> dict:
    ranks = gold_ranks(data, instances, config)
    out: dict = {}
    for iid, r in sorted(ranks.items()):
        if max(r) <= 10:
            continue
        why = classify(instances[iid], data[iid], r)
        part = out.setdefault(why, {"tune": 0, "held_out": 0, "instances": []})
        part["tune" if tuning_half(iid) else "held_out"] += 1
        part["instances"].append(iid)
    return out


def _load(args) -> tuple[dict, dict[str, Instance], object]:
    from agent.core.config import load_settings

    data = pickle.loads(args.signals.read_bytes())
    instances = {i.instance_id: i for i in load_instances(args.dataset)}
    return data, instances, load_settings(None).retrieval


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = ap.add_subparsers(dest="cmd", required=True)
    c = sub.add_parser("collect")
    c.add_argument("--dataset", type=Path, required=True)
    c.add_argument("--checkouts", type=Path, required=True)
    c.add_argument("--out", type=Path, required=True)
    for name in ("search", "misses"):
        p = sub.add_parser(name)
        p.add_argument("--dataset", type=Path, required=True)
        p.add_argument("--signals", type=Path, required=True)
        p.add_argument("--out", type=Path)
    args = ap.parse_args(argv)
    if args.cmd == "collect":
        return _collect(args)
    data, instances, base = _load(args)
    if args.cmd == "search":
        return emit(search(data, instances, base), args.out)
    return emit(misses(data, instances, base), args.out)


if __name__ == "__main__":
    sys.exit(main())
