"""The solve pipeline: localise -> context -> sample -> apply -> verify -> select.

``Pipeline`` depends only on the protocols of ``agent.core.protocols`` (a Model, a Sandbox, a
retriever factory), so every frontend drives the same code through ``agent.solve.solve``, and
tests drive it with ``agent.testing.ScriptedModel``. Progress goes out as events on an
``EventBus``; a ``CancelToken`` stops it between stages and model calls and kills sandbox runs
in flight. End states are exceptions carrying the report (``NoVerifiedCandidate``,
``Cancelled``); the trajectory is saved in ``finally`` whatever happens.
"""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from agent.core.cancel import CancelToken
from agent.core.completion import Completion
from agent.core.errors import Cancelled, NoVerifiedCandidate
from agent.core.events import EventBus
from agent.core.protocols import Model, Retriever, Sandbox
from agent.core.types import Candidate, Context, Location, Verdict
from agent.prompts import edit_messages, focus_targets, retry_messages
from agent.report import SolveReport, Trajectory, capuchin_build, exclude_capuchin_dir, new_run_id
from agent.selection import choose, collapse_duplicates
from agent.solve_config import SolveConfig
from agent.verify import Verifier, VerifyLimits, repro_requests
from editing import EditError, apply_answer

RetrieverFactory = Callable[[Path, EventBus], Retriever]


@dataclass
class Components:
    """What a Pipeline runs on; built by ``agent.solve.open_components`` or by tests."""

    model: Model
    sandbox: Sandbox
    retriever: RetrieverFactory
    config: SolveConfig
    context_tokens: int = 6000
    sandbox_concurrency: int = 2
    test_timeout_s: float | None = None
    settings: dict[str, dict[str, Any]] = field(default_factory=dict)
    """Every config section's effective values (secrets masked), recorded in the report."""


