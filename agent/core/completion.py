"""What a model call returns and costs: completions, token usage, the call log kept for trajectories."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass
class Completion:
    """One sampled answer with the settings that produced it."""

    text: str
    temperature: float
    finish_reason: str | None = None
    seed: int | None = None


@dataclass
class Usage:
    """Token and cost accounting for one call or a whole run."""

    calls: int = 0
    prompt_tokens: int = 0
    cached_prompt_tokens: int = 0
    """Prompt tokens the server took from its cache instead of evaluating (when it says)."""
    completion_tokens: int = 0
    cost_usd: float = 0.0
    seconds: float = 0.0
    retries: int = 0

    def add(self, other: Usage) -> None:
        for name in ("calls", "prompt_tokens", "cached_prompt_tokens", "completion_tokens", "cost_usd", "seconds",
                     "retries"):
            setattr(self, name, getattr(self, name) + getattr(other, name))

    def as_dict(self) -> dict[str, Any]:
        return dict(self.__dict__)


@dataclass
class CallLog:
    """What one request sent and received, for trajectories."""

    messages: list[dict[str, str]]
    params: dict[str, Any]
    completions: list[str]
    usage: Usage
    error: str | None = None
