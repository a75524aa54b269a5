import pytest

from graphkit import CycleError, DiGraph, has_cycle, topological_sort


def test_chain_is_ordered():
    graph = DiGraph([("compile", "link"), ("link", "package")])
    assert topological_sort(graph) == ["compile", "link", "package"]


def test_self_loop_and_triangle_are_cycles():
    assert has_cycle(DiGraph([("a", "a")]))
    assert has_cycle(DiGraph([("a", "b"), ("b", "c"), ("c", "a")]))


def test_cycle_raises():
    with pytest.raises(CycleError):
        topological_sort(DiGraph([("x", "y"), ("y", "x")]))
