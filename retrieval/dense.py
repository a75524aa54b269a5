"""SEA dense retrieval: split code into blocks along statements, encode blocks, aggregate, search with FAISS.

Blocks are definitions (functions, methods, class headers) plus one header block per
file; a definition longer than ``block_tokens`` is cut at statement boundaries of its
body, each piece prefixed with its qualified name and signature. Block vectors are
cached by content hash (and model), so unchanged code is never re-encoded. Function
vectors aggregate their blocks; file vectors aggregate all of the file's blocks.
"""

from __future__ import annotations

import hashlib
import time
from dataclasses import dataclass
from typing import TYPE_CHECKING

import faiss
import numpy as np

from agent.core.paths import is_support_path
from retrieval.embed import get_encoder
from retrieval.index import symbol_document
from retrieval.maps import summary_line
from retrieval.parse import ParsedFile, Symbol
from retrieval.store import Cache

if TYPE_CHECKING:
    from retrieval.index import RepoIndex

STAGE = "embed"
_WORDPIECES_PER_TOKEN = 1.4  # count_tokens undercounts word pieces for identifiers


@dataclass
class Block:
    file: int
    """Index into RepoIndex.paths."""
    symbol: int
    """Index into RepoIndex.symbol_refs, or -1 for a file header block."""
    text: str


def _split(sym: Symbol, code: str, limit: int) -> list[str]:
    """Cut a definition's code into pieces of about ``limit`` word pieces at body-level statement starts."""
    prefix = f"{sym.qualname}: {sym.signature}\n"
    lines = code.splitlines()
    if len(code.split()) * _WORDPIECES_PER_TOKEN <= limit or len(lines) < 4:
        return [prefix + code]
    body = [ln for ln in lines[1:] if ln.strip()]
    indent = min((len(ln) - len(ln.lstrip()) for ln in body), default=0)
    pieces, current, size = [], [], 0
    for line in lines:
        starts_statement = line.strip() and len(line) - len(line.lstrip()) <= indent
        if current and starts_statement and size * _WORDPIECES_PER_TOKEN >= limit:
            pieces.append(prefix + "\n".join(current))
            current, size = [], 0
        current.append(line)
        size += len(line.split())
    if current:
        pieces.append(prefix + "\n".join(current))
    return pieces


def _file_blocks(fi: int, parsed: ParsedFile, source: bytes, sym_offset: int, limit: int) -> list[Block]:
    header = f"{parsed.path}\n{summary_line(parsed)}\n" + " ".join(parsed.top_level_names[:30])
    blocks = [Block(fi, -1, header)]
    for si, sym in enumerate(parsed.symbols):
        if sym.kind == "function" and sym.parent is not None:
            continue  # nested: already inside its parent's blocks
        if sym.kind == "class":
            texts = [symbol_document(sym, source, parsed)]
        else:
            texts = _split(sym, source[sym.start_byte:sym.end_byte].decode("utf-8", "replace"), limit)
        blocks.extend(Block(fi, sym_offset + si, t) for t in texts)
    return blocks


def collect_blocks(index: RepoIndex) -> list[Block]:
    """Blocks of every embeddable file, tests/docs skipped unless configured, capped at max_blocks."""
    cfg = index.config
    blocks: list[Block] = []
    offset = 0
    for fi, path in enumerate(index.paths):
        parsed = index.entries[path].parsed
        if not parsed.error and (cfg.embed_tests or not is_support_path(path)):
            blocks.extend(_file_blocks(fi, parsed, index.read(path), offset, cfg.block_tokens))
        offset += len(parsed.symbols)
        if len(blocks) >= cfg.max_blocks:
            index.bus.emit("log", STAGE, f"block cap {cfg.max_blocks} reached at {path}; the rest is not embedded")
            return blocks[: cfg.max_blocks]
    return blocks


def _aggregate(vectors: np.ndarray, groups: np.ndarray, n: int, how: str, weights: np.ndarray) -> np.ndarray:
    """Combine row vectors into ``n`` group vectors (mean, max, or length-weighted mean), L2-normalised."""
    dim = vectors.shape[1] if vectors.size else 1
    out = np.full((n, dim), -np.inf if how == "max" else 0.0, dtype=np.float32)
    if how == "max":
        np.maximum.at(out, groups, vectors)
        out[np.isinf(out)] = 0.0
    else:
        w = weights if how == "weighted" else np.ones(len(groups), dtype=np.float32)
        np.add.at(out, groups, vectors * w[:, None])
    norms = np.linalg.norm(out, axis=1, keepdims=True)
    return out / np.maximum(norms, 1e-9)


