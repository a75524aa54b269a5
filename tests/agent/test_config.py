"""Layered configuration: defaults < user file < repo file < environment < CLI, with provenance."""

from __future__ import annotations

import pytest

from agent.core.config import load_settings
from agent.core.errors import ConfigError


def write(path, text):
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    return path


def test_defaults_have_default_source(tmp_path):
    s = load_settings(tmp_path, environ={}, user_file=tmp_path / "none.toml")
    assert s.llm.model == "embedded"
    assert s.sources.get("llm.model", "default") == "default"
    assert s.solve.temperatures == [0.0, 0.4, 0.8, 1.0]


def test_precedence_and_sources(tmp_path):
    user = write(tmp_path / "user.toml", '[llm]\nmodel = "u"\nconcurrency = 2\nmax_tokens = 100\n')
    write(tmp_path / "capuchin.toml", '[llm]\nmodel = "r"\nconcurrency = 3\n')
    env = {"CAPUCHIN_LLM__CONCURRENCY": "5", "CAPUCHIN_SOLVE_SAMPLES": "7"}
    s = load_settings(tmp_path, {"llm": {"model": "cli"}}, environ=env, user_file=user)
    assert (s.llm.model, s.llm.concurrency, s.llm.max_tokens, s.solve.samples) == ("cli", 5, 100, 7)
    assert s.sources["llm.model"] == "cli"
    assert s.sources["llm.concurrency"] == "env CAPUCHIN_LLM__CONCURRENCY"
    assert s.sources["solve.samples"] == "env CAPUCHIN_SOLVE_SAMPLES"
    assert s.sources["llm.max_tokens"] == str(user)


def test_env_values_parse_as_toml(tmp_path):
    s = load_settings(tmp_path, environ={"CAPUCHIN_SOLVE__TEMPERATURES": "[0.2, 0.9]"}, user_file=tmp_path / "x")
    assert s.solve.temperatures == [0.2, 0.9]


def test_cli_none_values_do_not_override(tmp_path):
    write(tmp_path / "capuchin.toml", '[llm]\nmodel = "r"\n')
    from agent.core.config import settings_for

    assert settings_for(tmp_path, llm={"model": None}).llm.model == "r"


@pytest.mark.parametrize(
    ("text", "match"),
    [
        ("[llm\nmodel=1", "cannot parse"),
        ('[nosuch]\nx = 1\n', "unknown config section"),
        ('[llm]\nnosuch = 1\n', "llm.nosuch"),
        ('[llm]\nconcurrency = 0\n', "llm.concurrency"),
    ],
)
def test_bad_files_give_clear_errors(tmp_path, text, match):
    write(tmp_path / "capuchin.toml", text)
    with pytest.raises(ConfigError, match=match):
        load_settings(tmp_path, environ={}, user_file=tmp_path / "none.toml")


def test_api_key_is_masked_in_rows(tmp_path):
    s = load_settings(tmp_path, {"llm": {"api_key": "sk-secret"}}, environ={}, user_file=tmp_path / "x")
    assert ("llm.api_key", "***", "cli") in s.rows()
