import pytest

from throttle import TokenBucket


class FakeClock:
    def __init__(self):
        self.now = 0.0

    def __call__(self):
        return self.now


def test_burst_then_refill():
    clock = FakeClock()
    bucket = TokenBucket(rate=2, capacity=3, clock=clock)
    assert [bucket.try_acquire() for _ in range(4)] == [True, True, True, False]
    clock.now = 0.5
    assert bucket.try_acquire()
    assert not bucket.try_acquire()


def test_wait_time():
    clock = FakeClock()
    bucket = TokenBucket(rate=4, capacity=1, clock=clock)
    assert bucket.try_acquire()
    assert bucket.wait_time() == pytest.approx(0.25)


def test_invalid():
    with pytest.raises(ValueError):
        TokenBucket(rate=0, capacity=1)
    with pytest.raises(ValueError):
        TokenBucket(rate=1, capacity=2).try_acquire(3)
