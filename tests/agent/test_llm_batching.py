"""n, seeds, grouping and prefix warming in LLMClient, against the scripted HTTP server."""

from __future__ import annotations

from agent.llm import LLMClient
from agent.llm_batching import group_requests, shared_prefix, split_n
from agent.llm_config import LLMConfig
from agent.testing import Reply, ScriptedServer

CONTEXT = "Issue: median is wrong for even lengths.\n\n" + "def median(xs):\n    ...\n" * 60


def prompt(focus: str) -> list[dict[str, str]]:
    return [{"role": "system", "content": "You fix bugs."}, {"role": "user", "content": CONTEXT + focus}]


def client(server: ScriptedServer, **cfg) -> LLMClient:
    return LLMClient(LLMConfig(model="scripted", backoff_s=0.01, **cfg), base_url=server.base_url)


def echo(body: dict) -> Reply:
    """Each choice says which prompt, temperature, seed and choice index produced it."""
    focus = body["messages"][-1]["content"][len(CONTEXT):]
    n = int(body.get("n") or 1)
    return Reply([f"{focus}@{body['temperature']}#{body['seed'] + j}" for j in range(n)], honour_n=True)


def test_split_n_chunks():
    assert split_n(16, 8) == [(0, 8), (8, 8)]
    assert split_n(10, 4) == [(0, 4), (4, 4), (8, 2)]
    assert split_n(3, None) == [(0, 3)]


def test_group_requests_by_prompt_then_temperature():
    a, b = prompt("a"), prompt("b")
    groups = group_requests([(a, 0.0), (b, 0.0), (a, 0.8), (b, 0.8), (a, 0.8)])
    assert [(g.messages[-1]["content"][-1], g.temperature, g.indices) for g in groups] == [
        ("a", 0.0, [0]), ("a", 0.8, [2, 4]), ("b", 0.0, [1]), ("b", 0.8, [3])]


def test_shared_prefix_cuts_the_first_differing_message():
    prefix = shared_prefix([prompt("a"), prompt("b")])
    assert prefix == [{"role": "system", "content": "You fix bugs."}, {"role": "user", "content": CONTEXT}]
    assert shared_prefix([[{"role": "user", "content": "x"}], [{"role": "user", "content": "y"}]]) is None


def test_complete_many_sends_one_request_per_prompt_and_temperature_and_keeps_order():
    requests = [(prompt("a"), 0.0), (prompt("b"), 0.8), (prompt("a"), 0.8), (prompt("a"), 0.8)]
    with ScriptedServer(echo) as server:
        out = client(server, native_n=True, concurrency=1).complete_many(requests)  # one at a time: order shows
    assert [(r["messages"][-1]["content"][-1], r["temperature"], r["n"]) for r in server.requests] == [
        ("a", 0.0, 1), ("a", 0.8, 2), ("b", 0.8, 1)]
    assert [c.text.split("#")[0] for c in out] == ["a@0.0", "b@0.8", "a@0.8", "a@0.8"]
    assert out[2].text != out[3].text  # the two samples of one request differ (seed + choice index)


def test_on_answer_hears_each_answer_once_as_its_request_returns():
    requests = [(prompt("a"), 0.0), (prompt("b"), 0.8), (prompt("a"), 0.8), (prompt("a"), 0.8)]
    heard: list[tuple[int, str, int]] = []
    with ScriptedServer(echo) as server:
        out = client(server, native_n=True, concurrency=1).complete_many(
            requests, on_answer=lambda i, c: heard.append((i, c.text, len(server.requests))))
    assert sorted(i for i, _, _ in heard) == [0, 1, 2, 3]
    assert {i: text for i, text, _ in heard} == {i: c.text for i, c in enumerate(out)}
    # one request at a time: the first group's answer is heard before the last request is sent
    assert heard[0][2] < len(server.requests)


def test_n_above_max_n_is_split_with_distinct_seeds():
    with ScriptedServer(echo) as server:
        answers = client(server, native_n=True, max_n=4).complete(prompt("a"), n=10, temperature=0.8)
    assert sorted(r["n"] for r in server.requests) == [2, 4, 4]
    assert len(answers) == 10
    assert len(set(answers)) == 10


def test_choices_missing_from_a_server_that_ignores_n_get_fresh_seeds():
    """The make-up requests must not reuse the seeds that a batching server gives choices 1..n-1."""
    with ScriptedServer(lambda body: Reply([f"s{body['seed']}"])) as server:
        answers = client(server).complete(prompt("a"), n=4, temperature=0.8)
    seeds = [r["seed"] for r in server.requests]
    first = seeds[0]
    assert sorted(seeds[1:]) == [first + 4, first + 5, first + 6]
    assert len(set(answers)) == 4


def test_warm_prefix_evaluates_the_shared_prefix_once_before_fanning_out():
    requests = [(prompt(f), t) for f in "ab" for t in (0.0, 0.8)]
    with ScriptedServer(echo) as server:
        llm = client(server, native_n=True, warm_prefix=True, concurrency=8, max_n=8)
        out = llm.complete_many(requests)
    warm, *rest = server.requests
    assert warm["max_tokens"] == 1
    assert warm["n"] == 4
    assert warm["messages"][-1]["content"] == CONTEXT
    assert len(rest) == 4
    assert all(r["max_tokens"] != 1 for r in rest)
    assert len(out) == 4


def test_no_warming_for_a_single_request_or_without_the_option():
    with ScriptedServer(echo) as server:
        client(server, native_n=True, warm_prefix=True, concurrency=8, max_n=8).complete(prompt("a"), n=8)
        client(server, native_n=True, concurrency=8).complete_many([(prompt("a"), 0.0), (prompt("b"), 0.0)])
    assert all(r["max_tokens"] != 1 for r in server.requests)
    assert len(server.requests) == 3


def test_cached_prompt_tokens_are_counted_when_the_server_reports_them():
    body = ('{"id": "x", "object": "chat.completion", "created": 0, "model": "m", "choices": [{"index": 0, '
            '"message": {"role": "assistant", "content": "ok"}, "finish_reason": "stop"}], "usage": '
            '{"prompt_tokens": 100, "completion_tokens": 1, "total_tokens": 101, '
            '"prompt_tokens_details": {"cached_tokens": 96}}}')
    with ScriptedServer([Reply(raw_body=body)]) as server:
        llm = client(server)
        llm.complete(prompt("a"))
    assert llm.usage.prompt_tokens == 100
    assert llm.usage.cached_prompt_tokens == 96
