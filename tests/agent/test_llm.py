"""LLMClient against the scripted OpenAI-compatible server (real HTTP on loopback)."""

from __future__ import annotations

import pytest

from agent.core.errors import (
    AuthenticationFailed,
    ContextOverflow,
    DeadlineExceeded,
    EndpointUnreachable,
    LLMError,
    MalformedResponse,
)
from agent.llm import LLMClient
from agent.llm_config import LLMConfig
from agent.testing import Reply, ScriptedServer


def client(server: ScriptedServer, **cfg) -> LLMClient:
    cfg.setdefault("backoff_s", 0.01)
    return LLMClient(LLMConfig(model="scripted", **cfg), base_url=server.base_url)


MSG = [{"role": "user", "content": "fix the bug"}]


def test_single_completion_and_usage():
    with ScriptedServer([Reply(["def f():\n    return 1\n"])]) as server:
        llm = client(server)
        assert llm.complete(MSG) == ["def f():\n    return 1\n"]
    assert llm.usage.calls == 1
    assert llm.usage.completion_tokens == 4  # words, as the scripted server counts
    assert llm.usage.prompt_tokens == 3
    assert server.requests[0]["messages"] == MSG


def test_n_is_emulated_with_seeded_requests_when_server_returns_one_choice():
    counter = iter(range(100))
    with ScriptedServer(lambda body: Reply([f"answer {next(counter)}"])) as server:
        llm = client(server)
        answers = llm.complete(MSG, n=5, temperature=0.8)
    assert len(answers) == 5
    assert len(set(answers)) == 5
    seeds = [r["seed"] for r in server.requests]
    assert len(set(seeds)) == len(seeds) == 5
    assert all(r["temperature"] == 0.8 for r in server.requests)


def test_native_n_is_used_when_the_server_honours_it():
    with ScriptedServer([Reply(["a", "b", "c"], honour_n=True)]) as server:
        answers = client(server).complete(MSG, n=3, temperature=1.0)
    assert answers == ["a", "b", "c"]
    assert len(server.requests) == 1
    assert server.requests[0]["n"] == 3


def test_native_n_false_never_sends_n_above_one():
    with ScriptedServer([Reply(["x"], honour_n=True)]) as server:
        client(server, native_n=False).complete(MSG, n=3, temperature=1.0)
    assert [r["n"] for r in server.requests] == [1, 1, 1]


def test_sample_sweeps_temperatures_with_one_greedy_answer():
    with ScriptedServer(lambda body: Reply([f"t={body['temperature']}"])) as server:
        out = client(server).sample(MSG, n=2, temperatures=[0.0, 0.8])
    assert sorted(c.temperature for c in out) == [0.0, 0.8, 0.8]
    assert all(c.text == f"t={c.temperature}" for c in out)


@pytest.mark.parametrize("status", [429, 500, 503])
def test_retries_transient_errors(status):
    with ScriptedServer([Reply(status=status), Reply(status=status), Reply(["ok"])]) as server:
        llm = client(server)
        assert llm.complete(MSG) == ["ok"]
    assert len(server.requests) == 3
    assert llm.usage.retries == 2


def test_gives_up_after_max_retries():
    with ScriptedServer([Reply(status=500, error="boom")]) as server, pytest.raises(LLMError, match="500"):
        client(server, max_retries=2).complete(MSG)
    assert len(server.requests) == 3


def test_bad_key_is_a_clear_error_without_retries():
    with ScriptedServer([Reply(status=401, error="bad key")]) as server, pytest.raises(AuthenticationFailed):
        client(server).complete(MSG)
    assert len(server.requests) == 1


def test_context_overflow_is_recognised():
    overflow = Reply(status=400, error="This model's maximum context length is 4096 tokens")
    with ScriptedServer([overflow]) as server, pytest.raises(ContextOverflow):
        client(server).complete(MSG)


@pytest.mark.parametrize(
    "body",
    ['{"id": "x", "choices": []}', '{"choices": [{"index": 0, "message": {"role": "assistant"}}]}'],
)
def test_malformed_response(body):
    with ScriptedServer([Reply(raw_body=body)]) as server, pytest.raises(MalformedResponse):
        client(server, max_retries=0).complete(MSG)


def test_unreachable_endpoint():
    cfg = LLMConfig(model="m", max_retries=1, backoff_s=0.01, timeout_s=2)
    with pytest.raises(EndpointUnreachable, match="cannot reach"):
        LLMClient(cfg, base_url="http://127.0.0.1:9/v1").complete(MSG)


def test_deadline_stops_slow_calls():
    with ScriptedServer([Reply(["slow"], delay_s=2.0)]) as server, pytest.raises(DeadlineExceeded):
        client(server, deadline_s=0.3).complete(MSG)


def test_concurrency_limit_is_respected():
    import threading
    import time

    live, peak, lock = [0], [0], threading.Lock()

    def responder(body):
        with lock:
            live[0] += 1
            peak[0] = max(peak[0], live[0])
        time.sleep(0.1)
        with lock:
            live[0] -= 1
        return Reply(["x"])

    with ScriptedServer(responder) as server:
        client(server, concurrency=2).complete(MSG, n=6, temperature=1.0)
    assert peak[0] == 2


def test_configured_prices_give_cost():
    with ScriptedServer([Reply(["one two three four"])]) as server:
        llm = client(server, input_cost_per_mtok=1_000_000.0, output_cost_per_mtok=2_000_000.0)
        llm.complete(MSG)
    # 3 prompt words at $1/token + 4 completion words at $2/token, per the scripted usage
    assert llm.usage.cost_usd == pytest.approx(3 * 1.0 + 4 * 2.0)
