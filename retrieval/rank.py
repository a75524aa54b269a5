"""Pure ranking: weighted fusion of named signals, with reasons.

A signal is a score per item (0 = no evidence): BM25 scores, counts of exact matches,
cosine similarities. ``combine`` puts them on one scale and weighs them; the weights
live in ``RetrievalConfig`` and were tuned on the dev set (benchmarks/localize.py).
"""

from __future__ import annotations

import numpy as np


def combine(
    signals: dict[str, np.ndarray],
    weights: dict[str, float],
    *,
    power: float = 0.5,
    mask: np.ndarray | None = None,
) -> np.ndarray:
    """Weighted sum of max-normalised signals, ``sum(w_s * (s / max s) ** power)``; items outside ``mask`` -inf.

    Normalising by each signal's best item puts BM25 scores and exact-match counts on one
    scale while keeping margins (unlike rank fusion, a clear BM25 winner stays clear);
    ``power < 1`` flattens each signal so several moderate agreements beat one strong hit.
    """
    n = len(next(iter(signals.values()))) if signals else 0
    fused = np.zeros(n, dtype=np.float64)
    for name, scores in signals.items():
        weight = weights.get(name, 0.0)
        values = np.where(mask, scores, 0.0) if mask is not None else scores
        top = float(values.max()) if n else 0.0
        if weight == 0.0 or top <= 0:
            continue
        fused += weight * np.clip(values / top, 0.0, None) ** power
    if mask is not None:
        fused[~mask] = -np.inf
    return fused


def reasons_for(item: int, signals: dict[str, np.ndarray], *, top: int = 10) -> list[str]:
    """Readable evidence for one item: the signals that rank it near the top ('bm25_file #2')."""
    out = []
    for name, scores in signals.items():
        if scores[item] <= 0:
            continue
        rank = int(np.sum(scores > scores[item])) + 1
        if rank <= top:
            out.append(f"{name} #{rank}")
    return out


def top_indices(scores: np.ndarray, n: int) -> list[int]:
    """Indices of the ``n`` best finite scores, best first."""
    finite = np.isfinite(scores)
    order = np.argsort(-np.where(finite, scores, -np.inf), kind="stable")
    return [int(i) for i in order[:n] if finite[i]]


def keep_top(before: np.ndarray, after: np.ndarray, keep: int) -> np.ndarray:
    """``after``, except that the ``keep`` best of ``before`` stay first, in their order.

    A signal meant to fill the remaining slots (co-change partners of the best files) must not
    push the files that earned the top places down.
    """
    out = after.copy()
    kept = top_indices(before, keep)
    if kept:
        ceiling = float(np.max(after[np.isfinite(after)])) if np.isfinite(after).any() else 0.0
        for rank, i in enumerate(kept):
            out[i] = ceiling + keep - rank
    return out
