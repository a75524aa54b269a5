"""graphkit: directed graphs for build systems and task schedulers."""

from graphkit.graph import DiGraph
from graphkit.order import CycleError, has_cycle, topological_sort
from graphkit.paths import reachable, shortest_path

__all__ = ["CycleError", "DiGraph", "has_cycle", "reachable", "shortest_path", "topological_sort"]
