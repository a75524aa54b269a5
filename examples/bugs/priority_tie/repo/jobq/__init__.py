"""jobq: an in-memory priority job queue."""

from jobq.job import Job, JobState
from jobq.queue import EmptyQueue, JobQueue
from jobq.worker import Worker

__all__ = ["EmptyQueue", "Job", "JobQueue", "JobState", "Worker"]
