"""Retrying a failing call with exponential backoff."""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Callable, Tuple, Type, TypeVar

R = TypeVar("R")


@dataclass(frozen=True)
class RetryPolicy:
    """Try up to ``attempts`` times, sleeping ``base_delay * 2**n`` (capped) between tries."""

    attempts: int = 3
    base_delay: float = 0.1
    max_delay: float = 5.0
    retry_on: Tuple[Type[BaseException], ...] = (Exception,)

    def delay(self, failure_number: int) -> float:
        return min(self.max_delay, self.base_delay * 2 ** failure_number)

    def call(self, func: Callable[[], R], sleep: Callable[[float], None] = time.sleep) -> R:
        """Call ``func`` until it succeeds or attempts run out (the last error is re-raised)."""
        for n in range(self.attempts):
            try:
                return func()
            except self.retry_on:
                if n == self.attempts - 1:
                    raise
                sleep(self.delay(n))
        raise ValueError("attempts must be at least 1")
