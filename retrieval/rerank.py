"""A learned file reranker: a cross-encoder that reads the issue and a file's outline and scores the pair.

The model is a BERT sequence classifier with one output (all-MiniLM-L6-v2 fine-tuned by
``retrieval/train/train_rerank.py`` on commit messages from 16 repositories outside the dev
set). It reads ``issue [SEP] card`` where a card is the file's path, its module docstring's
first line and its class/function outline (:func:`file_card`): the same text the trainer saw.
Only the few files stage 1 already ranks best are scored, so its cost is one batch of ~20
short pairs per query; :func:`fuse` blends its scores into stage 1's order.

Off by default: on the dev set's held-out half it lost file Acc@1 by one instance and tied Acc@5 (only
@3/@10 gained), and it costs ~0.7 s per query on 2 cores; ``RetrievalConfig.rerank_weight`` and
benchmarks/results/localize-issue15.md give the figures.
"""

from __future__ import annotations

import os
import re
from functools import cache
from pathlib import Path

import numpy as np

from agent.core.errors import ConfigError

CARD_CHARS = 1200
"""About 256 word pieces: more would be cut by the model's window anyway."""
_DEF = re.compile(r"^([ \t]*)(?:async[ \t]+)?(def|class)[ \t]+(\w+)[ \t]*(\([^)\n]*\)?)?", re.M)
_DOC = re.compile(r"^\s*(?:#[^\n]*\n\s*)*[rRuU]?(\"\"\"|''')\s*([^\n]*)")


def file_card(path: str, source: str, limit: int = CARD_CHARS) -> str:
    """Path, first docstring line and the outline (``class A(Base)``, ``A.method``, ``func(args)``) of a file.

    A regular expression rather than the syntax tree: the miner builds ~100,000 cards from git
    blobs of every age, and a file that no longer parses still has an outline worth reading."""
    lines = [path]
    doc = _DOC.match(source)
    if doc and doc.group(2).strip():
        lines.append(doc.group(2).strip())
    stack: list[tuple[int, str]] = []  # (indent, class name) of the enclosing classes
    for m in _DEF.finditer(source):
        indent, kind, name = len(m.group(1).expandtabs()), m.group(2), m.group(3)
        while stack and stack[-1][0] >= indent:
            stack.pop()
        if indent and not stack:
            continue  # a helper nested in a module-level function says little about the file
        qual = ".".join([n for _, n in stack] + [name])
        if kind == "class":
            lines.append(f"class {qual}{m.group(4) or ''}")
            stack.append((indent, qual.rsplit(".", 1)[-1]))
        else:
            lines.append(qual if stack else f"{name}{_args(m.group(4))}")
    return "\n".join(lines)[:limit]


def _args(group: str | None) -> str:
    return " ".join((group or "()").split())[:80]


@cache
def load_reranker(path: str) -> Reranker:
    """One loaded model per directory for the process (loading costs about a second)."""
    if not path:
        raise ConfigError("retrieval.rerank_weight is set but retrieval.rerank_model names no directory",
                          hint="set retrieval.rerank_model to the reranker's directory, or rerank_weight to 0")
    return Reranker(path)


class Reranker:
    """Scores (issue, file card) pairs with a cross-encoder directory as ``train_rerank.py`` writes it."""

    def __init__(self, path: str | Path, *, max_tokens: int = 256, threads: int | None = None):
        path = Path(path).expanduser()
        weights = ("model.safetensors", "model.safetensors.index.json", "pytorch_model.bin")
        if not (path / "config.json").is_file() or not any((path / w).is_file() for w in weights):
            missing = "config.json" if not (path / "config.json").is_file() else "model.safetensors"
            raise ConfigError(
                f"no reranker model at {str(path)!r} ({missing} missing)",
                hint="build it with `bash retrieval/train/build_rerank.sh` (see retrieval/train/train_rerank.py) "
                     "and set retrieval.rerank_model to its directory, or set retrieval.rerank_weight to 0")
        import torch
        from transformers import AutoModelForSequenceClassification, AutoTokenizer

        os.environ.setdefault("HF_HUB_OFFLINE", "1")  # a local directory must never reach for the hub
        try:
            self.tokenizer = AutoTokenizer.from_pretrained(str(path))
            self.model = AutoModelForSequenceClassification.from_pretrained(str(path), dtype=torch.float32).eval()
        except (OSError, ValueError) as exc:
            raise ConfigError(f"cannot load the reranker at {str(path)!r}: {exc}",
                              hint="rebuild it with retrieval/train/train_rerank.py") from None
        if threads:
            torch.set_num_threads(threads)
        self.max_tokens = max_tokens
        self.key = f"rerank:{path.name}:{max_tokens}"

    def scores(self, issue: str, cards: list[str]) -> np.ndarray:
        """One logit per card (higher: more likely the file to change)."""
        import torch

        if not cards:
            return np.zeros(0)
        batch = self.tokenizer([issue] * len(cards), cards, truncation="longest_first",
                               max_length=self.max_tokens, padding=True, return_tensors="pt")
        with torch.inference_mode():
            return self.model(**batch).logits[:, 0].float().numpy().astype(np.float64)


def fuse(order: list[str], logits: np.ndarray, weight: float) -> list[str]:
    """Stage 1's order blended with reranker scores: ``(1 - w) / (1 + rank) + w * softmax(logits)``.

    Rank (not stage 1's score) because stage 1's scores are sums of powered signals with no common scale
    across issues; softmax keeps the reranker's confidence, so one clear winner moves and a flat spread
    leaves stage 1's order. Ties keep stage 1's order."""
    if weight <= 0 or len(order) < 2:
        return list(order)
    prob = np.exp(logits - logits.max())
    prob /= prob.sum()
    fused = [(1 - weight) / (1 + r) + weight * float(p) for r, p in enumerate(prob)]
    ranked = sorted(range(len(order)), key=lambda i: (-fused[i], i))
    return [order[i] for i in ranked]
