"""Jobs: a callable plus arguments, a priority and a state."""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from typing import Any, Callable, Dict, Optional, Tuple


class JobState(enum.Enum):
    PENDING = "pending"
    DONE = "done"
    FAILED = "failed"


@dataclass(eq=False)
class Job:
    """A unit of work. Higher ``priority`` runs first."""

    name: str
    func: Callable[..., Any]
    args: Tuple[Any, ...] = ()
    kwargs: Dict[str, Any] = field(default_factory=dict)
    priority: int = 0
    state: JobState = JobState.PENDING
    result: Any = None
    error: Optional[BaseException] = None

    def run(self) -> Any:
        """Call the job's function, recording the result or the exception."""
        try:
            self.result = self.func(*self.args, **self.kwargs)
        except Exception as exc:  # a failing job must not stop the worker
            self.error = exc
            self.state = JobState.FAILED
            return None
        self.state = JobState.DONE
        return self.result
