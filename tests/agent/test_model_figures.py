"""Measured figures per embedded model, as `capuchin models list` shows them."""

from __future__ import annotations

import json

from agent.cli import main
from agent.llm_config import EmbeddedConfig
from agent.model_figures import figures, fixes_per_minute


def _write(path, data):
    path.write_text(json.dumps(data))


def test_figures_prefer_the_batched_coverage_run_and_compute_fixes_per_minute(tmp_path):
    _write(tmp_path / "llm-throughput.json", {"model": "m", "summary": {
        "server-n@8": {"samples_per_s": 2.5}, "baseline-seq@8": {"samples_per_s": 1.0}}})
    bug = {"seconds": 120.0, "chosen_correct": True}
    _write(tmp_path / "coverage-old.json", {"model": "embedded m", "per_bug": {"a": bug, "b": bug, "c": bug},
                                            "summary": {"pass@1": 0.1}})
    _write(tmp_path / "coverage-new.json", {"model": "embedded m", "backend": "llama-server", "summary": {"pass@1": 0.3},
                                            "per_bug": {"a": bug, "b": {"seconds": 60.0, "chosen_correct": False}}})
    _write(tmp_path / "coverage-other.json", {"model": "embedded other", "per_bug": {"a": bug}})
    f = figures("m", tmp_path)
    assert (f.samples_per_s, f.baseline_samples_per_s) == (2.5, 1.0)
    assert (f.pass_at_1, f.bugs) == (0.3, 2)
    assert f.fixes_per_minute == 60.0 * 1 / 180.0


def test_figures_come_from_the_bugs_both_models_finished_where_they_were_compared(tmp_path):
    bug = {"seconds": 120.0, "chosen_correct": True, "pass@1": 1.0}
    _write(tmp_path / "coverage-batched-m.json", {"model": "embedded m", "backend": "llama-server",
                                                  "summary": {"pass@1": 0.9}, "per_bug": {"a": bug, "b": bug, "c": bug}})
    _write(tmp_path / "coverage-batched.json", {"paired": 2, "bugs": ["a", "b"], "models": {
        "m": {"pass@1": 0.5, "fixes_per_minute": 0.25}, "other": {"pass@1": 0.1, "fixes_per_minute": 0.1}}})
    f = figures("m", tmp_path)
    assert (f.bugs, f.pass_at_1, f.fixes_per_minute) == (2, 0.5, 0.25)
    assert figures("unpaired", tmp_path).bugs == 0


def test_no_figures_without_results(tmp_path):
    f = figures("m", tmp_path)
    assert f.samples_per_s is None
    assert f.pass_at_1 is None
    assert f.fixes_per_minute is None
    assert fixes_per_minute({}) is None


def test_models_list_shows_every_model_and_the_default(capsys):
    assert main(["models", "list"]) == 0
    out = capsys.readouterr().out
    assert "qwen2.5-coder-1.5b-instruct" in out
    assert "qwen2.5-coder-0.5b-instruct" in out
    assert f"{EmbeddedConfig().model} *" in out
    assert "fixes per minute" in out
