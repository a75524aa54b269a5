from jobq import Job, JobQueue, Worker


def test_equal_priorities_pop_in_push_order():
    queue = JobQueue()
    for name in ["upload", "resize", "notify"]:
        queue.push(Job(name, print, priority=3))
    assert [queue.pop().name for _ in range(3)] == ["upload", "resize", "notify"]


def test_mixed_priorities_with_ties():
    queue = JobQueue()
    queue.push(Job("d", int, priority=1))
    queue.push(Job("c", int, priority=5))
    queue.push(Job("b", int, priority=1))
    queue.push(Job("a", int, priority=5))
    worker = Worker(queue)
    worker.drain()
    assert [job.name for job in worker.finished] == ["c", "a", "d", "b"]
