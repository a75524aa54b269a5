"""Tune stage-1 (file) fusion weights offline: collect every signal once, then search weights in memory.

A full ``capuchin bench localize`` run re-opens every checkout; trying one weight setting
that way costs minutes. ``collect`` stores, per instance, each file signal, the import
neighbours and co-change rows of the files that can become seeds, and the gold files;
``search`` replays stage 1 (both second passes included) for any weights in
milliseconds, and tunes by coordinate descent on the tuning half (sha1 0-7) only.

    python -m benchmarks.localize_tune collect --dataset ../shared/data/swebench-dev.jsonl \\
        --checkouts CHECKOUTS --out /tmp/signals.pkl
    python -m benchmarks.localize_tune search --signals /tmp/signals.pkl [--only history,cochange]
"""

from __future__ import annotations

import argparse
import json
import pickle
import random
import sys
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from benchmarks import emit
from benchmarks.localize import _PARSE_MEMO, load_instances, tuning_half
from retrieval.rank import combine, keep_top, top_indices

SEED_POOL = 60
"""Files kept with their neighbours: the union of each signal's best this-many (seeds come from there)."""


@dataclass
class Collected:
    instance_id: str
    repo: str
    paths: list[str]
    mask: np.ndarray
    signals: dict[str, np.ndarray]
    gold: list[int]
    """Indices of the gold files in ``paths`` (-1 for a file the checkout lacks)."""
    neighbours: dict[int, list[int]] = field(default_factory=dict)
    cochange: dict[int, dict[int, float]] = field(default_factory=dict)
    """seed -> {file: P(file | seed)}."""


def collect_one(inst, checkout: Path, config) -> Collected:
    from retrieval import RepoIndex

    index = RepoIndex.open(checkout, config, memo=_PARSE_MEMO)
    variants = history_variants(checkout, index.paths, inst.problem_statement, config)
    return collect_signals(inst, index, config, extra=variants)


def collect_signals(inst, index, config, extra: dict[str, np.ndarray] | None = None) -> Collected:
    """Every file signal of stage 1 for one instance (``config``'s weights say which optional ones are
    computed), the neighbours and co-change rows of the files that can become seeds, and the gold files."""
    from retrieval import Localizer
    from retrieval.signals import extract
    from retrieval.text import tokenize

    loc = Localizer(index, config)
    sig = extract(index.graph, inst.problem_statement)
    loc._literals(inst.problem_statement, sig)
    signals = loc._file_signals(inst.problem_statement, sig, tokenize(inst.problem_statement))
    pos = {p: i for i, p in enumerate(index.paths)}
    pool = set()
    for scores in signals.values():
        pool.update(int(i) for i in np.argsort(-scores)[:SEED_POOL] if scores[i] > 0)
    signals.update(extra or {})
    neighbours = {i: [pos[n] for n in index.graph.neighbours(index.paths[i])] for i in pool}
    cochange = {}
    if index.history is not None:
        hist = index.history.history
        for i in pool:
            rows = hist.cochange.get(index.paths[i], {})
            total = hist.touches[index.paths[i]] or 1
            cochange[i] = {pos[o]: c / total for o, c in rows.items() if o in pos}
    return Collected(inst.instance_id, inst.instance_id.rsplit("-", 1)[0], list(index.paths),
                     index.candidate_mask(), {k: v.astype(np.float32) for k, v in signals.items()},
                     [pos.get(g, -1) for g in inst.gold_files], neighbours, cochange)


