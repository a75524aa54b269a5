"""The plain data passed between stages: Location, Context, Candidate, TestResult, Verdict.

Every stage takes and returns these, so each can be run, stored and tested alone.
Paths are repository-relative POSIX strings; lines are 1-based and inclusive.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field


class _Model(BaseModel):
    model_config = ConfigDict(use_attribute_docstrings=True, extra="forbid")


class Location(_Model):
    """A place in the repository the issue probably concerns."""

    path: str
    """Repository-relative POSIX path of the file."""
    qualname: str | None = None
    """Qualified name such as ``Class.method``; None means the whole file."""
    kind: Literal["function", "method", "class", "module"] = "module"
    start_line: int = 1
    end_line: int = 1
    score: float = 0.0
    reasons: list[str] = Field(default_factory=list)
    """Human-readable evidence for the rank (e.g. 'bm25 #2', 'named in issue')."""

    @property
    def key(self) -> str:
        """``path::Qualified.name`` (or just ``path``), the id benchmarks compare against."""
        return f"{self.path}::{self.qualname}" if self.qualname else self.path


ContextRole = Literal["target", "skeleton", "caller", "callee", "similar"]


class ContextBlock(_Model):
    """One piece of code shown to the model."""

    path: str
    role: ContextRole
    text: str
    qualname: str | None = None
    start_line: int = 1
    end_line: int = 1
    tokens: int = 0


class Context(_Model):
    """A focused prompt context packed to a token budget (R2C2-style)."""

    blocks: list[ContextBlock] = Field(default_factory=list)
    tokens: int = 0
    budget: int = 0

    def render(self) -> str:
        """Render blocks as fenced code with their provenance, in order."""
        parts = []
        for b in self.blocks:
            what = {"skeleton": "outline of the file", "target": b.qualname or "code"}.get(b.role, f"{b.role} {b.qualname or ''}")
            parts.append(f"File: {b.path} (lines {b.start_line}-{b.end_line}, {what.strip()})\n"
                         f"```python\n{b.text.rstrip()}\n```")
        return "\n\n".join(parts)


class TestStatus(StrEnum):
    __test__ = False  # not a pytest class

    PASSED = "PASSED"
    FAILED = "FAILED"
    ERROR = "ERROR"
    SKIPPED = "SKIPPED"


class TestResult(_Model):
    """The outcome of one sandbox run: apply a patch, run tests, parse per-test status."""

    __test__ = False  # not a pytest class

    applied: bool
    """Whether the patch (if any) applied."""
    apply_error: str | None = None
    exit_code: int | None = None
    timed_out: bool = False
    duration_s: float = 0.0
    output: str = ""
    tests: dict[str, TestStatus] = Field(default_factory=dict)
    """Per-test status keyed by test id (``path::name`` or ``path::Class::name``)."""
    error: str | None = None
    """Set when the run itself failed (not when a test failed)."""

    def passed(self, test_id: str) -> bool:
        return self.tests.get(test_id) == TestStatus.PASSED


class Candidate(_Model):
    """One sampled edit, from raw model text to a unified diff."""

    id: str
    temperature: float
    sample_index: int = 0
    raw: str = ""
    """The model's answer as received."""
    diff: str | None = None
    """Unified diff relative to the repository root; None when the edit did not apply."""
    error: str | None = None
    """Why the edit could not be applied or parsed."""
    normalized: str | None = None
    """Normalised form of the change (comments/docstrings stripped) used for dedup and voting."""
    files: list[str] = Field(default_factory=list)
    duplicates: list[str] = Field(default_factory=list)
    """Ids of later candidates that collapsed into this one."""
    focus: str | None = None
    """The located definition the prompt aimed this sample at."""
    focus_rank: int | None = None
    """That definition's place among the focuses, 0 = the localiser's best (None: no focus). A
    candidate standing for duplicates carries the best place among them."""


class Verdict(_Model):
    """The evidence for one candidate, stage by stage."""

    candidate_id: str
    applies: bool = False
    """Whether the patch applied (nothing else: see ``tests_ran`` and ``regression_ok``)."""
    tests_ran: bool | None = None
    """Whether the sandbox ran tests with this candidate: False when it could not (the patch did not
    apply, or the environment runs none of the repository's tests); None when there were none to run."""
    regression_ok: bool | None = None
    """None when no regression tests were run."""
    broken_tests: list[str] = Field(default_factory=list)
    repro_passed: int = 0
    repro_total: int = 0
    repro_passing: list[str] = Field(default_factory=list)
    """The reproduction tests (failing on the original code) this candidate makes pass."""
    votes: int = 1
    score: float = 0.0
    selected: bool = False
    notes: list[str] = Field(default_factory=list)
