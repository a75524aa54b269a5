from graphkit import DiGraph, reachable, shortest_path


def test_shortest_path_prefers_fewer_edges():
    graph = DiGraph([("a", "b"), ("b", "c"), ("c", "d"), ("a", "d")])
    assert shortest_path(graph, "a", "d") == ["a", "d"]
    assert shortest_path(graph, "d", "a") is None


def test_reachable():
    graph = DiGraph([(1, 2), (2, 3), (4, 1)])
    assert reachable(graph, 1) == {1, 2, 3}
