"""BM25 (bm25s scoring) built from per-file term counts, so a one-file change rebuilds in a fraction of a second.

bm25s builds its index with Python loops over every document (a vocabulary pass, a
token -> id pass, a Counter per document). Sympy has ~35,000 symbol documents, so every
rebuild cost seconds even when one file changed. Here each file's documents are turned
into (token id, count) arrays once and kept per blob; a rebuild concatenates the arrays
and computes the Lucene BM25 weights bm25s would compute, vectorised. The model is a
``bm25s.BM25`` built through its documented override point (``build_index_from_ids``),
so querying is bm25s's own.
"""

from __future__ import annotations

from dataclasses import dataclass

import bm25s
import numpy as np
import scipy.sparse as sp


@dataclass(frozen=True)
class TermCounts:
    """A group of documents (one file's symbols, or the file itself) as sparse term counts."""

    ids: np.ndarray
    """Token ids, unique within each document, documents one after another."""
    counts: np.ndarray
    """How often each of ``ids`` occurs in its document."""
    terms_per_doc: np.ndarray
    """Number of distinct tokens of each document (splits ``ids`` into documents)."""
    doc_len: np.ndarray
    """Number of tokens of each document (duplicates included), BM25's document length."""


def count_terms(docs: list[str], vocab: dict[str, int]) -> TermCounts:
    """Term counts of space-separated token documents; new tokens are added to ``vocab``."""
    per_doc = [[vocab.setdefault(t, len(vocab)) for t in doc.split()] for doc in docs]
    lengths = np.array([len(d) for d in per_doc], dtype=np.int64)
    flat = np.fromiter((t for d in per_doc for t in d), dtype=np.int64, count=int(lengths.sum()))
    owner = np.repeat(np.arange(len(docs), dtype=np.int64), lengths)
    # One np.unique over (document, token) keys counts every document's terms at once.
    keys, counts = np.unique((owner << 32) | flat, return_counts=True)
    doc_of = keys >> 32
    return TermCounts(
        ids=(keys & 0xFFFFFFFF).astype(np.int32),
        counts=counts.astype(np.float32),
        terms_per_doc=np.bincount(doc_of, minlength=len(docs)).astype(np.int64),
        doc_len=lengths,
    )


class CountsBM25(bm25s.BM25):
    """bm25s's Lucene BM25, indexed from ``TermCounts`` groups: ``model.index((groups, vocab))``."""

    def build_index_from_ids(self, unique_token_ids, corpus_token_ids, show_progress=True, leave_progress=False):
        groups: list[TermCounts] = corpus_token_ids
        self.nonoccurrence_array = None  # only BM25L and BM25+ use one; this is Lucene BM25
        # At least one column: bm25s rejects any query against a zero-column matrix (a repository of empty files).
        n_vocab = max(len(unique_token_ids), 1)
        ids = np.concatenate([g.ids for g in groups]) if groups else np.zeros(0, np.int32)
        counts = np.concatenate([g.counts for g in groups]) if groups else np.zeros(0, np.float32)
        doc_len = np.concatenate([g.doc_len for g in groups]) if groups else np.zeros(0, np.int64)
        per_doc = np.concatenate([g.terms_per_doc for g in groups]) if groups else np.zeros(0, np.int64)
        n_docs = len(doc_len)
        doc_of = np.repeat(np.arange(n_docs, dtype=np.int64), per_doc)
        avg_len = float(doc_len.mean()) if n_docs and doc_len.any() else 1.0
        df = np.bincount(ids, minlength=n_vocab).astype(np.float64)
        idf = np.where(df > 0, np.log(1 + (n_docs - df + 0.5) / (df + 0.5)), 0.0).astype(np.float32)
        norm = self.k1 * ((1 - self.b) + self.b * doc_len[doc_of] / avg_len)
        scores = (idf[ids] * (counts / (norm + counts))).astype(self.dtype)
        matrix = sp.csc_matrix((scores, (doc_of, ids)), shape=(n_docs, n_vocab), dtype=self.dtype)
        return {"data": matrix.data, "indices": matrix.indices, "indptr": matrix.indptr, "num_docs": n_docs}


def build(groups: list[TermCounts], vocab: dict[str, int], k1: float, b: float) -> bm25s.BM25:
    """A queryable BM25 over the documents of ``groups``, in order."""
    model = CountsBM25(k1=k1, b=b)
    # A snapshot of the vocabulary: later refreshes add tokens this model's matrix has no column for.
    model.index((list(groups), dict(vocab)), create_empty_token=False, show_progress=False)
    return model