def history_variants(checkout: Path, paths: list[str], issue: str, config) -> dict[str, np.ndarray]:
    """The history signal built in the ways the two earlier attempts could have differed (one git log read)."""
    from dataclasses import replace as dc_replace

    from retrieval.history import History, read_log
    from retrieval.signals import title_of
    from retrieval.text import tokenize

    commits = read_log(checkout, "HEAD", config.history_commits, merges=True) or []
    plain = [c for c in commits if not c.merge]
    variants = {
        "history_merges": commits,
        "history_plain_same_window": plain,
        "history_norename": [dc_replace(c, renames=()) for c in plain],
        "history_w1000": plain[:1000],
        "history_all_files": plain,
    }
    tokens, title = tokenize(issue), tokenize(title_of(issue))
    out = {}
    for name, chosen in variants.items():
        max_files = 10_000 if name == "history_all_files" else config.history_max_files
        out[name] = History("HEAD", chosen, max_files=max_files).scorer(paths).scores(tokens)
    default = History("HEAD", plain, max_files=config.history_max_files).scorer(paths)
    out["history_title"] = default.scores(title)
    base = out["history_plain_same_window"]
    order = np.argsort(np.argsort(-base))
    # Rank fusion (as in the issue's second measurement): only the order counts, not the margins.
    out["history_rank"] = np.where(base > 0, 1.0 / (60 + order), 0.0)
    return {k: v.astype(np.float64) for k, v in out.items()}


def replay(c: Collected, weights: dict[str, float], power: float, *, graph_seeds: int = 5,
           cochange_seeds: int = 3, cochange_keep: int = 3) -> list[int]:
    """Stage 1 of retrieval.localize for these weights: file indices, best first."""
    signals = dict(c.signals)
    fused = combine(signals, weights, power=power, mask=c.mask)
    if weights.get("graph"):
        graph = np.zeros(len(c.paths))
        for rank, i in enumerate(top_indices(fused, graph_seeds)):
            for n in c.neighbours.get(i, ()):
                graph[n] += 1.0 / (rank + 1)
        signals["graph"] = graph
        fused = combine(signals, weights, power=power, mask=c.mask)
    if weights.get("cochange"):
        co = np.zeros(len(c.paths))
        for rank, i in enumerate(top_indices(fused, cochange_seeds)):
            for n, p in c.cochange.get(i, {}).items():
                co[n] += p / (rank + 1)
        signals["cochange"] = co
        fused = keep_top(fused, combine(signals, weights, power=power, mask=c.mask), cochange_keep)
    return top_indices(fused, 10)


def accuracy(data: list[Collected], weights: dict[str, float], power: float, **kw) -> dict[int, float]:
    hits = {1: 0, 3: 0, 5: 0, 10: 0}
    for c in data:
        ranked = replay(c, weights, power, **kw)
        for k in hits:
            hits[k] += bool(c.gold) and all(g in ranked[:k] for g in c.gold)
    return {k: round(v / max(len(data), 1), 4) for k, v in hits.items()}


def objective(acc: dict[int, float]) -> float:
    """Acc@1 and Acc@5 count most (the issue's targets), @3 and @10 break ties."""
    return acc[1] + acc[5] + 0.5 * acc[3] + 0.5 * acc[10]


def coordinate_search(data: list[Collected], weights: dict[str, float], power: float, names: list[str],
                      rounds: int = 2) -> dict[str, float]:
    best = dict(weights)
    best_score = objective(accuracy(data, best, power))
    for _ in range(rounds):
        for name in names:
            for value in (0.0, 0.05, 0.1, 0.2, 0.3, 0.5, 0.75, 1.0, 1.5):
                trial = {**best, name: value}
                score = objective(accuracy(data, trial, power))
                if score > best_score + 1e-9:
                    best, best_score = trial, score
    return best