class Pipeline:
    def __init__(self, components: Components, bus: EventBus | None = None):
        self.components = components
        self.bus = bus or EventBus()

    def solve(self, repo: Path, issue: str, cancel: CancelToken | None = None) -> SolveReport:
        repo = repo.resolve()
        exclude_capuchin_dir(repo)
        self.cancel = cancel or CancelToken()
        model = self.components.model
        # the solve section is the one this pipeline runs with (a caller may have adjusted it)
        config = {**self.components.settings, "solve": self.components.config.model_dump()}
        report = SolveReport(run_id=new_run_id(), repo=str(repo), issue=issue, model=model.describe(),
                             config=config, capuchin=capuchin_build())
        trajectory = Trajectory(repo, report.run_id, self.bus)
        started = time.monotonic()
        try:
            self._run(repo, issue, report, trajectory)
            return report
        except (NoVerifiedCandidate, Cancelled) as exc:
            report.status = "no_candidate" if isinstance(exc, NoVerifiedCandidate) else "cancelled"
            exc.report = report
            raise
        except BaseException as exc:
            report.status, report.error = "error", str(exc) or type(exc).__name__
            raise
        finally:
            report.seconds = time.monotonic() - started
            report.usage = model.usage.as_dict()
            report.seeds = sorted({c.params["seed"] for c in model.calls if c.params.get("seed") is not None})
            trajectory.save(report, model.calls)
            self.bus.emit("result", "solve", report.status, status=report.status, chosen=report.chosen,
                          trajectory=str(trajectory.dir))

    def _run(self, repo: Path, issue: str, report: SolveReport, trajectory: Trajectory) -> None:
        parts = self.components
        with self._stage(report, "localize"):
            retriever = parts.retriever(repo, self.bus)
            report.locations = retriever.localize(issue, top_k=20)
            self.bus.emit("log", "localize", f"{len(report.locations)} locations",
                          locations=[loc.model_dump() for loc in report.locations])
            context = retriever.context(report.locations, budget_tokens=parts.context_tokens)
            report.context_tokens = context.tokens
        context_paths = list(dict.fromkeys(b.path for b in context.blocks))
        with self._stage(report, "sample"):
            report.candidates, repro_answers = self._candidates(repo, issue, context, context_paths, report.locations)
        unique = collapse_duplicates(report.candidates)
        verdicts = {c.id: Verdict(candidate_id=c.id, applies=True, votes=1 + len(c.duplicates)) for c in unique}
        limits = VerifyLimits(concurrency=parts.sandbox_concurrency, timeout_s=parts.test_timeout_s,
                              timeout_factor=parts.config.candidate_timeout_factor,
                              timeout_min_s=parts.config.candidate_timeout_min_s)
        verifier = Verifier(repo, parts.sandbox, self.bus, trajectory, limits, self.cancel)
        with self._stage(report, "verify"):
            self._verify(repo, issue, unique, verdicts, verifier, report, repro_answers)
        self._select(report, unique, verdicts)

    def _complete(self, requests: list, max_tokens: int, on_answer=None) -> list[Completion]:
        self.cancel.check()
        return self.components.model.complete_many(requests, max_tokens=max_tokens, cancel=self.cancel,
                                                   on_answer=on_answer)

    def _candidates(self, repo: Path, issue: str, context: Context, context_paths: list[str],
                    locations: list[Location]) -> tuple[list[Candidate], list[str]]:
        """The candidates, and the answers to the reproduction-test requests sent in the same batch.

        The reproduction tests depend only on the issue and the context, and their prompt shares
        the edit prompts' head, so they are asked for with the samples: a batching server decodes
        them in slots the samples leave free and evaluates no second copy of the prompt.
        """
        cfg = self.components.config
        focuses = focus_targets(context, cfg.focus_targets, locations) or [None]
        prompts = [edit_messages(issue, context, f) for f in focuses]
        plan = sampling_plan(len(focuses), cfg.samples, cfg.temperatures)
        repro = repro_requests(issue, context, cfg)
        self.bus.progress("sample", 0, len(plan), f"{len(plan)} samples over {len(focuses)} focus(es)"
                          + (f", and {len(repro)} reproduction test(s) in the same batch" if repro else ""))
        arrived: dict[int, Candidate] = {}

        def on_answer(i: int, comp: Completion) -> None:  # each candidate is shown as soon as it is written
            if i >= len(plan):
                return  # a reproduction test: the verifier reads it
            f = plan[i][0]
            arrived[i] = self._apply(repo, f"c{i:02d}", comp, context_paths)
            arrived[i].focus = focuses[f].qualname if focuses[f] else None
            arrived[i].focus_rank = f if focuses[f] else None
            self._announce(arrived[i])
            self.bus.progress("sample", len(arrived), len(plan), f"{len(arrived)}/{len(plan)} samples")

        completions = self._complete([(prompts[f], t) for f, t in plan] + repro, cfg.answer_tokens, on_answer)
        repro_answers = [c.text for c in completions[len(plan):]]
        completions = completions[:len(plan)]
        for i, comp in enumerate(completions):  # a model that announces nothing is still read in full
            if i not in arrived:
                on_answer(i, comp)
        candidates = [arrived[i] for i in range(len(plan))]
        for _ in range(cfg.edit_retries):
            failed = [i for i, c in enumerate(candidates) if c.diff is None and c.raw]
            if not failed:
                break
            self.bus.emit("log", "sample", f"retrying {len(failed)} answer(s) that gave no usable edit, "
                          "each shown why")
            retries = [(retry_messages(prompts[plan[i][0]], completions[i].text, candidates[i].error or ""),
                        candidates[i].temperature) for i in failed]
            answers = self._complete(retries, cfg.answer_tokens)
            for i, comp in zip(failed, answers, strict=True):
                retried = self._apply(repo, candidates[i].id, comp, context_paths, retry_of=candidates[i])
                candidates[i] = retried.model_copy(update={"focus": candidates[i].focus,
                                                           "focus_rank": candidates[i].focus_rank})
                self._announce(candidates[i], retried=True)
        return candidates, repro_answers

    def _announce(self, c: Candidate, retried: bool = False) -> None:
        """A "candidate" event; a retried candidate is announced again under the same id."""
        message = c.error or f"{len(c.diff or '')} bytes of diff" + (" (after a retry)" if retried else "")
        self.bus.emit("candidate", "sample", message, id=c.id, temperature=c.temperature, ok=c.diff is not None,
                      files=c.files, focus=c.focus, diff=c.diff, retried=retried)

    def _apply(self, repo: Path, cid: str, comp: Completion, context_paths: list[str],
               retry_of: Candidate | None = None) -> Candidate:
        raw = comp.text if retry_of is None else f"{retry_of.raw}\n\n--- retry with feedback ---\n\n{comp.text}"
        candidate = Candidate(id=cid, temperature=comp.temperature, raw=raw)
        try:
            result = apply_answer(repo, comp.text, context_paths=context_paths)
        except EditError as exc:
            candidate.error = exc.message
            return candidate
        if not result.diff.strip() or not result.normalized:
            # An empty normal form means only comments, docstrings or layout changed.
            candidate.error = "the answer changes no code (at most comments, docstrings or layout)"
            return candidate
        candidate.diff, candidate.files, candidate.normalized = result.diff, result.files, result.normalized
        return candidate

    def _verify(self, repo, issue, unique, verdicts, verifier: Verifier, report: SolveReport,
                repro_answers: list[str]) -> None:
        if not unique:
            return
        from sandbox import select_regression_tests
        from sandbox.select import small_suite

        changed = sorted({f for c in unique for f in c.files})
        regression = select_regression_tests(repo, changed) or small_suite(repo)
        repro = verifier.repro_tests(issue, repro_answers)
        verifier.baseline(regression, repro)
        report.environment_problem = verifier.environment_problem
        report.regression_tests = regression
        report.baseline_passing = sorted(verifier.passing_before)
        report.repro_tests = verifier.repro + [t for t in repro if not t.failing_tests]
        verifier.check(unique, verdicts)

    def _select(self, report: SolveReport, unique: list[Candidate], verdicts: dict[str, Verdict]) -> None:
        chosen = choose(unique, verdicts)
        report.verdicts = list(verdicts.values())
        if chosen is None:
            raise NoVerifiedCandidate(_why_none(report))
        report.chosen = chosen.candidate_id
        report.patch = next(c.diff for c in unique if c.id == chosen.candidate_id)
        report.verified = chosen.tests_ran is True
        report.status = "solved"

    def _stage(self, report: SolveReport, name: str) -> _Stage:
        self.cancel.check()
        return _Stage(self.bus, report, name)


