"""The seams of the pipeline, in one place.

Each protocol is exactly what the pipeline calls, with small implementations elsewhere
(``agent.llm.LLMClient``, ``retrieval.Localizer``, the ``sandbox`` backends) and test doubles
in ``agent.testing`` (``ScriptedModel`` in-process, ``ScriptedServer`` over HTTP).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, Protocol, runtime_checkable

from agent.core.cancel import CancelToken
from agent.core.completion import CallLog, Completion, Usage
from agent.core.types import Context, Location, TestResult

Messages = Sequence[dict[str, str]]
AnswerCallback = Callable[[int, Completion], None]


@runtime_checkable
class Model(Protocol):
    """A chat model: what the pipeline (``complete_many``) and the localiser (``complete``) call,
    and what a run records (``usage``, ``calls``, ``describe``)."""

    @property
    def usage(self) -> Usage:
        """Tokens, cost and time spent so far."""
        ...

    @property
    def calls(self) -> list[CallLog]:
        """Every request and answer so far, for the trajectory."""
        ...

    def complete(
        self, messages: Messages, *, n: int = 1, temperature: float = 0.0, max_tokens: int | None = None
    ) -> list[str]:
        """Return ``n`` completions (message contents) for ``messages``."""
        ...

    def complete_many(
        self, requests: Sequence[tuple[Messages, float]], *, max_tokens: int | None = None,
        cancel: CancelToken | None = None, on_answer: AnswerCallback | None = None,
    ) -> list[Completion]:
        """One answer per (messages, temperature), in order; raises ``Cancelled`` when cancelled.
        ``on_answer(index, completion)`` is called as each answer arrives (answers sampled in one
        batch arrive together), so a frontend shows candidates before the last one is written."""
        ...

    def describe(self) -> dict[str, Any]:
        """Name, backend and endpoint (without secrets), for the run's report."""
        ...


@runtime_checkable
class Retriever(Protocol):
    """Finds where an issue's fix belongs and packs the code around it."""

    def localize(self, issue: str, *, top_k: int = 20) -> list[Location]: ...

    def context(self, locations: Sequence[Location], *, budget_tokens: int) -> Context: ...


@runtime_checkable
class Sandbox(Protocol):
    """Applies a patch to a copy of a repository and runs tests in isolation.

    Never raises for a failing test or a patch that does not apply: that is data in
    the returned ``TestResult``. Raises ``SandboxError`` only when the sandbox itself
    cannot work (no Docker, image build failed).
    """

    def run(
        self,
        repo: Path,
        *,
        patch: str | None = None,
        tests: Sequence[str] = (),
        timeout_s: float | None = None,
        cancel: CancelToken | None = None,
    ) -> TestResult:
        """``cancel``: when cancelled, the run in flight is killed (its container removed)."""
        ...
