from jobq import Job, JobQueue, JobState, Worker


def boom():
    raise RuntimeError("boom")


def test_drain_runs_everything_and_records_failures():
    queue = JobQueue()
    queue.push(Job("add", lambda a, b: a + b, args=(2, 3), priority=2))
    queue.push(Job("fail", boom, priority=1))
    worker = Worker(queue)
    assert worker.drain() == 2
    assert worker.finished[0].result == 5
    assert worker.finished[0].state is JobState.DONE
    assert [job.name for job in worker.failures()] == ["fail"]


def test_drain_limit():
    queue = JobQueue()
    for i in range(3):
        queue.push(Job(f"j{i}", int, priority=i))
    assert Worker(queue).drain(limit=2) == 2
    assert len(queue) == 1
