"""Should the definitions samples aim at (the pipeline's focuses) span at least two files?

``agent.prompts.focus_targets`` aims samples at the best-ranked functions and methods the
localiser returns (``solve.focus_targets`` of them, 4 by default). When they all sit in one
file, every sample edits that file; issue #18's Flask run had all four focuses in
base-class files and none in blueprints.py. This replays that choice on the rows of a
``capuchin bench localize`` run, retrieval only, against a rule that keeps the best
``n - 1`` and gives the last place to the best function of another file when all ``n``
share one, and counts how often some focus is a gold definition or lies in a gold file.

    python -m benchmarks.focus_spread --dataset ../shared/data/swebench-dev.jsonl \\
        --results benchmarks/results/localize-dev-full.jsonl --checkouts CHECKOUTS --out OUT.json
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from benchmarks import emit
from benchmarks.localize import Instance, load_instances, read_results, tuning_half

FOCUSES = 4


def function_keys(keys: list[str], checkout: Path, limit: int = 40) -> list[str]:
    """The keys among the first ``limit`` that name functions or methods (classes are not focuses)."""
    from retrieval.parse import parse_file

    kinds: dict[str, dict[str, str]] = {}
    out = []
    for key in keys[:limit]:
        path, _, qual = key.partition("::")
        if path not in kinds:
            source = (checkout / path).read_bytes() if (checkout / path).is_file() else b""
            kinds[path] = {s.uid: s.kind for s in parse_file(path, source).symbols}
        if kinds[path].get(qual) in ("function", "method"):
            out.append(key)
    return out


def best_first(functions: list[str], n: int = FOCUSES) -> list[str]:
    """Today's rule: the ``n`` best-ranked functions."""
    return functions[:n]


def spread(functions: list[str], n: int = FOCUSES) -> list[str]:
    """The ``n`` best, unless they share one file: then the last place goes to the best function elsewhere."""
    chosen = functions[:n]
    files = {k.partition("::")[0] for k in chosen}
    if len(chosen) < n or len(files) > 1:
        return chosen
    other = next((k for k in functions[n:] if k.partition("::")[0] not in files), None)
    return chosen if other is None else [*chosen[:-1], other]


def hits(inst: Instance, focuses: list[str]) -> dict[str, bool]:
    files = {k.partition("::")[0] for k in focuses}
    return {"gold_definition": any(k in inst.gold_functions for k in focuses),
            "gold_file": any(f in inst.gold_files for f in files),
            "every_gold_file": bool(inst.gold_files) and set(inst.gold_files) <= files}


def evaluate(instances: list[Instance], rows: dict[str, dict], checkouts: Path) -> dict:
    rules = {"best_first": best_first, "spread": spread}
    groups = {"all": lambda i: True, "tune": lambda i: tuning_half(i.instance_id),
              "held_out": lambda i: not tuning_half(i.instance_id), "multi-file": lambda i: len(i.gold_files) > 1}
    counts = {g: {r: {} for r in rules} for g in groups}
    sizes = dict.fromkeys(groups, 0)
    changed = 0
    for inst in instances:
        row = rows.get(inst.instance_id)
        if row is None:
            continue
        functions = function_keys(row["functions"], checkouts / inst.instance_id)
        chosen = {name: rule(functions) for name, rule in rules.items()}
        changed += chosen["spread"] != chosen["best_first"]
        for g, member in groups.items():
            if not member(inst):
                continue
            sizes[g] += 1
            for name, focuses in chosen.items():
                for metric, hit in hits(inst, focuses).items():
                    counts[g][name][metric] = counts[g][name].get(metric, 0) + hit
    return {"instances_changed": changed, "focuses": FOCUSES,
            **{g: {"n": sizes[g], **{r: {m: round(v / max(sizes[g], 1), 4) for m, v in counts[g][r].items()}
                                     for r in rules}} for g in groups}}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--dataset", type=Path, required=True)
    ap.add_argument("--results", type=Path, required=True)
    ap.add_argument("--checkouts", type=Path, required=True)
    ap.add_argument("--out", type=Path, default=None)
    args = ap.parse_args(argv)
    report = evaluate(load_instances(args.dataset), read_results(args.results), args.checkouts)
    return emit(report, args.out)


if __name__ == "__main__":
    sys.exit(main())
