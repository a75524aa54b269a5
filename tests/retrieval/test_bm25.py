"""BM25 built from cached per-file term counts: the same scores as bm25s, and one-file refreshes."""

import random

import bm25s
import numpy as np

from retrieval import RepoIndex, RetrievalConfig
from retrieval.bm25 import build, count_terms
from retrieval.text import tokenize

CONFIG = RetrievalConfig(dense=False)


def test_scores_equal_bm25s_built_from_the_token_lists():
    rng = random.Random(0)
    words = [f"w{i}" for i in range(200)]
    docs = [" ".join(rng.choices(words, k=rng.randint(1, 50))) for _ in range(300)]
    vocab: dict[str, int] = {}
    model = build([count_terms(docs[:120], vocab), count_terms(docs[120:], vocab)], vocab, 1.5, 0.75)
    reference = bm25s.BM25(k1=1.5, b=0.75)
    reference.index([d.split() for d in docs], show_progress=False)
    for query in (["w1", "w2", "w2"], ["w199", "unknown"], ["w7"]):
        assert np.allclose(model.get_scores(query), reference.get_scores(query), rtol=1e-6)


def test_counts_per_document_and_empty_documents():
    vocab: dict[str, int] = {}
    terms = count_terms(["a b a", "", "c"], vocab)
    assert terms.doc_len.tolist() == [3, 0, 1]
    assert terms.terms_per_doc.tolist() == [2, 0, 1]
    assert sorted(zip(terms.ids[:2].tolist(), terms.counts[:2].tolist(), strict=True)) == [(vocab["a"], 2.0), (vocab["b"], 1.0)]
    model = build([terms], vocab, 1.5, 0.75)
    assert model.get_scores(["c"]).argmax() == 2
    empty = build([count_terms(["", ""], {})], {}, 1.5, 0.75)  # nothing indexed: every score 0, no error
    assert empty.get_scores(["c"]).tolist() == [0.0, 0.0]


def test_refresh_recounts_only_the_changed_file_and_finds_new_words(shop_repo):
    index = RepoIndex.open(shop_repo, CONFIG)
    index.warm()
    before = dict(index._terms)
    (shop_repo / "shop/inventory.py").write_text("def quarantine_pallet(zone):\n    return zone\n")
    fresh = index.refresh()
    fresh.warm()
    changed = {b for b in fresh._terms if b not in before}
    assert len(changed) == 1  # the edited file; every other file's counts were reused
    scores = fresh.file_scores(tokenize("quarantine pallet"))
    assert fresh.paths[int(scores.argmax())] == "shop/inventory.py"
    reopened = RepoIndex.open(shop_repo, CONFIG)  # a cold build agrees with the refreshed one
    assert np.allclose(reopened.file_scores(tokenize("quarantine pallet")), scores)
