"""How the client talks to the embedded server (no server needed)."""

from __future__ import annotations

from agent.embedded import EMBEDDED_TIMEOUT_S, embedded_client_config
from agent.llm_config import LLMConfig


def test_a_slow_local_server_is_waited_for_not_asked_again():
    # #19: batched samples on a loaded 2-core machine ran past 900 s; each timeout discarded the work
    config = embedded_client_config(LLMConfig(timeout_s=300.0), "m", {"native_n": True, "max_n": 8})
    assert config.timeout_s == EMBEDDED_TIMEOUT_S >= 3600
    assert (config.model, config.native_n, config.max_n) == ("m", True, 8)
    assert embedded_client_config(LLMConfig(timeout_s=7200.0), "m", {}).timeout_s == 7200.0
