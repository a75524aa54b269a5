"""The CLI as a user meets it: help, config show, errors without tracebacks."""

from __future__ import annotations

import json

from agent.cli import main


def test_help_lists_commands(capsys):
    assert main(["--help"]) == 0
    out = capsys.readouterr().out
    for command in ("config", "llm", "models", "serve-model"):
        assert command in out


def test_config_show_json_reports_sources(tmp_path, capsys, monkeypatch):
    (tmp_path / "capuchin.toml").write_text('[llm]\nbase_url = "http://x:1/v1"\n')
    monkeypatch.setenv("CAPUCHIN_LLM__MODEL", "m")
    assert main(["config", "show", "--repo", str(tmp_path), "--json"]) == 0
    rows = {r["key"]: r for r in json.loads(capsys.readouterr().out)}
    assert rows["llm.base_url"]["source"].endswith("capuchin.toml")
    assert rows["llm.model"] == {"key": "llm.model", "value": "m", "source": "env CAPUCHIN_LLM__MODEL"}


def test_bad_config_is_a_message_and_exit_2(tmp_path, capsys):
    (tmp_path / "capuchin.toml").write_text("[llm]\nconcurrency = -1\n")
    assert main(["config", "show", "--repo", str(tmp_path)]) == 2
    err = capsys.readouterr().err
    assert "llm.concurrency" in err
    assert "Traceback" not in err


def test_serve_model_dry_run_prints_vllm_command(capsys, monkeypatch):
    monkeypatch.setenv("CUDA_VISIBLE_DEVICES", "0,1")
    assert main(["serve-model", "--dry-run", "--model", "deepseek-ai/DeepSeek-Coder-V2-Lite-Instruct"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("vllm serve deepseek-ai/DeepSeek-Coder-V2-Lite-Instruct ")
    assert "--enable-prefix-caching" in out
    assert "--tensor-parallel-size 2" in out
    assert "--trust-remote-code" in out


def test_serve_model_without_vllm_explains_how_to_install(capsys):
    assert main(["serve-model"]) == 2
    assert "capuchin-agent[gpu]" in capsys.readouterr().err.replace("\n", "")


def test_ping_unreachable_endpoint_is_clear(capsys, monkeypatch):
    monkeypatch.setenv("CAPUCHIN_LLM__MAX_RETRIES", "0")
    assert main(["llm", "ping", "--base-url", "http://127.0.0.1:9/v1"]) == 2
    err = capsys.readouterr().err
    assert "cannot reach the model endpoint" in err


def test_ping_scripted_server(capsys):
    from agent.testing import Reply, ScriptedServer

    with ScriptedServer([Reply(["pong"])]) as server:
        assert main(["llm", "ping", "--base-url", server.base_url, "--model", "scripted"]) == 0
    out = capsys.readouterr().out
    assert "pong" in out
    assert "latency" in out


def test_unknown_model_name(capsys):
    assert main(["models", "pull", "no-such-model"]) == 2
    assert "unknown embedded model" in capsys.readouterr().err


def test_models_pull_without_a_name_pulls_the_configured_default(capsys, monkeypatch):
    # setup.sh runs a bare `capuchin models pull`: it must follow embedded.model, whatever that is
    monkeypatch.setenv("CAPUCHIN_EMBEDDED__MODEL", "no-such-default")
    assert main(["models", "pull"]) == 2
    assert "no-such-default" in capsys.readouterr().err


def _leaf_commands(group, prefix=()):
    import typer

    command = typer.main.get_command(group) if not hasattr(group, "commands") else group
    for name, sub in getattr(command, "commands", {}).items():
        if hasattr(sub, "commands"):
            yield from _leaf_commands(sub, (*prefix, name))
        else:
            yield (*prefix, name)


def test_every_command_answers_a_bad_option_with_usage_and_exit_2(capsys):
    """Regression: `capuchin foo` printed a traceback and exited 1 (typer vendors click, so the
    usage error escaped the handler for click's own classes)."""
    from agent.cli import _register_all, app

    _register_all()
    commands = list(_leaf_commands(app))
    assert len(commands) > 10
    assert main(["no-such-command"]) == 2
    for command in commands:
        assert main([*command, "--no-such-option"]) == 2, command
    err = capsys.readouterr().err
    assert "Traceback" not in err
    assert "No such option: --no-such-option" in err
    assert "No such command 'no-such-command'" in err


def test_a_bad_value_and_a_missing_argument_are_usage_errors(capsys):
    assert main(["solve", ".", "--issue", "x", "--samples", "many"]) == 2
    assert main(["solve"]) == 2
    assert "Traceback" not in capsys.readouterr().err
