"""Repository code intelligence: code graph, hybrid index, hierarchical localiser, context.

The solve pipeline needs three names::

    index = RepoIndex.open(repo, config, bus)      # builds, or updates changed files only
    localizer = Localizer(index, config, model=None)  # an agent.core.protocols.Retriever
    locations = localizer.localize(issue, top_k=20)
    context = localizer.context(locations, budget_tokens=6000)

Heavy modules (the embedder, FAISS) load only when dense retrieval is used.
"""

from retrieval.config import RetrievalConfig
from retrieval.index import RepoIndex
from retrieval.localize import Localizer
from retrieval.parse import ParsedFile, Symbol, parse_file

__all__ = ["Localizer", "ParsedFile", "RepoIndex", "RetrievalConfig", "Symbol", "parse_file"]
