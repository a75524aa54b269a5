"""Repository code intelligence: code graph, hybrid index, hierarchical localiser, context."""
