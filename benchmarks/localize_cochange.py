"""Re-tune stage 1's co-change signal offline on the whole dev set (issue #15, multi-file recall).

Replays stage 1 (``benchmarks.localize_tune.replay``) from a signals file written by
``localize_tune collect`` or ``localize_ablation run`` over a grid of co-change weight x
``cochange_keep`` x ``cochange_seeds`` x the commit-size limit of co-change counting
(``History.cochange_max_files``). The collected co-change rows were counted with a limit of 10;
for every limit they are counted again from the history each checkout cached when it was
indexed (``.capuchin/index/history.pkl``: no git process). The fused ranking before co-change
does not depend on any co-change setting, so only its best few files (the possible seeds)
need rows. The config is chosen on the tuning half (sha1 0-7) by ``localize_tune.objective``;
a tie with co-change off keeps it off.

    python -m benchmarks.localize_cochange --signals SIGNALS.pkl --checkouts CHECKOUTS \\
        --out benchmarks/results/localize-cochange-issue15.json
"""

from __future__ import annotations

import argparse
import itertools
import json
import pickle
import sys
from dataclasses import replace
from pathlib import Path

from benchmarks import emit
from benchmarks.localize import tuning_half
from benchmarks.localize_tune import Collected, objective, replay

WEIGHTS = (0.1, 0.2, 0.3, 0.5, 0.75, 1.0, 1.5, 2.0, 3.0, 5.0)
KEEPS = (1, 2, 3, 4, 5)
SEEDS = (1, 2, 3, 5)
MAX_FILES = (5, 10, 20, 30)
COLLECTED_MAX_FILES = 10
"""``History.cochange_max_files`` when the dev signals were collected (before this re-tune chose 30)."""


def seed_pool(c: Collected, weights: dict[str, float], power: float, n: int) -> list[int]:
    """The ``n`` best files before co-change: its seeds under every setting with at most ``n`` seeds."""
    return replay(c, {k: v for k, v in weights.items() if k != "cochange"}, power)[:n]


def recount(c: Collected, checkout: Path, seeds: list[int], max_files: int,
            history_max_files: int) -> dict[int, dict[int, float]] | None:
    """Co-change rows of ``seeds`` counted over commits of at most ``max_files`` files; None without a cached history.
    ``history_max_files`` is retrieval.history_max_files: 'touches' (the denominator) counts those commits."""
    from retrieval.history import History, _load_cached

    cached = _load_cached(checkout)
    if cached is None:
        return None
    head, commits, _ = cached
    hist = History(head, commits, max_files=history_max_files, cochange_max_files=max_files)
    pos = {p: i for i, p in enumerate(c.paths)}
    rows = {}
    for i in seeds:
        total = hist.touches[c.paths[i]] or 1
        rows[i] = {pos[o]: n / total for o, n in hist.cochange.get(c.paths[i], {}).items() if o in pos}
    return rows


def variants(data: list[Collected], checkouts: Path, weights: dict[str, float], power: float,
             history_max_files: int) -> dict[int, list[Collected]]:
    """The instances with co-change rows counted under each commit-size limit (the collected ones checked against a recount)."""
    out: dict[int, list[Collected]] = {m: [] for m in MAX_FILES}
    agree = 0
    for c in data:
        seeds = seed_pool(c, weights, power, max(SEEDS))
        for m in MAX_FILES:
            rows = recount(c, checkouts / c.instance_id, seeds, m, history_max_files)
            if m == COLLECTED_MAX_FILES:
                agree += rows is None or all(rows[i] == c.cochange.get(i, {}) for i in seeds if c.cochange.get(i))
                rows = c.cochange
            out[m].append(replace(c, cochange=rows if rows is not None else c.cochange))
    print(f"recounted rows agree with the collected ones (limit {COLLECTED_MAX_FILES}): {agree}/{len(data)}", file=sys.stderr)
    return out


def scores(data: list[Collected], weights: dict[str, float], power: float, seeds: int, keep: int) -> dict:
    """File Acc@1/3/5/10 on each half and the whole set, over all instances and over multi-file ones."""
    hits = {}
    for c in data:
        ranked = replay(c, weights, power, cochange_seeds=seeds, cochange_keep=keep)
        hits[c.instance_id] = {k: bool(c.gold) and all(g in ranked[:k] for g in c.gold) for k in (1, 3, 5, 10)}
    groups = {"tune": [c for c in data if tuning_half(c.instance_id)],
              "held_out": [c for c in data if not tuning_half(c.instance_id)], "all": data}
    out = {}
    for name, part in groups.items():
        for suffix, chosen in (("", part), ("_multi_file", [c for c in part if len(c.gold) > 1])):
            out[name + suffix] = {k: round(sum(hits[c.instance_id][k] for c in chosen) / max(len(chosen), 1), 4)
                                  for k in (1, 3, 5, 10)}
    return out


def grid(by_limit: dict[int, list[Collected]], base: dict[str, float], power: float) -> list[dict]:
    rows = [{"weight": 0.0, "keep": None, "seeds": None, "max_files": None,
             **scores(by_limit[COLLECTED_MAX_FILES], base, power, 3, 3)}]
    for w, keep, seeds, m in itertools.product(WEIGHTS, KEEPS, SEEDS, MAX_FILES):
        rows.append({"weight": w, "keep": keep, "seeds": seeds, "max_files": m,
                     **scores(by_limit[m], {**base, "cochange": w}, power, seeds, keep)})
    return rows


def choose(rows: list[dict]) -> dict:
    """Best tuning-half objective; ties go to co-change off, then to the smaller weight."""
    return max(rows, key=lambda r: (round(objective(r["tune"]), 6), -r["weight"]))


def main(argv: list[str] | None = None) -> int:
    from agent.core.config import load_settings

    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--signals", type=Path, required=True, help="file from localize_tune collect / localize_ablation run")
    ap.add_argument("--checkouts", type=Path, required=True, help="the checkouts the signals were collected from")
    ap.add_argument("--out", type=Path, default=None)
    args = ap.parse_args(argv)
    sys.modules["__main__"].Collected = Collected  # files pickled by 'python -m benchmarks.localize_tune'
    data: list[Collected] = pickle.loads(args.signals.read_bytes())
    config = load_settings().retrieval
    base = {k: v for k, v in config.weights.items() if v and k != "cochange"}
    by_limit = variants(data, args.checkouts, base, config.fusion_power, config.history_max_files)
    rows = grid(by_limit, base, config.fusion_power)
    best = choose(rows)
    report = {"instances": {"tune": sum(tuning_half(c.instance_id) for c in data), "all": len(data),
                            "multi_file": sum(len(c.gold) > 1 for c in data)},
              "off": rows[0], "chosen_on_tune": best,
              "best_per_max_files": {m: choose([r for r in rows if r["max_files"] == m]) for m in MAX_FILES},
              "best_per_keep": {k: choose([r for r in rows if r["keep"] == k]) for k in KEEPS}}
    if args.out:  # every setting, one line each: Acc@1/3/5/10 per group
        lines = (json.dumps({**{k: r[k] for k in ("weight", "keep", "seeds", "max_files")},
                             **{g: list(v.values()) for g, v in r.items() if isinstance(v, dict)}}) for r in rows)
        args.out.with_suffix(".grid.jsonl").write_text("\n".join(lines) + "\n")
    return emit(report, args.out)


if __name__ == "__main__":
    sys.exit(main())
