"""The stage-3 replay (benchmarks.localize_symbols): the localiser's fusion, lever choice on the tuning half only."""

import numpy as np

from benchmarks.localize import Instance, tuning_half
from benchmarks.localize_symbols import classify, gold_ranks, misses, search
from retrieval import RetrievalConfig

TUNE = next(f"repo__x-{n}" for n in range(100) if tuning_half(f"repo__x-{n}"))
HELD = next(f"repo__x-{n}" for n in range(100) if not tuning_half(f"repo__x-{n}"))


def _row(gold_callee: float) -> dict:
    """Twelve definitions of one file; the gold one (last) has BM25 evidence below eleven others, and a callee score."""
    refs = [("a.py", f"f{i}") for i in range(12)]
    bm25 = np.array([12 - i for i in range(11)] + [0.5], dtype=np.float32)
    callee = np.zeros(12, dtype=np.float32)
    callee[11] = gold_callee
    return {"refs": refs, "files": ["a.py"], "kinds": ["function"] * 12,
            "signals": {"file": np.ones(12, dtype=np.float32), "bm25_symbol": bm25, "callee": callee}}


def _instances() -> dict[str, Instance]:
    return {i: Instance(i, "issue", ("a.py",), ("a.py::f11",)) for i in (TUNE, HELD)}


def test_replay_ranks_like_the_localiser_and_keeps_the_best_places():
    config = RetrievalConfig(symbol_weights={"file": 0.5, "bm25_symbol": 1.0, "callee": 1.0}, symbol_keep=5)
    data = {TUNE: _row(1.0), HELD: _row(0.0)}
    ranks = gold_ranks(data, _instances(), config)
    assert ranks[HELD] == [12]
    assert ranks[TUNE] == [6]  # lifted by 'callee', but not above the 5 kept places
    no_keep = config.model_copy(update={"symbol_keep": 0})
    assert gold_ranks(data, _instances(), no_keep)[TUNE] == [1]


def test_a_lever_is_chosen_on_the_tuning_half_and_misses_are_sorted():
    config = RetrievalConfig(symbol_weights={"file": 0.5, "bm25_symbol": 1.0, "callee": 0.0}, symbol_keep=5)
    data = {TUNE: _row(1.0), HELD: _row(1.0)}
    out = search(data, _instances(), config, levers=("callee",))
    assert out["levers"]["callee"]["chosen_on_tune"] > 0
    assert out["levers"]["callee"]["by_weight"]["0.0"]["held_out"]["@10"] == 0.0
    assert out["levers"]["callee"]["by_weight"]["1.0"]["held_out"]["@10"] == 1.0
    assert misses(data, _instances(), config) == {"ranked 11-50": {"tune": 1, "held_out": 1,
                                                                   "instances": sorted([TUNE, HELD])}}
    assert classify(Instance("r-1", "", ("b.py",), ("b.py::g",)), data[TUNE], [999]) == (
        "a gold file outside stage 1's top 20")
