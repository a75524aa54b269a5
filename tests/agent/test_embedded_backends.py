"""The embedded model's server programs: llama.cpp's llama-server (batched) and llama_cpp.server."""

from __future__ import annotations

import re
import time

import httpx
import pytest

from agent.core.errors import CapuchinError
from agent.embedded import EmbeddedServer
from agent.embedded_backends import LlamaServer, choose_backend, llama_server_binary
from agent.llm import LLMClient
from agent.llm_config import EmbeddedConfig, LLMConfig


def test_auto_falls_back_to_llama_cpp_python_without_the_binary(tmp_path):
    config = EmbeddedConfig(llama_server=str(tmp_path / "missing" / "llama-server"))
    assert choose_backend(config).name == "llama-cpp-python"
    with pytest.raises(CapuchinError, match="llama-server not found"):
        choose_backend(config.model_copy(update={"backend": "llama-server"})).require()


def test_llama_server_command_batches_and_keeps_prompts(tmp_path):
    binary = tmp_path / "llama-server"
    binary.write_text("#!/bin/sh\n")
    binary.chmod(0o755)
    backend = choose_backend(EmbeddedConfig(llama_server=str(binary), parallel=6, port=8799))
    assert isinstance(backend, LlamaServer)
    cmd = backend.command(tmp_path / "m.gguf", "alias")
    assert cmd[0] == str(binary)
    assert cmd[cmd.index("--parallel") + 1] == "6"
    assert "--kv-unified" in cmd
    assert "--no-cache-idle-slots" in cmd
    assert cmd[cmd.index("--port") + 1] == "8799"
    assert backend.client_options() == {"native_n": True, "max_n": 6, "concurrency": 6, "warm_prefix": True}
    assert cmd[cmd.index("--spec-type") + 1] == "ngram-map-k"
    plain = choose_backend(EmbeddedConfig(llama_server=str(binary), speculative="none"))
    assert "--spec-type" not in plain.command(tmp_path / "m.gguf", "alias")


def _evaluated(server: EmbeddedServer) -> int:
    text = httpx.get(server.base_url.removesuffix("/v1") + "/metrics", timeout=10).text
    return int(float(re.search(r"^llamacpp:prompt_tokens_total (\S+)", text, re.M).group(1)))


@pytest.fixture(scope="module")
def llama_server():
    if llama_server_binary(EmbeddedConfig()) is None:
        pytest.skip("llama-server is not built (scripts/build-llama-server.sh)")
    with EmbeddedServer(EmbeddedConfig(backend="llama-server", port=8783, parallel=4)) as srv:
        yield srv


def _client(server: EmbeddedServer) -> LLMClient:
    return LLMClient(LLMConfig(model=server.model, max_tokens=12, **server.backend.client_options()),
                     base_url=server.base_url)


def _drafts_accepted(server: EmbeddedServer, wait_s: float = 30.0) -> list[int]:
    """Accepted draft counts from the server's log. The server writes a request's timings as it releases
    the slot, which can come after the reply has been read (seen in CI under load: the line was there
    a moment later), so the log is read again until a line is there or ``wait_s`` has passed."""
    deadline = time.monotonic() + wait_s
    while True:
        log = server.log_path.read_text()
        accepted = [int(n) for n in re.findall(r"draft acceptance = \S+ \(\s*(\d+) accepted", log)]
        if accepted or time.monotonic() > deadline:
            return accepted
        time.sleep(0.5)


LONG = "Here is some code:\n" + "".join(f"def f{i}(x):\n    return x + {i}\n" for i in range(60))


@pytest.mark.embedded
@pytest.mark.slow
def test_llama_server_gives_n_distinct_samples_from_one_prompt_evaluation(llama_server):
    llm = _client(llama_server)
    before = _evaluated(llama_server)
    answers = llm.complete([{"role": "user", "content": LONG + "Write a haiku about f3."}], n=4, temperature=1.0)
    evaluated = _evaluated(llama_server) - before
    assert len(answers) == 4
    assert len(set(answers)) > 1
    assert llm.usage.calls == 1
    assert evaluated < 1.5 * llm.usage.prompt_tokens / max(1, llm.usage.calls)  # once, not once per sample
    # usage counts every choice's tokens, not the first one's (our patch; re-tokenising may differ by one)
    written = sum(_tokens(llama_server, a) for a in answers)
    assert abs(llm.usage.completion_tokens - written) <= len(answers), (llm.usage.completion_tokens, written)


def _tokens(server: EmbeddedServer, text: str) -> int:
    url = server.base_url.removesuffix("/v1") + "/tokenize"
    return len(httpx.post(url, json={"content": text}, timeout=30).json()["tokens"])


@pytest.mark.embedded
@pytest.mark.slow
def test_llama_server_evaluates_a_shared_prefix_once_for_a_call(llama_server):
    llm = _client(llama_server)
    prompts = [[{"role": "user", "content": LONG + f"Explain f{i} in one line."}] for i in (1, 2)]
    before = _evaluated(llama_server)
    out = llm.complete_many([(p, t) for p in prompts for t in (0.0, 0.8)])
    evaluated = _evaluated(llama_server) - before
    assert len(out) == 4
    prompt_tokens = llm.calls[-1].usage.prompt_tokens
    # The warming request evaluates the prefix; the 4 requests evaluate only their last lines.
    assert evaluated < 1.6 * prompt_tokens, (evaluated, prompt_tokens)


@pytest.mark.embedded
@pytest.mark.slow
def test_prompt_lookup_drafts_copies_and_keeps_the_sampled_answer(llama_server, tmp_path):
    """Speculative decoding from the prompt (on by default) accepts drafts when the answer copies the
    prompt, and changes nothing in what is sampled: the same seed gives the same text without it."""
    messages = [{"role": "user", "content": LONG + "Repeat the functions f10 to f20 above exactly, in a code block."}]
    body = {"model": llama_server.model, "messages": messages, "temperature": 0.8, "seed": 7, "max_tokens": 120}

    def ask(server: EmbeddedServer) -> str:
        reply = httpx.post(server.base_url + "/chat/completions", json=body, timeout=300).json()
        return reply["choices"][0]["message"]["content"]

    with_drafts = ask(llama_server)
    assert max(_drafts_accepted(llama_server), default=0) > 0
    plain_config = EmbeddedConfig(backend="llama-server", port=8784, parallel=1, speculative="none")
    with EmbeddedServer(plain_config, log_path=tmp_path / "plain.log") as plain:
        assert ask(plain) == with_drafts
