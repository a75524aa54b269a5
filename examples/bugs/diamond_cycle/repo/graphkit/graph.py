"""Adjacency-set storage for directed graphs."""

from __future__ import annotations

from typing import Dict, Hashable, Iterable, Iterator, Set, Tuple

Node = Hashable


class DiGraph:
    """A directed graph; nodes are any hashable values, insertion order is kept."""

    def __init__(self, edges: Iterable[Tuple[Node, Node]] = ()) -> None:
        self._succ: Dict[Node, Set[Node]] = {}
        self._pred: Dict[Node, Set[Node]] = {}
        for src, dst in edges:
            self.add_edge(src, dst)

    def add_node(self, node: Node) -> None:
        self._succ.setdefault(node, set())
        self._pred.setdefault(node, set())

    def add_edge(self, src: Node, dst: Node) -> None:
        """Add the edge ``src -> dst``, creating both nodes if needed."""
        self.add_node(src)
        self.add_node(dst)
        self._succ[src].add(dst)
        self._pred[dst].add(src)

    def remove_edge(self, src: Node, dst: Node) -> None:
        try:
            self._succ[src].remove(dst)
            self._pred[dst].remove(src)
        except KeyError:
            raise KeyError(f"no edge {src!r} -> {dst!r}") from None

    def successors(self, node: Node) -> Set[Node]:
        return set(self._succ[node])

    def predecessors(self, node: Node) -> Set[Node]:
        return set(self._pred[node])

    def nodes(self) -> Iterator[Node]:
        return iter(self._succ)

    def edges(self) -> Iterator[Tuple[Node, Node]]:
        for src, dsts in self._succ.items():
            for dst in dsts:
                yield src, dst

    def __contains__(self, node: object) -> bool:
        return node in self._succ

    def __len__(self) -> int:
        return len(self._succ)
