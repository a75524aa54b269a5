import pytest

from jobq import EmptyQueue, Job, JobQueue


def test_higher_priority_first():
    queue = JobQueue()
    queue.push(Job("low", print, priority=1))
    queue.push(Job("high", print, priority=9))
    queue.push(Job("mid", print, priority=5))
    assert queue.peek().name == "high"
    assert [queue.pop().name for _ in range(3)] == ["high", "mid", "low"]
    assert queue.total_pushed == 3


def test_empty_queue():
    queue = JobQueue()
    assert not queue
    with pytest.raises(EmptyQueue):
        queue.pop()
