"""Coverage@k and selected@k from judged samples, the Large Language Monkeys fit, and the plot.

One implementation for every place that measures repeated sampling: the bundled bug suite
(``benchmarks.coverage``) and SWE-bench runs (``swebatch.coverage``). Given one solve report per
problem and which of its samples are correct:

* coverage@k: the chance that at least one of k samples is correct (the unbiased pass@k estimator
  of Chen et al. over the n samples);
* selected@k: the chance that the candidate Capuchin's selection picks from k random samples is
  correct (votes recounted within the subset, test evidence per candidate): the exact mean over
  every k-subset where there are no more of them than the subset budget (k = 1 and k = n), else
  the mean over that many random subsets;
* the fit: coverage as an exponentiated power law of k, ``c(k) = exp(a * k**b)`` (Brown et al.,
  "Large Language Monkeys", 2024), by least squares on ``log(-log c) = log(-a) + b log k``.
"""

from __future__ import annotations

import math
import random
from itertools import combinations
from math import comb
from pathlib import Path

from agent.core.types import Candidate, Verdict
from agent.report import SolveReport
from agent.selection import Weights, best_focus, choose

KS = (1, 2, 4, 8, 16, 32)


def pass_at_k(n: int, c: int, k: int) -> float:
    """Unbiased estimate of P(at least one of k samples correct) from n samples with c correct."""
    if k > n:
        k = n
    if n - c < k:
        return 1.0
    return 1.0 - comb(n - c, k) / comb(n, k)


def selected_in_subset(report: SolveReport, subset: list[Candidate], correct: dict[str, bool],
                       weights: Weights = Weights()) -> bool:
    """Run selection on a subset: recount votes among its members, keep per-candidate test evidence."""
    full = {v.candidate_id: v for v in report.verdicts}
    # duplicates point at the candidate they collapsed into (it carries the verdict)
    owner = {c.id: c.id for c in report.candidates} | {dup: c.id for c in report.candidates for dup in c.duplicates}
    votes: dict[str, int] = {}
    members: dict[str, list[Candidate]] = {}
    for c in subset:
        if c.diff is not None and owner[c.id] in full:
            votes[owner[c.id]] = votes.get(owner[c.id], 0) + 1
            members.setdefault(owner[c.id], []).append(c)
    # a representative's focus place is the best among the subset's samples it stands for
    reps = [c.model_copy(update={"focus_rank": best_focus(members[c.id])})
            for c in report.candidates if c.id in votes]
    verdicts = {cid: full[cid].model_copy(update={"votes": n, "selected": False}) for cid, n in votes.items()}
    chosen: Verdict | None = choose(reps, verdicts, weights)
    return chosen is not None and correct.get(chosen.candidate_id, False)


def draws(samples: list[Candidate], k: int, budget: int, rng: random.Random) -> list[list[Candidate]]:
    """The k-subsets selected@k averages over: all of them when they number no more than ``budget``
    (exact, and no sampling noise at k = 1 or k = n), else ``budget`` drawn at random."""
    k = min(k, len(samples))
    if comb(len(samples), k) <= budget:
        return [list(subset) for subset in combinations(samples, k)]
    return [rng.sample(samples, k) for _ in range(budget)]


def curves(report: SolveReport, correct: dict[str, bool], ks: list[int], subsets: int, seed: int,
           weights: Weights = Weights()) -> dict:
    """One problem's pass@1, coverage@k and selected@k (keys: int k)."""
    samples = report.candidates
    n, c = len(samples), sum(correct.get(s.id, False) for s in samples)
    rng = random.Random(seed)
    out = {"n": n, "correct": c, "pass@1": c / n if n else 0.0, "coverage": {}, "selected": {}}
    for k in ks:
        out["coverage"][k] = pass_at_k(n, c, k) if n else 0.0
        picks = [selected_in_subset(report, list(subset), correct, weights) for subset in draws(samples, k, subsets, rng)]
        out["selected"][k] = sum(picks) / len(picks) if n else 0.0
    return out


def mean_curves(rows: list[dict], ks: list[int]) -> dict:
    """Means over problems of ``curves`` rows (string keys, as stored in JSON)."""
    mean = lambda xs: sum(xs) / len(xs) if xs else 0.0  # noqa: E731
    return {"pass@1": mean([r["pass@1"] for r in rows]),
            "coverage": {str(k): mean([r["coverage"][str(k)] for r in rows]) for k in ks},
            "selected": {str(k): mean([r["selected"][str(k)] for r in rows]) for k in ks}}


def fit_monkeys(coverage: dict[str, float]) -> dict | None:
    """Fit ``c(k) = exp(a * k**b)`` to the points with 0 < c < 1; None when fewer than two remain."""
    points = [(math.log(int(k)), math.log(-math.log(c))) for k, c in coverage.items() if 0 < c < 1]
    if len(points) < 2 or len({x for x, _ in points}) < 2:
        return None
    n = len(points)
    mx, my = sum(x for x, _ in points) / n, sum(y for _, y in points) / n
    b = sum((x - mx) * (y - my) for x, y in points) / sum((x - mx) ** 2 for x, _ in points)
    a = -math.exp(my - b * mx)
    return {"a": a, "b": b, "law": "coverage(k) = exp(a * k**b)", "points": n}


def monkeys(fit: dict, k: float) -> float:
    return math.exp(fit["a"] * k ** fit["b"])


def plot(summary: dict, path: Path, title: str, ylabel: str, fit: dict | None = None) -> None:
    """coverage@k and selected@k on a log2 k axis, pass@1, and the fitted law when given."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    ks = [int(k) for k in summary["coverage"]]
    fig, ax = plt.subplots(figsize=(6, 4))
    ax.plot(ks, list(summary["coverage"].values()), "o-", label="coverage@k (any sample correct)")
    ax.plot(ks, list(summary["selected"].values()), "s-", label="selected@k (our pick correct)")
    ax.axhline(summary["pass@1"], color="grey", ls="--", label="pass@1")
    if fit:
        dense = [2 ** (i / 8) for i in range(0, 8 * int(math.log2(max(ks))) + 1)]
        ax.plot(dense, [monkeys(fit, k) for k in dense], ":", color="black",
                label=f"fit exp({fit['a']:.2f}·k^{fit['b']:.2f})")
    ax.set_xscale("log", base=2)
    ax.set_xticks(ks, [str(k) for k in ks])
    ax.set_ylim(0, 1)
    ax.set_xlabel("samples k")
    ax.set_ylabel(ylabel)
    ax.set_title(title, fontsize=10)
    ax.legend(loc="upper left")
    fig.tight_layout()
    fig.savefig(path, dpi=120)
    plt.close(fig)
