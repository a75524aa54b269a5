"""Picking one candidate: pure functions over verdicts, with named weights.

Large Language Monkeys: coverage grows with samples only if a verifier can find the
right one. Evidence, strongest first: the patch applies and parses; it breaks no
regression test that passed before; it passes reproduction tests that fail on the
original code; many independent samples agree on it (majority vote over normalised
patches). Ties break deterministically: more votes, the better-located focus (the definition
the localiser ranked higher), smaller diff (lines, then bytes), lower temperature, id.
Among samples with the same normal form, the smallest diff stands for them all: the normal
form ignores docstrings, comments and layout, so the first sampled might be the one that
also deletes a docstring or reflows the function (issue #16).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from agent.core.types import Candidate, Verdict
from editing.patch import diff_size


def collapse_duplicates(candidates: Sequence[Candidate]) -> list[Candidate]:
    """One candidate per normalised form, which collects the ids of the others (its votes): the
    one with the smallest diff, the first sampled among equals. Returns them in the order their
    forms first appear; candidates without a diff are left out."""
    groups: dict[str, list[Candidate]] = {}
    for c in candidates:
        if c.diff is not None:
            groups.setdefault(c.normalized or c.diff, []).append(c)
    representatives = []
    for members in groups.values():
        best = min(members, key=lambda c: diff_size(c.diff))  # min keeps the first of equals
        best.duplicates = [c.id for c in members if c is not best]
        best.focus_rank = best_focus(members)
        representatives.append(best)
    return representatives


def best_focus(members: Iterable[Candidate]) -> int | None:
    """The best focus place among samples that made the same change (None when none had one)."""
    return min((c.focus_rank for c in members if c.focus_rank is not None), default=None)


@dataclass(frozen=True)
class Weights:
    repro: float = 1.0
    """Weight of the fraction of reproduction tests passed."""
    votes: float = 0.5
    """Weight of the candidate's share of the largest vote."""
    agreement: float = 0.0
    """Weight of behavioural agreement (CodeT's dual agreement): the votes of every surviving
    candidate that passes exactly the same reproduction tests, as a share of the largest such
    group. Different texts that behave alike back each other up."""


def survives(verdict: Verdict, reproduced: bool = True) -> bool:
    """Hard filters: applies, breaks no regression test, and, when ``reproduced`` (some candidate
    in the pool passes a reproduction test), passes one too. A test that fails on the original
    code and that a rival change makes pass says a candidate that fails it does not fix the
    issue (the demo once chose a docstring edit without this). A test that no candidate passes
    says nothing about any of them: small models write such tests (a wrong expected value), and
    letting them veto every candidate would throw the right one away with the rest."""
    repro_ok = not reproduced or verdict.repro_total == 0 or verdict.repro_passed > 0
    return verdict.applies and verdict.regression_ok is not False and repro_ok


def reproduced(verdicts: Iterable[Verdict]) -> bool:
    """Whether any candidate that passes the other filters passes a reproduction test."""
    return any(survives(v, reproduced=False) and v.repro_passed > 0 for v in verdicts)


def score(verdict: Verdict, max_votes: int, weights: Weights = Weights(), support: float = 0.0) -> float:
    """``support``: the candidate's behavioural group's share of the largest group (0..1)."""
    repro = verdict.repro_passed / verdict.repro_total if verdict.repro_total else 0.0
    return weights.repro * repro + weights.votes * (verdict.votes / max(max_votes, 1)) + weights.agreement * support


def behaviour_support(alive: Sequence[Verdict]) -> dict[str, float]:
    """Per candidate: the summed votes of the survivors passing the same reproduction tests, as a
    share of the largest such group."""
    groups: dict[frozenset[str], int] = {}
    for v in alive:
        key = frozenset(v.repro_passing)
        groups[key] = groups.get(key, 0) + v.votes
    top = max(groups.values(), default=1)
    return {v.candidate_id: groups[frozenset(v.repro_passing)] / top for v in alive}


_NO_FOCUS = 1 << 30
"""Sorts a candidate without a focus after every focused one."""


def rank(
    candidates: Sequence[Candidate], verdicts: dict[str, Verdict], weights: Weights = Weights()
) -> list[Verdict]:
    """Score the survivors and return them best first (sets ``score``; does not mark selection)."""
    by_id = {c.id: c for c in candidates}
    confirmed = reproduced(verdicts.values())
    alive = [v for v in verdicts.values() if survives(v, confirmed)]
    max_votes = max((v.votes for v in alive), default=1)
    support = behaviour_support(alive)
    for v in alive:
        v.score = round(score(v, max_votes, weights, support[v.candidate_id]), 6)

    def key(v: Verdict) -> tuple:
        c = by_id[v.candidate_id]
        # Among equals in evidence, the change aimed at the definition the localiser trusts most:
        # a small model's survivors often include harmless edits to a neighbouring function that
        # no test tells apart (on the bundled bugs' stored evidence this took the 0.5B model's
        # selected@8 from 0.44 to 0.98 on median_even). Then the smaller change, which is the one
        # a reviewer wants (issue #16).
        focus = c.focus_rank if c.focus_rank is not None else _NO_FOCUS
        return (-v.score, -v.votes, focus, diff_size(c.diff), len(c.diff or ""), c.temperature, c.id)

    return sorted(alive, key=key)


def choose(
    candidates: Sequence[Candidate], verdicts: dict[str, Verdict], weights: Weights = Weights()
) -> Verdict | None:
    ranked = rank(candidates, verdicts, weights)
    if not ranked:
        return None
    ranked[0].selected = True
    return ranked[0]
