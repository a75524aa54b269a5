"""`capuchin bot demo` wiring, with a stand-in solve (the real one is covered end to end elsewhere)."""

from __future__ import annotations

import pytest

from bot.demo import run_demo


@pytest.mark.filterwarnings("ignore:local sandbox")
def test_the_demo_ends_with_a_draft_pr_that_passes_the_hidden_tests(tmp_path, monkeypatch, capsys, solve_ok):
    monkeypatch.setenv("CAPUCHIN_SANDBOX__BACKEND", "local")
    pull = run_demo(None, where=tmp_path / "demo", solve_fn=solve_ok)
    assert pull is not None
    assert pull["draft"]
    err = capsys.readouterr().err
    assert "HTTP 202 queued" in err
    assert f"draft pull request #{pull['number']}" in err
    assert "+    if len(values) % 2 == 0:" in err
    assert "all tests pass" in err
