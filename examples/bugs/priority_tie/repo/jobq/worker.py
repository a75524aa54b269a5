"""A synchronous worker that drains a queue."""

from __future__ import annotations

from typing import List, Optional

from jobq.job import Job, JobState
from jobq.queue import JobQueue


class Worker:
    """Runs jobs from a queue one at a time and remembers what it ran."""

    def __init__(self, queue: JobQueue) -> None:
        self.queue = queue
        self.finished: List[Job] = []

    def run_next(self) -> Optional[Job]:
        """Run one job; return it, or None if the queue is empty."""
        if not self.queue:
            return None
        job = self.queue.pop()
        job.run()
        self.finished.append(job)
        return job

    def drain(self, limit: int = 0) -> int:
        """Run jobs until the queue is empty (or ``limit`` jobs ran, if > 0)."""
        count = 0
        while self.queue and (limit <= 0 or count < limit):
            self.run_next()
            count += 1
        return count

    def failures(self) -> List[Job]:
        return [job for job in self.finished if job.state is JobState.FAILED]
