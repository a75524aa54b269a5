"""The learned file reranker: file outlines, score fusion, its place in stage 1, and its errors for people."""

from __future__ import annotations

import numpy as np
import pytest

from agent.core.errors import CapuchinError
from retrieval import Localizer, RepoIndex, RetrievalConfig
from retrieval import rerank as rerank_module
from retrieval.rerank import Reranker, file_card, fuse, load_reranker

SOURCE = '''"""Prices and discounts.

More words.
"""
import os


class Cart(Base):
    def total(self):
        def inner():
            pass
        return 1

    class Line:
        def price(self):
            return 2


async def fetch(url, *, timeout=3):
    pass
'''


def test_file_card_lists_path_docstring_and_outline():
    card = file_card("shop/cart.py", SOURCE).splitlines()
    # A function nested in a method is listed under the class (the outline tracks classes only).
    assert card == ["shop/cart.py", "Prices and discounts.", "class Cart(Base)", "Cart.total", "Cart.inner",
                    "class Cart.Line", "Cart.Line.price", "fetch(url, *, timeout=3)"]


def test_file_card_is_cut_to_its_limit():
    source = "\n".join(f"def function_number_{i}():\n    pass" for i in range(500))
    assert len(file_card("a.py", source, limit=300)) == 300


def test_fuse_keeps_stage_one_order_at_weight_zero():
    assert fuse(["a", "b", "c"], np.array([0.0, 5.0, 9.0]), 0.0) == ["a", "b", "c"]


def test_fuse_alone_orders_by_the_reranker():
    assert fuse(["a", "b", "c"], np.array([0.0, 5.0, 9.0]), 1.0) == ["c", "b", "a"]


def test_fuse_moves_only_a_confident_winner():
    # A clear winner in third place climbs to first; a flat spread leaves stage 1's order.
    assert fuse(["a", "b", "c", "d"], np.array([0.0, 0.0, 8.0, 0.0]), 0.5)[0] == "c"
    assert fuse(["a", "b", "c", "d"], np.array([0.0, 0.1, 0.2, 0.3]), 0.3) == ["a", "b", "c", "d"]


def test_missing_model_directory_is_a_clear_error(tmp_path):
    with pytest.raises(CapuchinError, match="no reranker model"):
        Reranker(tmp_path / "nowhere")


def test_missing_weights_file_is_a_clear_error(tmp_path):
    (tmp_path / "config.json").write_text("{}")
    with pytest.raises(CapuchinError, match=r"model\.safetensors missing"):
        Reranker(tmp_path)


def test_weight_without_a_model_is_a_clear_error():
    with pytest.raises(CapuchinError, match="rerank_model names no directory"):
        load_reranker("")


class KeywordReranker:
    """Scores a card by whether it names a word: a stand-in that makes the expected order certain."""

    def __init__(self, word: str):
        self.word = word

    def scores(self, issue: str, cards: list[str]) -> np.ndarray:
        return np.array([10.0 if self.word in card else 0.0 for card in cards])


def test_localizer_reorders_its_top_files_with_the_reranker(shop_repo, monkeypatch):
    issue = "The cart total is wrong when a discount applies to the items in the cart"
    plain = RetrievalConfig(history=False)
    index = RepoIndex.open(shop_repo, plain)
    before = [p for p, _ in Localizer(index, plain).rank_files(issue)]
    assert before[0] != "shop/inventory.py"
    monkeypatch.setattr(rerank_module, "load_reranker", lambda path: KeywordReranker("Inventory"))
    config = RetrievalConfig(history=False, rerank_weight=0.9, rerank_model="fake")
    after = [p for p, _ in Localizer(RepoIndex.open(shop_repo, config), config).rank_files(issue)]
    assert after[0] == "shop/inventory.py"
    assert sorted(after) == sorted(before)


@pytest.mark.slow  # importing torch and transformers takes several seconds
def test_a_saved_cross_encoder_gives_one_score_per_card(tmp_path):
    """A tiny randomly initialised BERT in the trainer's format loads and scores (real weights are not shipped)."""
    torch = pytest.importorskip("torch")
    from transformers import BertConfig, BertForSequenceClassification, BertTokenizerFast

    vocab = tmp_path / "vocab.txt"
    vocab.write_text("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", "cart", "total", "price", "shop", "."]))
    BertTokenizerFast(vocab_file=str(vocab)).save_pretrained(str(tmp_path / "model"))
    torch.manual_seed(0)
    config = BertConfig(vocab_size=10, hidden_size=8, num_hidden_layers=1, num_attention_heads=2,
                        intermediate_size=16, num_labels=1)
    BertForSequenceClassification(config).save_pretrained(str(tmp_path / "model"))
    scores = Reranker(tmp_path / "model").scores("cart total", ["shop/cart.py\nCart.total", "shop/price.py"])
    assert scores.shape == (2,)
    assert np.isfinite(scores).all()
    assert scores[0] != scores[1]
