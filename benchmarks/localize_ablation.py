"""Ablation of localisation levers: each checkout opened once, the localiser run under several configs.

A lever is a retrieval override (JSON merged into today's defaults: ``weights`` and
``symbol_weights`` are merged key by key). Every config writes ``capuchin bench localize``
rows to ``OUT/<name>.jsonl``; stage-1 signals of every instance are also kept in
``OUT/signals.pkl`` (benchmarks.localize_tune's format) so file-level weights can be
searched offline afterwards. Resumable: an instance already in every config's file is
skipped. ``report`` picks each lever's weight on the tuning half (sha1 0-7) and reports
it on the held-out half.

    python -m benchmarks.localize_ablation run --dataset ../shared/data/swebench-dev.jsonl \\
        --checkouts CHECKOUTS --out OUT --configs base={} 'ctor=0.5={"symbol_weights":{"ctor":0.5}}'
    python -m benchmarks.localize_ablation report --dataset ... --out OUT
"""

from __future__ import annotations

import argparse
import json
import pickle
import random
import sys
import time
from pathlib import Path

from agent.core.errors import InputError
from benchmarks.localize import (
    _PARSE_MEMO,
    Instance,
    breakdown,
    load_instances,
    read_results,
    score,
    split_scores,
    tuning_half,
)

COLLECT_WEIGHTS = {"literal": 1.0, "strconst": 1.0, "history": 1.0}
"""Optional stage-1 signals are only computed when weighted: the collected signals include them all."""


def apply_overrides(base, overrides: dict):
    """``base`` (a RetrievalConfig) with ``overrides`` merged in; weight tables merge key by key."""
    update = dict(overrides)
    for table in ("weights", "symbol_weights"):
        if table in update:
            update[table] = {**getattr(base, table), **update[table]}
    return base.model_copy(update=update)


def parse_configs(specs: list[str]) -> dict[str, dict]:
    """``NAME=JSON`` pairs; the name may hold '=' (``ctor=0.5={...}``): the JSON starts at the first '={'."""
    out = {}
    for spec in specs:
        name, sep, text = spec.partition("={")
        if not sep:
            raise InputError(f"config {spec!r} is not NAME=JSON (e.g. base={{}})")
        out[name] = json.loads("{" + text)
    if "base" not in out:
        raise InputError("the configs must include base={} (today's defaults), the row every lever is measured against")
    return out


def run_one(inst: Instance, checkout: Path, base, configs: dict[str, dict]) -> tuple[dict[str, dict], object]:
    """Rows per config for one instance, and its collected stage-1 signals."""
    from benchmarks.localize_tune import collect_signals
    from retrieval import Localizer, RepoIndex

    start = time.perf_counter()
    index = RepoIndex.open(checkout, base, memo=_PARSE_MEMO)
    opened = time.perf_counter() - start
    rows = {}
    for name, overrides in configs.items():
        cfg = apply_overrides(base, overrides)
        t0 = time.perf_counter()
        loc = Localizer(index, cfg)
        files = [p for p, _ in loc.rank_files(inst.problem_statement)[:20]]
        funcs = [x.key for x in loc.localize(inst.problem_statement, top_k=50)]
        rows[name] = {"instance_id": inst.instance_id, "files": files, "functions": funcs,
                      "seconds": round(time.perf_counter() - t0, 3), "open_seconds": round(opened, 3)}
    collect_cfg = base.model_copy(update={"weights": {**base.weights, **COLLECT_WEIGHTS}})
    return rows, collect_signals(inst, index, collect_cfg)


def _run(args) -> int:
    from agent.core.config import load_settings

    base = load_settings(None).retrieval
    configs = parse_configs(args.configs)
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "configs.json").write_text(json.dumps(configs, indent=1) + "\n")
    instances = load_instances(args.dataset)
    random.Random(0).shuffle(instances)  # a run cut short still holds a fair sample of every repository
    done = [set(read_results(args.out / f"{name}.jsonl")) for name in configs]
    signals_path = args.out / "signals.pkl"
    collected = pickle.loads(signals_path.read_bytes()) if signals_path.exists() else []
    have = {c.instance_id for c in collected}
    todo = [i for i in instances if (args.checkouts / i.instance_id).is_dir()
            and not (all(i.instance_id in d for d in done) and i.instance_id in have)]
    for n, inst in enumerate(todo, 1):
        rows, signals = run_one(inst, args.checkouts / inst.instance_id, base, configs)
        for name, row in rows.items():
            with (args.out / f"{name}.jsonl").open("a", encoding="utf-8") as fh:
                fh.write(json.dumps(row) + "\n")
        collected = [c for c in collected if c.instance_id != inst.instance_id] + [signals]
        tmp = signals_path.with_suffix(".tmp")
        tmp.write_bytes(pickle.dumps(collected, protocol=pickle.HIGHEST_PROTOCOL))
        tmp.replace(signals_path)
        print(f"[{n}/{len(todo)}] {inst.instance_id} open {rows['base']['open_seconds']}s"
              f" query {rows['base']['seconds']}s", flush=True)
    return 0