def _collect(args) -> int:
    from agent.core.config import load_settings

    base = load_settings().retrieval
    # Every optional signal gets a weight so it is computed; the search decides what it is worth.
    weights = {**base.weights, "literal": 1.0, "history": 1.0, **({"dense": 1.0} if args.dense else {})}
    config = base.model_copy(update={"history": True, "weights": weights, "dense": args.dense})
    instances = load_instances(args.dataset)
    # A seeded shuffle: a run cut short still holds a fair sample of both halves and every repository.
    random.Random(0).shuffle(instances)
    out: list[Collected] = pickle.loads(args.out.read_bytes()) if args.out.exists() else []
    done = {c.instance_id for c in out}
    for n, inst in enumerate(instances, 1):
        checkout = args.checkouts / inst.instance_id
        if inst.instance_id in done or not checkout.is_dir() or inst.instance_id in args.skip.split(","):
            continue
        try:
            out.append(collect_one(inst, checkout, config))
        except RecursionError:  # deep sympy expressions (retrieval/parse.py, being fixed on another branch)
            print(f"[{n}/{len(instances)}] {inst.instance_id}: RecursionError, skipped", flush=True)
            continue
        print(f"[{n}/{len(instances)}] {inst.instance_id}", flush=True)
        if len(out) % 5 == 0:  # resumable: a stopped run keeps what it collected
            _write(args.out, out)
    _write(args.out, out)
    return 0


def _write(path: Path, data: list) -> None:
    tmp = path.with_suffix(".tmp")
    tmp.write_bytes(pickle.dumps(data, protocol=pickle.HIGHEST_PROTOCOL))
    tmp.replace(path)


class _MemoryCache(dict):
    def __init__(self, repo, name):
        super().__init__()

    def put(self, key, value):
        self[key] = value

    def prune(self, keep):
        pass

    def save(self):
        pass


def _collect_dense(args) -> int:
    """File-level dense signals of each named encoder (model2vec backend), added to a signals file."""
    import retrieval.dense as dense_module
    from agent.core.config import load_settings
    from retrieval import RepoIndex
    from retrieval.dense import DenseIndex
    from retrieval.embed import StaticEncoder

    # Vectors stay in the process-wide memo only: writing ~20,000 vectors per checkout per encoder to each
    # checkout's cache would cost more than encoding the few blocks that differ between checkouts.
    dense_module.Cache = _MemoryCache
    config = load_settings().retrieval.model_copy(update={"history": False})
    encoders = {name: StaticEncoder(path) for name, path in (e.split("=", 1) for e in args.encoders)}
    data: list[Collected] = pickle.loads(args.signals.read_bytes())
    instances = {i.instance_id: i for i in load_instances(args.dataset)}
    skip_repos = set(args.skip_repos.split(",")) if args.skip_repos else set()
    for n, c in enumerate(data, 1):
        if all(f"dense:{name}" in c.signals for name in encoders) or c.repo in skip_repos:
            continue
        index = RepoIndex.open(args.checkouts / c.instance_id, config, memo=_PARSE_MEMO)
        for name, encoder in encoders.items():
            dense = DenseIndex.build(index, encoder)
            c.signals[f"dense:{name}"] = dense.file_scores(instances[c.instance_id].problem_statement).astype(np.float32)
        print(f"[{n}/{len(data)}] {c.instance_id}", flush=True)
        if n % 5 == 0:  # a run stopped early keeps the instances it finished (search skips the others)
            _write(args.signals, data)
    _write(args.signals, data)
    return 0


