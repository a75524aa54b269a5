from memo import TTLCache, memoize


def test_ttl_expiry():
    now = [100.0]
    cache = TTLCache(ttl=10, clock=lambda: now[0])
    cache.put("k", "v")
    assert cache.get("k") == "v"
    now[0] = 110.0
    assert cache.get("k") is None
    assert len(cache) == 0


def test_memoize_calls_once():
    calls = []

    @memoize(maxsize=4)
    def square(x):
        calls.append(x)
        return x * x

    assert square(3) == 9 and square(3) == 9
    assert calls == [3]
    assert square.cache.stats.hits == 1
