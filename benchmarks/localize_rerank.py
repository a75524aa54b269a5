"""The learned file reranker (retrieval.rerank) on the dev set: alone, fused with stage 1, and its CPU cost.

Stage 1's top 20 files per instance come from a ``capuchin bench localize`` results file (today's
defaults: benchmarks/results/localize-dev-full.jsonl), so the reranker is judged on exactly the
lists it would see. The fusion weight is chosen on the tuning half (sha1 0-7) and reported on the
held-out half, as for every other lever.

    python -m benchmarks.localize_rerank candidates --dataset DEV --results RESULTS --checkouts DIR --out cand.jsonl.gz
    python -m benchmarks.localize_rerank score --candidates cand.jsonl.gz --model DIR --out scores.json
    python -m benchmarks.localize_rerank evaluate --dataset DEV --candidates cand.jsonl.gz --scores scores.json --out R.json
    python -m benchmarks.localize_rerank speed --candidates cand.jsonl.gz --model DIR --out R.json
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import statistics
import sys
import time
from pathlib import Path

import numpy as np

from benchmarks import emit

KS = (1, 3, 5, 10)
GRID = (0.0, 0.05, 0.1, 0.15, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1.0)


def _rerank_module():
    """retrieval/rerank.py loaded on its own: ``score`` and ``speed`` then run where only torch and transformers
    are installed (the GPU machine that trained the model), without the rest of Capuchin's dependencies."""
    import importlib.util

    spec = importlib.util.spec_from_file_location("capuchin_rerank", Path(__file__).parents[1] / "retrieval" / "rerank.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _candidates(args) -> int:
    from benchmarks.localize import load_instances, read_results
    from retrieval.rerank import file_card

    instances = {i.instance_id: i for i in load_instances(args.dataset)}
    rows = read_results(args.results)
    with gzip.open(args.out, "wt", encoding="utf-8") as fh:
        for iid, row in sorted(rows.items()):
            files = row["files"][: args.top]
            cards = []
            for path in files:
                src = args.checkouts / iid / path
                cards.append(file_card(path, src.read_text(encoding="utf-8", errors="replace") if src.is_file() else ""))
            fh.write(json.dumps({"instance_id": iid, "issue": instances[iid].problem_statement, "files": files,
                                 "cards": cards}) + "\n")
    print(f"{len(rows)} instances -> {args.out}")
    return 0


def _function_candidates(args) -> int:
    """Stage 3's best ``--top`` definitions per instance, each written as the miner writes a block (the
    function reranker's input); stored under the same keys as file candidates ('files' holds the keys)."""
    from benchmarks.localize import load_instances, read_results
    from retrieval.train.mine import block_text, definitions

    instances = {i.instance_id: i for i in load_instances(args.dataset)}
    rows = read_results(args.results)
    with gzip.open(args.out, "wt", encoding="utf-8") as fh:
        for iid, row in sorted(rows.items()):
            keys = row["functions"][: args.top]
            texts, parsed = [], {}
            for key in keys:
                path, qual = key.split("::", 1)
                if path not in parsed:
                    src = args.checkouts / iid / path
                    source = src.read_text(encoding="utf-8", errors="replace") if src.is_file() else ""
                    parsed[path] = (source.splitlines(), dict(definitions(source)))
                lines, nodes = parsed[path]
                texts.append(block_text(qual, nodes[qual], lines) if qual in nodes else qual)
            fh.write(json.dumps({"instance_id": iid, "issue": instances[iid].problem_statement, "files": keys,
                                 "cards": texts}) + "\n")
    print(f"{len(rows)} instances -> {args.out}")
    return 0


def read_candidates(path: Path) -> list[dict]:
    with gzip.open(path, "rt", encoding="utf-8") as fh:
        return [json.loads(line) for line in fh]


def _score(args) -> int:
    """Scores of every instance's candidates on the CPU, as shipped (fp32 from the fp16 weights), each query timed."""
    model = _rerank_module().Reranker(args.model, threads=args.threads)
    out, wall, cpu = {}, [], []
    for n, c in enumerate(read_candidates(args.candidates), 1):
        t0, c0 = time.perf_counter(), time.process_time()
        out[c["instance_id"]] = [round(float(x), 4) for x in model.scores(c["issue"], c["cards"])]
        wall.append(time.perf_counter() - t0)
        cpu.append(time.process_time() - c0)
        if n % 20 == 0:
            print(f"[{n}] {c['instance_id']} {wall[-1]:.3f} s", flush=True)
    args.out.write_text(json.dumps(out) + "\n")
    print(json.dumps({"queries": len(wall), "wall_s_median": round(statistics.median(wall), 4),
                      "cpu_s_median": round(statistics.median(cpu), 4)}))
    return 0


def _score_general(args) -> int:
    """The baseline the issue asks for: the general all-MiniLM-L6-v2 as it ships (a bi-encoder: mean-pooled,
    normalised vectors, cosine) on the same issue and cards, no training. The 'logits' are cosines x 20
    so that ``fuse``'s softmax sees a spread like the cross-encoder's."""
    import torch
    from transformers import AutoModel, AutoTokenizer

    device = "cuda" if torch.cuda.is_available() else "cpu"
    tokenizer = AutoTokenizer.from_pretrained(str(args.model))
    model = AutoModel.from_pretrained(str(args.model), dtype=torch.float32).to(device).eval()

    def embed(texts: list[str]) -> torch.Tensor:
        batch = tokenizer(texts, truncation=True, max_length=256, padding=True, return_tensors="pt").to(device)
        with torch.inference_mode():
            hidden = model(**batch).last_hidden_state
        mask = batch["attention_mask"].unsqueeze(-1).float()
        return torch.nn.functional.normalize((hidden * mask).sum(1) / mask.sum(1), dim=-1)

    out = {}
    for c in read_candidates(args.candidates):
        sims = embed(c["cards"]) @ embed([c["issue"]])[0] if c["cards"] else torch.zeros(0)
        out[c["instance_id"]] = [round(float(x) * 20, 4) for x in sims.cpu()]
    args.out.write_text(json.dumps(out) + "\n")
    return 0


def accuracy(cands: list[dict], gold: dict[str, tuple[str, ...]], scores: dict[str, list[float]],
             weight: float) -> dict[int, float]:
    from benchmarks.localize import _hit
    from retrieval.rerank import fuse

    hits = dict.fromkeys(KS, 0)
    for c in cands:
        ranked = fuse(c["files"], np.array(scores[c["instance_id"]]), weight)
        for k in KS:
            hits[k] += _hit(gold[c["instance_id"]], ranked, k)
    return {k: round(v / max(len(cands), 1), 4) for k, v in hits.items()}


def objective(acc: dict[int, float]) -> float:
    """As benchmarks.localize_tune: Acc@1 and Acc@5 count most, @3 and @10 break ties."""
    return acc[1] + acc[5] + 0.5 * acc[3] + 0.5 * acc[10]


def function_objective(acc: dict[int, float]) -> float:
    """Function level: Acc@10 is the issue's target, Acc@5 breaks ties."""
    return acc[10] + 0.5 * acc[5]


def _evaluate(args) -> int:
    from benchmarks.localize import load_instances, tuning_half

    instances = {i.instance_id: i for i in load_instances(args.dataset)}
    scores = json.loads(args.scores.read_text())
    cands = [c for c in read_candidates(args.candidates) if c["instance_id"] in scores]
    functions = args.level == "function"
    gold = {c["instance_id"]: (instances[c["instance_id"]].gold_functions if functions
                               else instances[c["instance_id"]].gold_files) for c in cands}
    cands = [c for c in cands if gold[c["instance_id"]]]  # function level: instances whose fix changes a definition
    goal = function_objective if functions else objective
    parts = {"tune": [c for c in cands if tuning_half(c["instance_id"])],
             "held_out": [c for c in cands if not tuning_half(c["instance_id"])]}
    parts["held_out_multi_file"] = [c for c in parts["held_out"] if len(gold[c["instance_id"]]) > 1]
    grid = {w: {name: accuracy(part, gold, scores, w) for name, part in parts.items()} for w in GRID}
    chosen = max(GRID, key=lambda w: (goal(grid[w]["tune"]), -w))
    report = {
        "scores": str(args.scores), "level": args.level, "instances": {k: len(v) for k, v in parts.items()},
        "fusion": "(1 - w) / (1 + stage-1 rank) + w * softmax(reranker logits) over the top 20 (retrieval.rerank.fuse)",
        "base": grid[0.0], "alone": grid[1.0], "chosen_weight": chosen, "fused": grid[chosen],
        "grid": {str(w): v for w, v in grid.items()},
        "gold_in_candidates": {k: round(sum(set(gold[c["instance_id"]]) <= set(c["files"]) for c in v) / max(len(v), 1), 4)
                          for k, v in parts.items()},
    }
    return emit(report, args.out)


def _speed(args) -> int:
    """CPU seconds to score one query's 20 cards, medians over queries of the median of repeats."""
    import torch

    model = _rerank_module().Reranker(args.model, threads=args.threads)
    cands = read_candidates(args.candidates)[: args.queries]
    model.scores(cands[0]["issue"], cands[0]["cards"])  # warm-up: first call allocates
    wall, cpu = [], []
    for c in cands:
        w, p = [], []
        for _ in range(args.repeats):
            t0, c0 = time.perf_counter(), time.process_time()
            model.scores(c["issue"], c["cards"])
            w.append(time.perf_counter() - t0)
            p.append(time.process_time() - c0)
        wall.append(statistics.median(w))
        cpu.append(statistics.median(p))
    report = {"queries": len(cands), "repeats": args.repeats, "cards_per_query": statistics.median(len(c["cards"]) for c in cands),
              "torch_threads": torch.get_num_threads(), "max_tokens": model.max_tokens,
              "wall_s_median": round(statistics.median(wall), 4), "wall_s_p90": round(float(np.percentile(wall, 90)), 4),
              "cpu_s_median": round(statistics.median(cpu), 4), "load_average": os.getloadavg()}
    return emit(report, args.out)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = ap.add_subparsers(dest="cmd", required=True)
    for name, ranked, top in (("candidates", "stage 1's top files", 20), ("function-candidates", "stage 3's top definitions", 50)):
        c = sub.add_parser(name)
        c.add_argument("--dataset", type=Path, required=True)
        c.add_argument("--results", type=Path, required=True, help=f"capuchin bench localize rows ({ranked})")
        c.add_argument("--checkouts", type=Path, required=True)
        c.add_argument("--out", type=Path, required=True)
        c.add_argument("--top", type=int, default=top)
    s = sub.add_parser("score")
    s.add_argument("--candidates", type=Path, required=True)
    s.add_argument("--model", type=Path, required=True)
    s.add_argument("--out", type=Path, required=True)
    s.add_argument("--threads", type=int, default=2)
    g = sub.add_parser("score-general")
    g.add_argument("--candidates", type=Path, required=True)
    g.add_argument("--model", type=Path, required=True, help="all-MiniLM-L6-v2 directory (the untrained base)")
    g.add_argument("--out", type=Path, required=True)
    e = sub.add_parser("evaluate")
    e.add_argument("--dataset", type=Path, required=True)
    e.add_argument("--candidates", type=Path, required=True)
    e.add_argument("--scores", type=Path, required=True, help="{instance_id: [logit per candidate]}")
    e.add_argument("--out", type=Path, default=None)
    e.add_argument("--level", choices=("file", "function"), default="file")
    p = sub.add_parser("speed")
    p.add_argument("--candidates", type=Path, required=True)
    p.add_argument("--model", type=Path, required=True)
    p.add_argument("--out", type=Path, default=None)
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--queries", type=int, default=20)
    p.add_argument("--repeats", type=int, default=3)
    args = ap.parse_args(argv)
    return {"candidates": _candidates, "function-candidates": _function_candidates, "score": _score, "score-general": _score_general, "evaluate": _evaluate, "speed": _speed}[args.cmd](args)


if __name__ == "__main__":
    sys.exit(main())
