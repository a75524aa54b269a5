import pytest

from graphkit import DiGraph


def test_edges_create_nodes():
    graph = DiGraph([("a", "b"), ("b", "c")])
    assert list(graph.nodes()) == ["a", "b", "c"]
    assert graph.successors("a") == {"b"}
    assert graph.predecessors("c") == {"b"}
    assert len(graph) == 3


def test_remove_missing_edge():
    graph = DiGraph([("a", "b")])
    with pytest.raises(KeyError):
        graph.remove_edge("b", "a")
