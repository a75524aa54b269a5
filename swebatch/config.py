"""Configuration of the SWE-bench batch runner and evaluator (section ``[swebench]``)."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from agent.core.config import Section


class SWEBenchConfig(Section):
    """`capuchin swebench run` and `capuchin swebench eval`."""

    workers: int = Field(default=1, ge=1)
    """Instances solved at once (their model calls overlap); sandbox runs are capped by sandbox.concurrency."""
    instance_timeout_s: float = Field(default=3600.0, gt=0)
    """Hard wall-clock limit of one instance's solve; past it the instance is an agent_error."""
    min_free_gb: float = Field(default=5.0, ge=0)
    """A run refuses to start, or stops before the next instance, below this much free disk."""
    model_name: str | None = None
    """``model_name_or_path`` written into predictions; None: 'capuchin__<model>'."""
    eval_workers: int = Field(default=2, ge=1)
    """Instances graded at once by `swebench eval`."""
    cache_level: Literal["none", "base", "env", "instance"] = "env"
    """Images an evaluation keeps, as the official --cache_level: images this run built above the level are
    removed ('none': all, 'base': env and instance images, 'env': instance images, 'instance': none);
    images that existed before the run always stay."""
    validation: str | None = None
    """FAIL_TO_PASS/PASS_TO_PASS for datasets without them: a `capuchin sandbox validate` output file."""