class _Stage:
    """Times a stage and brackets it with events."""

    def __init__(self, bus: EventBus, report: SolveReport, name: str):
        self.bus, self.report, self.name = bus, report, name

    def __enter__(self) -> None:
        self.started = time.monotonic()
        self.bus.emit("stage_started", self.name)

    def __exit__(self, exc_type, exc, tb) -> None:
        seconds = time.monotonic() - self.started
        self.report.stage_seconds[self.name] = round(seconds, 2)
        self.bus.emit("stage_finished", self.name, f"{seconds:.1f}s", seconds=seconds, ok=exc is None)


def _why_none(report: SolveReport) -> str:
    """The real reasons, counted (issue #18: "broken tests or not applying" was said of candidates
    that applied and were never tested)."""
    made = sum(c.diff is not None for c in report.candidates)
    if not report.candidates:
        return "the model produced no candidates"
    if made == 0:
        return f"none of the {len(report.candidates)} candidates could be applied (see the report for why)"
    reasons = Counter(_why_out(v) for v in report.verdicts)
    parts = ", ".join(f"{n} {why}" for why, n in reasons.most_common())
    return f"none of the {len(report.verdicts)} distinct candidates survived verification: {parts}"


def _why_out(v: Verdict) -> str:
    if not v.applies:
        return "did not apply"
    if v.regression_ok is False:
        return "broke regression tests that passed before"
    if v.repro_total and not v.repro_passed:
        return "passed no reproduction test while a rival passed one"
    return "were ruled out"


def sampling_plan(focuses: int, samples: int, temperatures: list[float]) -> list[tuple[int, float]]:
    """(focus index, temperature) per request: one greedy answer per focus at temperature 0, and
    ``samples`` per other temperature spread round-robin over the focuses, so that repeated
    sampling also covers the localiser's second and third guesses."""
    plan: list[tuple[int, float]] = []
    for t in temperatures:
        count = focuses if t == 0 else samples
        plan += [(i % focuses, t) for i in range(count)]
    return plan
