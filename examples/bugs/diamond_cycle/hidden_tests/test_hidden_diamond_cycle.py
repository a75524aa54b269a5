from graphkit import DiGraph, has_cycle, topological_sort


def test_diamond_is_not_a_cycle():
    graph = DiGraph([("a", "b"), ("a", "c"), ("b", "d"), ("c", "d")])
    assert not has_cycle(graph)


def test_topological_sort_of_shared_dependency():
    graph = DiGraph([("app", "http"), ("app", "json"), ("http", "utils"), ("json", "utils")])
    assert topological_sort(graph) == ["app", "http", "json", "utils"]


def test_real_cycle_still_detected_after_diamond():
    graph = DiGraph([("a", "b"), ("a", "c"), ("b", "d"), ("c", "d"), ("d", "a")])
    assert has_cycle(graph)
