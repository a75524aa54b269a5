"""`capuchin bot demo`, which is also the bot end to end: a signed delivery over HTTP to the real
receiver, the queue on disk, a worker running the real ``solve`` with a scripted model (over the
OpenAI protocol), the stand-in's git remote, and the bug's hidden tests on the PR's branch."""

from __future__ import annotations

import pytest

from agent.testing import DEMO_FIX, ScriptedServer, demo_script
from bot.demo import run_demo


@pytest.mark.slow
@pytest.mark.filterwarnings("ignore:local sandbox")
def test_the_demo_ends_with_a_draft_pr_that_passes_the_hidden_tests(tmp_path, monkeypatch, capsys):
    with ScriptedServer(demo_script((DEMO_FIX,))) as model:
        for name, value in {"CAPUCHIN_LLM__BASE_URL": model.base_url, "CAPUCHIN_LLM__MODEL": "scripted",
                            "CAPUCHIN_SOLVE__SAMPLES": "1", "CAPUCHIN_SOLVE__TEMPERATURES": "[0.0]",
                            "CAPUCHIN_SOLVE__REPRO_SAMPLES": "1", "CAPUCHIN_SANDBOX__BACKEND": "local",
                            "CAPUCHIN_RETRIEVAL__DENSE": "false"}.items():
            monkeypatch.setenv(name, value)
        result = run_demo(None, where=tmp_path / "demo")
    assert result.pull is not None, result.last_comment
    assert result.pull["draft"]
    assert (result.pull["head"]["ref"], result.pull["base"]["ref"]) == ("capuchin/issue-1", "main")
    assert "Fixes #1" in result.pull["body"]
    assert "1/1 model-written reproduction tests" in result.pull["body"]
    assert "model `scripted`" in result.pull["body"]
    assert result.hidden_tests_passed
    err = capsys.readouterr().err
    assert "HTTP 202 queued" in err
    assert "+    if len(values) % 2 == 0:" in err


def test_a_demo_without_a_patch_shows_the_bots_comment(tmp_path, monkeypatch, capsys):
    from agent.core.errors import NoVerifiedCandidate

    def solve_none(repo, issue, settings, bus, cancel):
        raise NoVerifiedCandidate("every candidate broke the regression tests")

    result = run_demo(None, where=tmp_path / "demo", solve_fn=solve_none)
    assert result.pull is None
    assert "no verified patch" in result.last_comment
    assert "every candidate broke the regression tests" in " ".join(capsys.readouterr().err.split())