class DenseIndex:
    """Block, symbol and file vectors of one RepoIndex, with FAISS over files."""

    def __init__(self, index: RepoIndex, encoder, file_vecs: np.ndarray, symbol_vecs: np.ndarray, stats: dict):
        self.index = index
        self.encoder = encoder
        self.file_vecs = file_vecs
        self.symbol_vecs = symbol_vecs
        self.stats = stats
        self.faiss = faiss.IndexFlatIP(file_vecs.shape[1])
        self.faiss.add(file_vecs)

    @classmethod
    def build(cls, index: RepoIndex, encoder=None) -> DenseIndex:
        """Encode (or take from the cache) every block; ``encoder`` overrides the configured one."""
        cfg = index.config
        start = time.perf_counter()
        encoder = encoder or get_encoder(cfg.embedding_backend, cfg.embedding_model, cfg.embedding_batch_size,
                                         cfg.block_tokens, cfg.embedding_layer)
        blocks = collect_blocks(index)
        vectors, encoded = _encode_cached(index, encoder, [b.text for b in blocks])
        weights = np.array([len(b.text) for b in blocks], dtype=np.float32)
        file_ids = np.array([b.file for b in blocks], dtype=np.int64)
        file_vecs = _aggregate(vectors, file_ids, len(index.paths), cfg.aggregation, weights)
        has_sym = np.array([b.symbol >= 0 for b in blocks], dtype=bool)
        sym_ids = np.array([b.symbol for b in blocks], dtype=np.int64)[has_sym]
        symbol_vecs = _aggregate(vectors[has_sym], sym_ids, len(index.symbol_refs), cfg.aggregation, weights[has_sym])
        stats = {"blocks": len(blocks), "encoded": encoded, "embed_s": round(time.perf_counter() - start, 2)}
        index.bus.emit("stage_finished", STAGE, f"{len(blocks)} blocks, {encoded} encoded", **stats)
        return cls(index, encoder, file_vecs, symbol_vecs, stats)

    def query_vector(self, text: str) -> np.ndarray:
        """The issue as the mean of its chunks' vectors (long issues exceed the encoder's window)."""
        words = text.split()
        step = max(int(self.index.config.block_tokens / _WORDPIECES_PER_TOKEN), 16)
        chunks = [" ".join(words[i:i + step]) for i in range(0, min(len(words), step * 8), step)] or [""]
        vec = self.encoder.encode(chunks).mean(axis=0)
        return (vec / max(float(np.linalg.norm(vec)), 1e-9)).astype(np.float32)

    def file_scores(self, issue: str) -> np.ndarray:
        """Cosine similarity of every file (``index.paths`` order) to the issue; 0 for files not embedded."""
        q = self.query_vector(issue)[None, :]
        sims, ids = self.faiss.search(q, len(self.index.paths))
        out = np.zeros(len(self.index.paths), dtype=np.float64)
        valid = ids[0] >= 0
        out[ids[0][valid]] = np.clip(sims[0][valid], 0.0, None)
        return out

    def symbol_scores(self, issue: str, chosen: list[int]) -> np.ndarray:
        q = self.query_vector(issue)
        return np.clip(self.symbol_vecs[chosen] @ q, 0.0, None).astype(np.float64)


VECTOR_MEMO: dict[tuple[str, str], np.ndarray] = {}
"""(encoder key, block hash) -> vector, shared by every index in the process: a benchmark opening many
checkouts of one project encodes each block once, not once per checkout. Bounded by MEMO_LIMIT."""
MEMO_LIMIT = 100_000


def _encode_cached(index: RepoIndex, encoder, texts: list[str]) -> tuple[np.ndarray, int]:
    """Vectors for ``texts``, encoding only those whose content hash is not in the cache."""
    slug = hashlib.sha1(encoder.key.encode()).hexdigest()[:12]
    cache = Cache(index.repo, f"vectors-{slug}")
    keys = [hashlib.sha1(t.encode("utf-8", "replace")).hexdigest() for t in texts]
    for k in keys:
        if (encoder.key, k) in VECTOR_MEMO and cache.get(k) is None:
            cache.put(k, VECTOR_MEMO[(encoder.key, k)])
    missing = sorted({k: t for k, t in zip(keys, texts, strict=True) if cache.get(k) is None}.items())
    batch = 512
    for start in range(0, len(missing), batch):
        chunk = missing[start:start + batch]
        for (k, _), vec in zip(chunk, encoder.encode([t for _, t in chunk]), strict=True):
            cache.put(k, vec.astype(np.float16))
            if len(VECTOR_MEMO) < MEMO_LIMIT:
                VECTOR_MEMO[(encoder.key, k)] = cache.get(k)
        index.bus.progress(STAGE, start + len(chunk), len(missing), "embedding blocks")
        if (start // batch) % 8 == 7:  # long runs keep what they did if interrupted
            cache.save()
    cache.prune(set(keys))
    cache.save()
    if not texts:
        return np.zeros((0, 1), dtype=np.float32), 0
    return np.stack([cache.get(k).astype(np.float32) for k in keys]), len(missing)
