"""Running a batch function over all records."""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Callable, Generic, List, Optional, Sequence, TypeVar

from batchwork.chunks import chunked
from batchwork.retry import RetryPolicy

T = TypeVar("T")
R = TypeVar("R")


@dataclass
class BatchResult(Generic[R]):
    """Outputs in input order plus the batches that failed after retries."""

    outputs: List[R] = field(default_factory=list)
    failed_batches: List[int] = field(default_factory=list)
    batches_run: int = 0


class BatchPipeline(Generic[T, R]):
    """Applies ``func`` (records -> one output per record) to batches of ``batch_size`` records."""

    def __init__(self, func: Callable[[List[T]], List[R]], batch_size: int = 100,
                 retry: Optional[RetryPolicy] = None,
                 on_progress: Optional[Callable[[int, int], None]] = None) -> None:
        self.func = func
        self.batch_size = batch_size
        self.retry = retry or RetryPolicy(attempts=1)
        self.on_progress = on_progress
        self.sleep: Callable[[float], None] = time.sleep

    def run(self, records: Sequence[T]) -> BatchResult[R]:
        result: BatchResult[R] = BatchResult()
        batches = chunked(records, self.batch_size)
        for index, batch in enumerate(batches):
            try:
                outputs = self.retry.call(lambda b=batch: self.func(b), sleep=self.sleep)
            except Exception:  # a failed batch is recorded and the run continues
                result.failed_batches.append(index)
            else:
                if len(outputs) != len(batch):
                    raise ValueError(f"batch {index}: expected {len(batch)} outputs, got {len(outputs)}")
                result.outputs.extend(outputs)
            result.batches_run += 1
            if self.on_progress:
                self.on_progress(index + 1, len(batches))
        return result
