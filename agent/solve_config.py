"""Configuration of `capuchin solve`: sampling and verification."""

from __future__ import annotations

from pydantic import Field

from agent.core.config import Section


class SolveConfig(Section):
    """Sampling and selection."""

    samples: int = Field(default=4, ge=1)
    """Samples per temperature."""
    temperatures: list[float] = Field(default_factory=lambda: [0.0, 0.4, 0.8, 1.0])
    """Sampling temperatures; the first sample at 0 is the greedy answer."""
    edit_retries: int = Field(default=1, ge=0)
    """Retries with feedback for an edit that does not apply."""
    repro_samples: int = Field(default=4, ge=0)
    """Reproduction tests asked of the model."""
    focus_targets: int = Field(default=4, ge=1)
    """Located definitions that samples are spread over (the answer format is shown on each in turn)."""
    answer_tokens: int = Field(default=768, ge=64)
    """Cap on one answer's length: a whole fixed function fits; a rambling small model stops sooner."""
    candidate_timeout_factor: float = Field(default=10.0, gt=0)
    """A candidate's test run may take this many times the baseline run (at most sandbox.timeout_s): a
    candidate stuck in a loop then costs a minute, not the whole timeout (seen: two 10-minute runs)."""
    candidate_timeout_min_s: float = Field(default=60.0, gt=0)
    """The shortest time a candidate's test run is given, however fast the baseline was."""
