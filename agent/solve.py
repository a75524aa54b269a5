"""The one entry point every frontend calls: ``solve()`` with settings, an event bus and a cancel token.

The CLI, the terminal UI, the SWE-bench batch runner and the GitHub bot all run this function
(none has a copy of any stage). ``open_components`` builds the configured model (the embedded
one when no endpoint is set), sandbox and retriever; a caller may pass its own model or sandbox
(a scripted model in tests, an instance-bound sandbox in the batch runner).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager, nullcontext
from pathlib import Path

from agent.core.cancel import CancelToken
from agent.core.config import Settings
from agent.core.events import EventBus
from agent.core.protocols import Model, Retriever, Sandbox
from agent.pipeline import Components, Pipeline
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
def open_components(settings: Settings, bus: EventBus, *, model: Model | None = None,
                    sandbox: Sandbox | None = None) -> Iterator[Components]:
    """The configured model (embedded if none; ``model`` overrides), sandbox (``sandbox`` overrides)
    and retriever. A model server started here stops on exit."""
    from agent.embedded import open_llm
    from sandbox import open_sandbox

    sandbox = sandbox or open_sandbox(settings.sandbox, bus)
    with (nullcontext(model) if model is not None else open_llm(settings, bus)) as opened:
        if model is None:
            opened.check()
        yield Components(
            model=opened,
            sandbox=sandbox,
            retriever=retriever_factory(settings, opened),
            config=settings.solve,
            context_tokens=settings.retrieval.context_tokens,
            sandbox_concurrency=settings.sandbox.concurrency,
            test_timeout_s=settings.sandbox.timeout_s,
            settings=settings.effective(),
        )


def solve(repo: Path, issue: str, settings: Settings, bus: EventBus | None = None, *,
          cancel: CancelToken | None = None, model: Model | None = None,
          sandbox: Sandbox | None = None) -> SolveReport:
    """Solve one issue on one repository. Raises ``NoVerifiedCandidate`` or ``Cancelled`` (each
    carrying the report in ``.report``); every run's trajectory is saved under
    ``<repo>/.capuchin/runs/<run_id>/``."""
    bus = bus or EventBus()
    with open_components(settings, bus, model=model, sandbox=sandbox) as components:
        return Pipeline(components, bus).solve(repo, issue, cancel)
