"""Cycle detection and topological ordering."""

from __future__ import annotations

from typing import List, Set

from graphkit.graph import DiGraph, Node


class CycleError(ValueError):
    """Raised when an ordering is requested for a graph that has a cycle."""


def has_cycle(graph: DiGraph) -> bool:
    """True if the directed graph contains at least one cycle."""
    visited: Set[Node] = set()

    def visit(node: Node) -> bool:
        if node in visited:
            return True
        visited.add(node)
        return any(visit(nxt) for nxt in sorted(graph.successors(node), key=repr))

    return any(visit(node) for node in list(graph.nodes()) if node not in visited)


def topological_sort(graph: DiGraph) -> List[Node]:
    """Nodes ordered so that every edge points forward; ties keep insertion order.

    Raises :class:`CycleError` if the graph has a cycle.
    """
    if has_cycle(graph):
        raise CycleError("graph has a cycle; no topological order exists")
    indegree = {node: len(graph.predecessors(node)) for node in graph.nodes()}
    ready = [node for node, deg in indegree.items() if deg == 0]
    order: List[Node] = []
    while ready:
        node = ready.pop(0)
        order.append(node)
        for nxt in sorted(graph.successors(node), key=repr):
            indegree[nxt] -= 1
            if indegree[nxt] == 0:
                ready.append(nxt)
    return order
