"""Stage-3 evidence one step away from what the issue names: the definitions it calls, and word forms.

An issue names the API its reporter used (``D.loc[...]``, ``Permutation(...)``, a stack frame); the
fix is often one call further down, in a definition the issue never names. ``callee_scores`` gives
each name called by the issue's best-named definitions (and by its stack frames) the caller's score,
resolved by name like the rest of the code graph. ``stem_overlap`` matches a definition's name
parts against the issue's words with common English suffixes cut (``mocked`` -> ``_MockObject``,
``documented`` -> ``document``), which exact token matching misses.

Issue #15's miss analysis (benchmarks/results/localize-issue15.md) found most function Acc@10 misses
were definitions of the right file ranked below long, docstring-heavy API methods; these signals
are measured there, on the tuning half and the held-out half of the dev set.
"""

from __future__ import annotations

import numpy as np

from retrieval.graph import CodeGraph, SymbolRef
from retrieval.rank import combine, keep_top
from retrieval.text import STOPWORDS, split_identifier

NEAR_SIGNALS = ("callee", "stem_name", "stem_title")
"""The stage-3 signals of this module (the localiser lets them re-order only the places below its best few)."""

_SUFFIXES = ("ations", "ation", "ings", "ing", "ies", "ied", "ers", "er", "ed", "es", "s", "e")
"""Longest first; a suffix is cut only when at least four letters stay, so 'uses' or 'case' keep theirs."""


def stem(word: str) -> str:
    """``word`` (lower case) without one common suffix: 'mocked' -> 'mock', 'documented' -> 'document'."""
    for suffix in _SUFFIXES:
        if len(word) > len(suffix) + 3 and word.endswith(suffix):
            return word[: -len(suffix)]
    return word


def stem_overlap(name: str, stems: set[str]) -> float:
    """Share of a name's parts (3+ letters, no stop words) whose stem is among ``stems``."""
    parts = [p for p in split_identifier(name) if len(p) > 2 and p not in STOPWORDS]
    return sum(stem(p) in stems for p in parts) / len(parts) if parts else 0.0


def callee_scores(
    graph: CodeGraph, named: dict[SymbolRef, float], traced: dict[SymbolRef, float], *, top: int = 30,
) -> dict[str, float]:
    """Name -> score for every name called by the ``top`` best-scored named definitions and by every
    traced one (a name called by several keeps its best caller's score).

    Only the best few named definitions count: a common word in an issue names dozens of
    definitions, and all their calls would reach most of a large file.
    """
    best = sorted(named.items(), key=lambda kv: -kv[1])[:top]
    out: dict[str, float] = {}
    for (path, uid), score in [*best, *traced.items()]:
        sym = graph.symbol(path, uid)
        if sym is None:
            continue
        for called in set(sym.calls):
            out[called] = max(out.get(called, 0.0), score)
    return out


def fuse_symbols(signals: dict[str, np.ndarray], weights: dict[str, float], *, power: float, keep: int) -> np.ndarray:
    """Stage 3's fused scores: this module's signals only re-order the places below the ``keep`` best.

    They find the definition one call away from what the issue names; in the top places they
    displaced the named definition itself ('callee' at 0.25 cost function Acc@5 on the tuning half).
    """
    fused = combine(signals, weights, power=power)
    if keep and any(weights.get(name) for name in NEAR_SIGNALS):
        plain = {k: v for k, v in signals.items() if k not in NEAR_SIGNALS}
        fused = keep_top(combine(plain, weights, power=power), fused, keep)
    return fused
