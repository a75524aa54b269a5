"""`capuchin swebench ...` on the command line: help renders, bad input is a message, empty patches never run."""

from __future__ import annotations

import json

import pytest

from agent.cli import main

ROW = {"instance_id": "o__r-1", "repo": "o/r", "base_commit": "c", "patch": "p", "test_patch": "t",
       "problem_statement": "x"}


@pytest.mark.parametrize("command", ["run", "eval", "coverage"])
def test_help_renders(command, capsys):
    assert main(["swebench", command, "--help"]) == 0
    assert "--dataset" in capsys.readouterr().out


def test_an_unreachable_hub_dataset_is_a_message_not_a_traceback(capsys, monkeypatch):
    import swebatch.data as data

    monkeypatch.setattr(data, "_from_hub", lambda name, split: (_ for _ in ()).throw(
        data.InputError(f"cannot load {name}", hint=data.OFFLINE_HINT)))
    assert main(["swebench", "eval", "gold", "--dataset", "princeton-nlp/SWE-bench_Lite", "--run-id", "r"]) == 2
    assert "swebench-dev.jsonl" in capsys.readouterr().err


def test_empty_patches_are_reported_without_running_anything(tmp_path, capsys):
    (tmp_path / "d.jsonl").write_text(json.dumps(ROW) + "\n")
    (tmp_path / "p.jsonl").write_text(json.dumps({"instance_id": "o__r-1", "model_name_or_path": "m",
                                                  "model_patch": ""}) + "\n")
    code = main(["swebench", "eval", str(tmp_path / "p.jsonl"), "--dataset", str(tmp_path / "d.jsonl"),
                 "--run-id", "r", "--log-dir", str(tmp_path / "logs"), "--report-dir", str(tmp_path)])
    assert code == 0
    report = json.loads((tmp_path / "m.r.json").read_text())
    assert report["empty_patch_ids"] == ["o__r-1"]
    assert report["resolved_instances"] == 0
    (tmp_path / "p.jsonl").write_text(json.dumps({"instance_id": "elsewhere-1", "model_name_or_path": "m",
                                                  "model_patch": "x"}) + "\n")
    assert main(["swebench", "eval", str(tmp_path / "p.jsonl"), "--dataset", str(tmp_path / "d.jsonl"),
                 "--run-id", "r"]) == 2
    assert "not in" in capsys.readouterr().err


def test_no_top_level_package_of_ours_is_named_like_the_official_swebench():
    """A user with both installed must get the official ``swebench`` package, not ours shadowing it."""
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    assert not (root / "swebench").exists(), "rename the package: it shadows the official `swebench`"
    import tomllib

    include = tomllib.loads((root / "pyproject.toml").read_text())["tool"]["setuptools"]["packages"]["find"]
    assert not any(name.startswith("swebench") for name in include["include"])
