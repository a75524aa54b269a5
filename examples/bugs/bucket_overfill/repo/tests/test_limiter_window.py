import pytest

from throttle import RateLimited, RateLimiter, SlidingWindowCounter


def test_limiter_is_per_key():
    now = [0.0]
    limiter = RateLimiter(rate=1, burst=1, clock=lambda: now[0])
    assert limiter.allow("alice")
    assert limiter.allow("bob")
    with pytest.raises(RateLimited) as info:
        limiter.check("alice")
    assert info.value.retry_after == pytest.approx(1.0)


def test_sliding_window():
    now = [0.0]
    counter = SlidingWindowCounter(limit=2, window=10, clock=lambda: now[0])
    assert counter.hit() and counter.hit()
    assert not counter.hit()
    now[0] = 10.0
    assert counter.hit()
    assert counter.count() == 1