def _final(args) -> int:
    """One more pass over the collected instances: dense signals per encoder, and the real localiser
    (files and functions) under each named config, written as ``capuchin bench localize`` rows."""
    import retrieval.dense as dense_module
    from agent.core.config import load_settings
    from benchmarks.localize import breakdown, score, split_scores
    from retrieval import Localizer, RepoIndex
    from retrieval.dense import DenseIndex
    from retrieval.embed import StaticEncoder

    dense_module.Cache = _MemoryCache
    base = load_settings().retrieval
    configs = {name: base.model_copy(update=json.loads(text)) for name, text in
               (c.split("=", 1) for c in args.configs)}
    encoders = {name: StaticEncoder(path) for name, path in (e.split("=", 1) for e in args.encoders)}
    data: list[Collected] = pickle.loads(args.signals.read_bytes())
    if args.ids:
        data = [c for c in data if c.instance_id in args.ids.split(",")]
    instances = {i.instance_id: i for i in load_instances(args.dataset)}
    rows: dict[str, dict[str, dict]] = {name: {} for name in configs}
    mismatches = dict.fromkeys(configs, 0)
    for n, c in enumerate(data, 1):
        inst = instances[c.instance_id]
        index = RepoIndex.open(args.checkouts / c.instance_id, base, memo=_PARSE_MEMO)
        for name, encoder in encoders.items():
            c.signals[f"dense:{name}"] = DenseIndex.build(index, encoder).file_scores(
                inst.problem_statement).astype(np.float32)
        for name, cfg in configs.items():
            index.config = cfg
            index.__dict__.pop("history", None)
            loc = Localizer(index, cfg)
            files = [p for p, _ in loc.rank_files(inst.problem_statement)[:20]]
            funcs = [x.key for x in loc.localize(inst.problem_statement, top_k=50)]
            rows[name][c.instance_id] = {"instance_id": c.instance_id, "files": files, "functions": funcs,
                                         "seconds": 0.0}
            replayed = [c.paths[i] for i in replay(c, cfg.weights, cfg.fusion_power, cochange_seeds=cfg.cochange_seeds,
                                                   cochange_keep=cfg.cochange_keep)]
            mismatches[name] += replayed[:5] != files[:5]  # the offline replay must rank as the localiser does
        print(f"[{n}/{len(data)}] {c.instance_id}", flush=True)
    if not args.ids:
        _write(args.signals, data)
    listed = [instances[c.instance_id] for c in data]
    report = {name: {"all": score(listed, r), "splits": split_scores(listed, r),
                     "breakdown_held_out": breakdown([i for i in listed if not tuning_half(i.instance_id)], r)}
              for name, r in rows.items()}
    report["replay_top5_mismatches"] = mismatches
    args.out.write_text(json.dumps(report, indent=1) + "\n")
    print("replay top-5 mismatches:", mismatches)
    for name, part in ((k, v) for k, v in report.items() if k in configs):
        print(name, json.dumps({k: part["splits"][k]["file_acc"] | {"fn@10": part["splits"][k]["function_acc"][10]}
                                for k in ("tune", "held_out")}))
    return 0


def best_weight(data: list[Collected], weights: dict[str, float], power: float, name: str) -> float:
    grid = (0.0, 0.05, 0.1, 0.15, 0.2, 0.3, 0.5, 0.75, 1.0)
    return max(grid, key=lambda w: (objective(accuracy(data, {**weights, name: w}, power)), -w))


def gold_in_top(c: Collected, scores: np.ndarray, k: int) -> bool:
    ranked = top_indices(np.where(c.mask, scores, -np.inf), k)
    return bool(c.gold) and all(g in ranked for g in c.gold)


def lever_report(tune: list[Collected], held: list[Collected], base: dict[str, float], power: float,
                 names: list[str]) -> dict:
    """Each lever alone on top of the base weights: its weight chosen on the tuning half, scored on both."""
    out = {}
    for name in names:
        w = best_weight(tune, base, power, name)
        trial = {**base, name: w}
        multi = [c for c in held if len(c.gold) > 1]
        out[name] = {"weight": w, "tune": accuracy(tune, trial, power), "held_out": accuracy(held, trial, power),
                     "held_out_multi_file": accuracy(multi, trial, power),
                     "alone_all": accuracy(tune + held, {name: 1.0}, power) if name != "cochange" else None}
    return out


