"""The index: blob-hash persistence, incremental updates, dirty and untracked files, BM25."""

from retrieval import RepoIndex, RetrievalConfig
from retrieval.store import blob_hash, list_files
from retrieval.text import split_identifier, tokenize

CONFIG = RetrievalConfig(dense=False)


def test_identifiers_split_on_camel_and_snake_case():
    assert split_identifier("getHTTPResponse_code") == ["get", "http", "response", "code"]
    assert "apply_discount" in tokenize("apply_discount(x)")
    assert {"apply", "discount"} <= set(tokenize("apply_discount(x)"))


def test_blob_hash_matches_git(shop_repo):
    files = list_files(shop_repo, lambda p: p.endswith(".py"))
    data = (shop_repo / "shop/cart.py").read_bytes()
    assert files["shop/cart.py"] == blob_hash(data)


def test_first_open_parses_everything_then_nothing(shop_repo):
    first = RepoIndex.open(shop_repo, CONFIG)
    assert first.stats["parsed"] == 5
    assert list((shop_repo / ".capuchin/index/parsed").glob("*.pkl"))
    again = RepoIndex.open(shop_repo, CONFIG)
    assert again.stats["parsed"] == 0
    assert again.symbol_refs == first.symbol_refs


def test_only_the_changed_and_untracked_files_are_reparsed(shop_repo):
    RepoIndex.open(shop_repo, CONFIG)
    cart = shop_repo / "shop/cart.py"
    cart.write_text(cart.read_text() + "\n\ndef empty_cart(cart):\n    cart.items.clear()\n")
    (shop_repo / "shop/shipping.py").write_text("def shipping_cost(weight):\n    return weight * 2\n")
    (shop_repo / "shop/inventory.py").unlink()
    index = RepoIndex.open(shop_repo, CONFIG)
    assert index.stats["parsed"] == 2
    assert ("shop/cart.py", "empty_cart") in index.symbol_refs
    assert ("shop/shipping.py", "shipping_cost") in index.symbol_refs
    assert "shop/inventory.py" not in index.paths


def test_bm25_ranks_the_file_about_the_query_first(shop_repo):
    index = RepoIndex.open(shop_repo, CONFIG)
    scores = index.file_scores(tokenize("stock reserve warehouse"))
    assert index.paths[int(scores.argmax())] == "shop/inventory.py"
    sym = index.symbol_scores(tokenize("currency decimals"))
    assert index.symbol_refs[int(sym.argmax())] == ("shop/pricing.py", "format_price")


def test_directory_without_git_is_walked(tmp_path):
    (tmp_path / "m.py").write_text("def f():\n    pass\n")
    index = RepoIndex.open(tmp_path, CONFIG)
    assert index.symbol_refs == [("m.py", "f")]


def test_refresh_in_a_warm_process_rereads_only_the_edited_file(shop_repo):
    index = RepoIndex.open(shop_repo, CONFIG)
    pricing = shop_repo / "shop/pricing.py"
    pricing.write_text(pricing.read_text() + "\n\ndef round_price(amount):\n    return round(amount, 2)\n")
    fresh = index.refresh()
    assert fresh.stats["parsed"] == 1
    assert ("shop/pricing.py", "round_price") in fresh.symbol_refs
    assert RepoIndex.open(shop_repo, CONFIG).stats["parsed"] == 0  # the refresh was persisted


def test_concurrent_saves_of_one_cache_never_leave_a_torn_shard(tmp_path):
    """Two solves on one repository save the index cache at once; each shard on disk must always
    be one writer's whole pickle (they shared one temp file name before)."""
    import threading

    from retrieval.store import Cache

    (tmp_path / ".capuchin").mkdir()
    payloads = [{f"0{w}{i}": "x" * 50_000 for i in range(40)} for w in range(2)]

    errors: list[BaseException] = []

    def writer(w: int) -> None:
        try:
            for _ in range(15):
                cache = Cache(tmp_path, "probe")
                for key, value in payloads[w].items():
                    cache.put(key, value)
                cache.save()
        except BaseException as exc:  # the old shared temp name: renamed away by the other writer
            errors.append(exc)

    threads = [threading.Thread(target=writer, args=(w,)) for w in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    loaded = Cache(tmp_path, "probe")._load("0")  # {} when the pickle on disk is torn
    assert any(set(p) <= set(loaded) for p in payloads)
    assert all(loaded[k] == v for p in payloads for k, v in p.items() if k in loaded)
    assert not list((tmp_path / ".capuchin").rglob("*.tmp"))


def test_refresh_onto_another_checkout_reuses_parses_and_ranks_like_a_fresh_open(shop_repo, tmp_path):
    """Benchmarks open one checkout per base commit; a sibling checkout reuses the parses of the same blobs."""
    import shutil

    other = tmp_path / "other"
    shutil.copytree(shop_repo, other, ignore=shutil.ignore_patterns(".capuchin"))
    pricing = other / "shop/pricing.py"
    pricing.write_text(pricing.read_text() + "\n\ndef round_price(amount):\n    return round(amount, 2)\n")
    index = RepoIndex.open(shop_repo, CONFIG)
    sibling = index.refresh(other)
    assert sibling.repo == other.resolve()
    assert sibling.stats["parsed"] == 1
    fresh = RepoIndex.open(other, CONFIG)
    assert sibling.symbol_refs == fresh.symbol_refs
    query = ["round", "price", "discount"]
    assert sibling.symbol_scores(query).tolist() == fresh.symbol_scores(query).tolist()
