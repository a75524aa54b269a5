"""throttle: in-process rate limiting."""

from throttle.bucket import TokenBucket
from throttle.limiter import RateLimiter, RateLimited
from throttle.window import SlidingWindowCounter

__all__ = ["RateLimited", "RateLimiter", "SlidingWindowCounter", "TokenBucket"]
