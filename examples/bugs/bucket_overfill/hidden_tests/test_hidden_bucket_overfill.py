from throttle import RateLimiter, TokenBucket


def test_idle_bucket_never_exceeds_capacity():
    now = [0.0]
    bucket = TokenBucket(rate=10, capacity=5, clock=lambda: now[0])
    now[0] = 60.0
    assert bucket.tokens == 5
    assert sum(bucket.try_acquire() for _ in range(20)) == 5


def test_limiter_burst_after_idle_is_bounded():
    now = [0.0]
    limiter = RateLimiter(rate=1, burst=3, clock=lambda: now[0])
    limiter.allow("client")
    now[0] = 3600.0
    admitted = sum(limiter.allow("client") for _ in range(100))
    assert admitted == 3
