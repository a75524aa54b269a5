"""A priority queue of jobs: highest priority first, first-in-first-out among equals."""

from __future__ import annotations

import heapq
from typing import List, Tuple

from jobq.job import Job


class EmptyQueue(Exception):
    """Raised when popping from an empty queue."""


class JobQueue:
    """Holds pending jobs ordered by priority."""

    def __init__(self) -> None:
        self._heap: List[Tuple] = []
        self.total_pushed = 0

    def push(self, job: Job) -> None:
        """Add ``job``; among jobs of equal priority, earlier pushes pop first."""
        heapq.heappush(self._heap, (-job.priority, job))
        self.total_pushed += 1

    def pop(self) -> Job:
        """Remove and return the next job to run."""
        if not self._heap:
            raise EmptyQueue("no pending jobs")
        return heapq.heappop(self._heap)[-1]

    def peek(self) -> Job:
        if not self._heap:
            raise EmptyQueue("no pending jobs")
        return self._heap[0][-1]

    def __len__(self) -> int:
        return len(self._heap)

    def __bool__(self) -> bool:
        return bool(self._heap)
