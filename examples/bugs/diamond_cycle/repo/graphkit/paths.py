"""Reachability and unweighted shortest paths."""

from __future__ import annotations

from collections import deque
from typing import Dict, List, Optional, Set

from graphkit.graph import DiGraph, Node


def reachable(graph: DiGraph, start: Node) -> Set[Node]:
    """All nodes reachable from ``start`` (including ``start``)."""
    seen = {start}
    queue = deque([start])
    while queue:
        for nxt in graph.successors(queue.popleft()):
            if nxt not in seen:
                seen.add(nxt)
                queue.append(nxt)
    return seen


def shortest_path(graph: DiGraph, start: Node, goal: Node) -> Optional[List[Node]]:
    """Fewest-edges path from ``start`` to ``goal`` as a node list, or None."""
    if start not in graph or goal not in graph:
        raise KeyError("both endpoints must be in the graph")
    parent: Dict[Node, Optional[Node]] = {start: None}
    queue = deque([start])
    while queue:
        node = queue.popleft()
        if node == goal:
            path = [node]
            while parent[path[-1]] is not None:
                path.append(parent[path[-1]])
            return path[::-1]
        for nxt in sorted(graph.successors(node), key=repr):
            if nxt not in parent:
                parent[nxt] = node
                queue.append(nxt)
    return None
