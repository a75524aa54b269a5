"""Pure ranking: weighted reciprocal-rank fusion of named signals, with reasons.

A signal is a score per item (0 = no evidence). Each item's fused score is
``sum(weight[s] / (k + rank_s(item)))`` over the signals that scored it, so a signal
that is sure about a few items (a path named in the issue) and a signal that scores
everything (BM25) combine without calibrating their scales.
"""

from __future__ import annotations

import numpy as np


def ranks(scores: np.ndarray) -> np.ndarray:
    """1-based competition rank by descending score: tied items share the best rank of their group."""
    ordered = np.sort(-scores)
    return np.searchsorted(ordered, -scores, side="left") + 1


def fuse(
    signals: dict[str, np.ndarray],
    weights: dict[str, float],
    *,
    k: float,
    mask: np.ndarray | None = None,
    depth: int | None = None,
) -> np.ndarray:
    """Weighted RRF over ``signals``; items outside ``mask`` score -inf.

    ``depth`` limits each signal to its top items, so BM25's long tail of tiny scores
    does not outweigh a precise signal.
    """
    n = len(next(iter(signals.values()))) if signals else 0
    fused = np.zeros(n, dtype=np.float64)
    for name, scores in signals.items():
        weight = weights.get(name, 0.0)
        if weight == 0.0 or not np.any(scores > 0):
            continue
        masked = np.where(mask, scores, 0.0) if mask is not None else scores
        r = ranks(masked)
        hit = masked > 0
        if depth is not None:
            hit &= r <= depth
        fused[hit] += weight / (k + r[hit])
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