def _search(args) -> int:
    from agent.core.config import load_settings

    data: list[Collected] = pickle.loads(args.signals.read_bytes())
    if args.dense_only:  # compare encoders on the instances collect-dense reached
        data = [c for c in data if any(n.startswith("dense:") for n in c.signals)]
    config = load_settings().retrieval
    power = config.fusion_power
    base = {k: v for k, v in config.weights.items() if v}
    tune = [c for c in data if tuning_half(c.instance_id)]
    held = [c for c in data if not tuning_half(c.instance_id)]
    multi = [c for c in held if len(c.gold) > 1]
    report = {"instances": {"tune": len(tune), "held_out": len(held), "held_out_multi_file": len(multi)},
              "base": {"tune": accuracy(tune, base, power), "held_out": accuracy(held, base, power),
                       "held_out_multi_file": accuracy(multi, base, power)}}
    levers = sorted({n for c in data for n in c.signals if n.startswith(("history", "dense"))}) + ["cochange"]
    report["levers"] = lever_report(tune, held, base, power, levers)
    # Where history could help at all: gold in its top 5 while the fused ranking misses it.
    fused_miss = [c for c in data if not all(g in replay(c, base, power)[:5] for g in c.gold)]
    report["history_rescues_possible"] = {
        n: sum(gold_in_top(c, c.signals[n], 5) for c in fused_miss) for n in levers if n in data[0].signals}
    report["base_misses_at_5"] = len(fused_miss)
    # The issue's Lite measurement fused history with plain content BM25 alone (0.8 / 0.2, max-normalised):
    # the same fusion here shows how much of the gain today's other signals already hold.
    everyone = tune + held
    report["issue_style"] = {
        "content_bm25": accuracy(everyone, {"bm25_file": 1.0}, 1.0),
        "content_bm25+history": accuracy(everyone, {"bm25_file": 0.8, "history": 0.2}, 1.0),
        "full_localiser": accuracy(everyone, base, power),
        "full_localiser+history_rank_fused": accuracy(everyone, {**base, "history_rank": 0.2}, power),
        "full_localiser+history_0.2": accuracy(everyone, {**base, "history": 0.2}, power),
    }
    if args.joint:
        names = args.joint.split(",")
        tuned = coordinate_search(tune, base, power, names)
        report["joint"] = {"weights": {k: v for k, v in tuned.items() if v != base.get(k)},
                           "tune": accuracy(tune, tuned, power), "held_out": accuracy(held, tuned, power),
                           "held_out_multi_file": accuracy(multi, tuned, power)}
    return emit(report, args.out)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = ap.add_subparsers(dest="cmd", required=True)
    c = sub.add_parser("collect")
    c.add_argument("--dataset", type=Path, required=True)
    c.add_argument("--checkouts", type=Path, required=True)
    c.add_argument("--out", type=Path, required=True)
    c.add_argument("--dense", action="store_true", help="collect the dense signal too (retrieval.dense)")
    c.add_argument("--skip", default="", help="comma-separated instance ids to leave out")
    d = sub.add_parser("collect-dense")
    d.add_argument("--dataset", type=Path, required=True)
    d.add_argument("--checkouts", type=Path, required=True)
    d.add_argument("--signals", type=Path, required=True, help="file from 'collect'; dense signals are added")
    d.add_argument("--encoders", nargs="+", required=True, help="NAME=MODEL2VEC_DIR_OR_MODEL_NAME")
    d.add_argument("--skip-repos", default="", help="comma-separated owner__name prefixes to leave out (cost)")
    f = sub.add_parser("final")
    f.add_argument("--dataset", type=Path, required=True)
    f.add_argument("--checkouts", type=Path, required=True)
    f.add_argument("--signals", type=Path, required=True)
    f.add_argument("--configs", nargs="+", required=True, help='NAME=JSON retrieval overrides, e.g. base={}')
    f.add_argument("--encoders", nargs="*", default=[], help="NAME=MODEL2VEC_DIR_OR_MODEL_NAME")
    f.add_argument("--out", type=Path, required=True)
    f.add_argument("--ids", default="", help="only these instances (comma-separated); the signals file is left as is")
    s = sub.add_parser("search")
    s.add_argument("--signals", type=Path, required=True)
    s.add_argument("--joint", default="", help="comma-separated weights to tune together by coordinate search")
    s.add_argument("--out", type=Path, default=None, help="write the report here too (JSON)")
    s.add_argument("--dense-only", action="store_true", help="only instances that have dense signals")
    args = ap.parse_args(argv)
    return {"collect": _collect, "collect-dense": _collect_dense, "search": _search, "final": _final}[args.cmd](args)


if __name__ == "__main__":
    sys.exit(main())
