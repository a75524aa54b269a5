"""The seams of the pipeline, in one place.

Each protocol has small implementations elsewhere (``agent.llm.LLMClient``,
``retrieval.Localizer``, ``sandbox`` backends, ``editing`` appliers) and test doubles
(``agent.testing``). The pipeline depends on these protocols only.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Protocol, runtime_checkable

from agent.types import Context, Location, TestResult


@runtime_checkable
class Model(Protocol):
    """A chat model that can return several samples for one prompt."""

    def complete(
        self,
        messages: Sequence[dict[str, str]],
        *,
        n: int = 1,
        temperature: float = 0.0,
        max_tokens: int | None = None,
    ) -> list[str]:
        """Return ``n`` completions (message contents) for ``messages``."""
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
    ) -> TestResult: ...


@runtime_checkable
class Editor(Protocol):
    """Turns a model's answer into a unified diff against the repository."""

    def to_diff(self, repo: Path, answer: str) -> str:
        """Return the diff; raise ``editing.EditError`` with feedback for the model on failure."""
        ...
