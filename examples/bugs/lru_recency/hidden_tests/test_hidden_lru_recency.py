from memo import LRUCache, memoize


def test_read_protects_entry_from_eviction():
    cache = LRUCache(maxsize=2)
    cache.put("a", 1)
    cache.put("b", 2)
    assert cache.get("a") == 1
    cache.put("c", 3)
    assert "a" in cache
    assert "b" not in cache
    assert cache.keys() == ["a", "c"]


def test_memoize_keeps_hot_argument():
    calls = []

    @memoize(maxsize=2)
    def load(name):
        calls.append(name)
        return name.upper()

    load("config")
    load("x")
    load("config")
    load("y")
    load("config")
    assert calls.count("config") == 1
