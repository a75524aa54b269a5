"""Datasets and predictions in every format the official harness and SWE-agent accept."""

from __future__ import annotations

import json

import pytest

from agent.core.errors import InputError
from swebatch.data import load_dataset, load_predictions, model_dir, select

ROWS = [{"instance_id": f"o__r-{i}", "repo": "o/r", "base_commit": "c", "patch": f"p{i}", "test_patch": "t",
         "FAIL_TO_PASS": json.dumps([f"t{i}"]), "PASS_TO_PASS": "[]"} for i in range(5)]


def test_jsonl_and_json_datasets_load_alike_and_decode_test_lists(tmp_path):
    (tmp_path / "d.jsonl").write_text("".join(json.dumps(r) + "\n" for r in ROWS))
    (tmp_path / "d.json").write_text(json.dumps(ROWS))
    a, b = load_dataset(tmp_path / "d.jsonl"), load_dataset(tmp_path / "d.json")
    assert a == b
    assert a[1]["FAIL_TO_PASS"] == ["t1"]
    assert a[1]["PASS_TO_PASS"] == []


def test_parquet_dataset(tmp_path):
    pq = pytest.importorskip("pyarrow.parquet")
    import pyarrow as pa

    pq.write_table(pa.Table.from_pylist(ROWS), tmp_path / "d.parquet")
    assert load_dataset(tmp_path / "d.parquet")[4]["FAIL_TO_PASS"] == ["t4"]


def test_a_hub_name_offline_says_what_to_do_instead(monkeypatch):
    import builtins

    real_import = builtins.__import__

    def no_datasets(name, *args, **kwargs):
        if name == "datasets":
            raise ImportError(name)
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", no_datasets)
    with pytest.raises(InputError) as err:
        load_dataset("princeton-nlp/SWE-bench_Lite")
    assert ".jsonl" in err.value.hint


def test_select_filters_shuffles_and_slices():
    ids = [r["instance_id"] for r in select(ROWS, pattern=r"-[1-3]$", slice_="0:2")]
    assert ids == ["o__r-1", "o__r-2"]
    shuffled = [r["instance_id"] for r in select(ROWS, shuffle=True, seed=3)]
    assert sorted(shuffled) == sorted(r["instance_id"] for r in ROWS)
    assert shuffled == [
        r["instance_id"] for r in select(ROWS, shuffle=True, seed=3)]
    with pytest.raises(InputError):
        select(ROWS, ids=["nope"])


def test_predictions_from_gold_jsonl_json_list_and_preds_dict(tmp_path):
    preds = [{"instance_id": "o__r-1", "model_name_or_path": "m/x", "model_patch": "d"}]
    (tmp_path / "p.jsonl").write_text(json.dumps(preds[0]) + "\n")
    (tmp_path / "l.json").write_text(json.dumps(preds))
    (tmp_path / "preds.json").write_text(json.dumps({"o__r-1": {"model_name_or_path": "m/x", "model_patch": "d"}}))
    for name in ("p.jsonl", "l.json", "preds.json"):
        assert load_predictions(str(tmp_path / name), ROWS) == {"o__r-1": preds[0]}
    assert load_predictions("gold", ROWS)["o__r-2"]["model_patch"] == "p2"
    (tmp_path / "bad.jsonl").write_text('{"instance_id": "x"}\n')
    with pytest.raises(InputError, match="lacks"):
        load_predictions(str(tmp_path / "bad.jsonl"), ROWS)
    assert model_dir("org/model") == "org__model"
