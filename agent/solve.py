"""Wiring: the real model, sandbox and retriever behind a ``Solver``, from settings."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from agent.config import Settings
from agent.events import EventBus
from agent.pipeline import Parts, Solver
from agent.protocols import Model, Retriever
from agent.report import SolveReport


def retriever_factory(settings: Settings, model: Model | None = None):
    """Opens a repository's index; ``model`` drives the localiser's LLM stages when
    ``retrieval.llm_stages`` is on."""
    def open_retriever(repo: Path, bus: EventBus) -> Retriever:
        from retrieval import Localizer, RepoIndex

        index = RepoIndex.open(repo, settings.retrieval, bus)
        return Localizer(index, settings.retrieval, model=model if settings.retrieval.llm_stages else None)

    return open_retriever


@contextmanager
def open_parts(settings: Settings, bus: EventBus) -> Iterator[Parts]:
    """The configured model (embedded if none), sandbox and retriever; the model server stops on exit."""
    from agent.embedded import open_llm
    from sandbox import open_sandbox

    sandbox = open_sandbox(settings.sandbox, bus)
    with open_llm(settings, bus) as llm:
        llm.check()
        yield Parts(
            llm=llm,
            sandbox=sandbox,
            retriever=retriever_factory(settings, llm),
            config=settings.solve,
            context_tokens=settings.retrieval.context_tokens,
            sandbox_concurrency=settings.sandbox.concurrency,
            test_timeout_s=settings.sandbox.timeout_s,
        )


def solve(repo: Path, issue: str, settings: Settings, bus: EventBus | None = None) -> SolveReport:
    """Solve one issue on one repository with the configured parts (raises NoVerifiedCandidate)."""
    bus = bus or EventBus()
    with open_parts(settings, bus) as parts:
        return Solver(parts, bus).solve(repo, issue)