def objective(part: dict) -> float:
    """File Acc@1 and @5 and function Acc@10: the issue's three targets, equally."""
    return part["file_acc"][1] + part["file_acc"][5] + part["function_acc"][10]


def short(part: dict) -> dict:
    return {"n": part["instances"], "file@1": part["file_acc"][1], "file@5": part["file_acc"][5],
            "file@10": part["file_acc"][10], "function@10": part["function_acc"][10]}


def report(instances: list[Instance], results: dict[str, dict[str, dict]]) -> dict:
    """Every config on all, tune and held-out; per lever (names ``lever=weight``) the weight the tuning
    half picks, and what it does on the held-out half against ``base``."""
    common = set.intersection(*(set(r) for r in results.values()))
    listed = [i for i in instances if i.instance_id in common]
    out: dict = {"instances": len(listed), "configs": {}}
    for name, rows in results.items():
        splits = split_scores(listed, rows)
        out["configs"][name] = {"all": short(score(listed, rows)), "tune": short(splits["tune"]),
                                "held_out": short(splits["held_out"]), "by_group": breakdown(listed, rows)}
    levers: dict[str, list[str]] = {}
    for name in results:
        if "=" in name:
            levers.setdefault(name.split("=", 1)[0], []).append(name)
    tune = [i for i in listed if tuning_half(i.instance_id)]
    base_tune = objective(score(tune, results["base"]))
    out["levers"] = {}
    for lever, names in sorted(levers.items()):
        best = max(names, key=lambda n: objective(score(tune, results[n])))
        chosen = best if objective(score(tune, results[best])) > base_tune + 1e-9 else "base"
        out["levers"][lever] = {"chosen_on_tune": chosen, "tune": out["configs"][best]["tune"],
                                "held_out_on": out["configs"][best]["held_out"],
                                "held_out_off": out["configs"]["base"]["held_out"],
                                "all_on": out["configs"][best]["all"]}
    return out


def _report(args) -> int:
    names = [p.stem for p in sorted(args.out.glob("*.jsonl"))]
    results = {name: read_results(args.out / f"{name}.jsonl") for name in names}
    text = json.dumps(report(load_instances(args.dataset), results), indent=1)
    (args.out / "report.json").write_text(text + "\n")
    print(text)
    return 0


def _stage1(args) -> int:
    """File-level levers searched offline on the collected signals: each alone (weight chosen on the tuning
    half), then jointly by coordinate search on the tuning half; both reported on the held-out half."""
    from agent.core.config import load_settings
    from benchmarks.localize_tune import accuracy, coordinate_search, lever_report

    data = pickle.loads((args.out / "signals.pkl").read_bytes())
    config = load_settings(None).retrieval
    power, base = config.fusion_power, {k: v for k, v in config.weights.items() if v}
    tune = [c for c in data if tuning_half(c.instance_id)]
    held = [c for c in data if not tuning_half(c.instance_id)]
    names = args.levers.split(",")
    tuned = coordinate_search(tune, base, power, names)
    multi = [c for c in held if len(c.gold) > 1]
    out = {"instances": {"tune": len(tune), "held_out": len(held)},
           "base": {"tune": accuracy(tune, base, power), "held_out": accuracy(held, base, power),
                    "held_out_multi_file": accuracy(multi, base, power)},
           "levers": lever_report(tune, held, base, power, names),
           "joint": {"weights": {k: v for k, v in tuned.items() if v != base.get(k)},
                     "tune": accuracy(tune, tuned, power), "held_out": accuracy(held, tuned, power),
                     "held_out_multi_file": accuracy(multi, tuned, power)}}
    text = json.dumps(out, indent=1)
    (args.out / "stage1.json").write_text(text + "\n")
    print(text)
    return 0


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = ap.add_subparsers(dest="cmd", required=True)
    r = sub.add_parser("run")
    r.add_argument("--dataset", type=Path, required=True)
    r.add_argument("--checkouts", type=Path, required=True)
    r.add_argument("--out", type=Path, required=True, help="directory for <config>.jsonl and signals.pkl")
    r.add_argument("--configs", nargs="+", required=True, help="NAME=JSON overrides; 'base={}' is required")
    p = sub.add_parser("report")
    p.add_argument("--dataset", type=Path, required=True)
    p.add_argument("--out", type=Path, required=True)
    s = sub.add_parser("stage1")
    s.add_argument("--out", type=Path, required=True)
    s.add_argument("--levers", default="loose,stem,strconst,literal,cochange")
    args = ap.parse_args(argv)
    return {"run": _run, "report": _report, "stage1": _stage1}[args.cmd](args)


if __name__ == "__main__":
    sys.exit(main())
