"""Configuration of the model layer: an OpenAI-compatible endpoint, the embedded CPU model, vLLM."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from agent.core.config import Section


class LLMConfig(Section):
    """How Capuchin talks to a code model (any OpenAI-compatible endpoint)."""

    model: str = "embedded"
    """Model name sent to the endpoint; 'embedded' starts the local CPU model when no base_url is set."""
    base_url: str | None = None
    """OpenAI-compatible base URL, e.g. http://gpu-box:8000/v1 for vLLM. None: the embedded model."""
    api_key: str | None = Field(default=None, repr=False)
    """API key; also read from OPENAI_API_KEY when unset."""
    backend: Literal["openai", "litellm"] = "openai"
    """Client library: 'openai' for any OpenAI-compatible server, 'litellm' for provider/model names."""
    concurrency: int = Field(default=4, ge=1)
    """Requests in flight at once."""
    max_retries: int = Field(default=4, ge=0)
    """Retries on 429, 5xx, timeouts and dropped connections, with exponential backoff."""
    backoff_s: float = Field(default=1.0, ge=0)
    """First backoff delay; doubles each retry (with jitter)."""
    timeout_s: float = Field(default=300.0, gt=0)
    """Timeout of one request."""
    deadline_s: float | None = Field(default=None, gt=0)
    """Wall-clock budget for all model calls in one run; None for no limit."""
    max_tokens: int = Field(default=1024, ge=1)
    """Default completion length."""
    native_n: bool | None = None
    """Whether the server honours 'n'. None: ask for n and make up missing choices with seeded requests."""
    max_n: int | None = Field(default=None, ge=1)
    """Most choices one request may ask for (llama-server: its slot count); a larger n is split. None: no limit."""
    warm_prefix: bool = False
    """Before sending a call's requests at once, evaluate the prompt prefix they share with one 1-token
    request (n = concurrency), so each server slot holds it: llama-server slots that start together
    would each evaluate the whole prompt again. vLLM shares in-flight prefixes by itself."""
    input_cost_per_mtok: float | None = None
    """Price per million prompt tokens; None: litellm's price table, or 0 for local models."""
    output_cost_per_mtok: float | None = None
    """Price per million completion tokens; None: litellm's price table, or 0 for local models."""


class EmbeddedConfig(Section):
    """The CPU model Capuchin serves itself when no endpoint is configured."""

    model: str = "qwen2.5-coder-1.5b-instruct"
    """Name from `capuchin models list`. The 1.5B by measurement (benchmarks/results/coverage-batched*.json,
    all 24 bundled bugs run by both on the batched backend): a solve takes ~1.5x the 0.5B's wall time on 2
    cores, but its pass@1 is 5.8x (0.076 vs 0.013) and it fixed 3 bugs to the 0.5B's 1-2, so it fixes
    more bugs per minute (0.0122 vs 0.0047-0.0094)."""
    host: str = "127.0.0.1"
    port: int = 8765
    """Port of the embedded OpenAI-compatible server (loopback only)."""
    n_ctx: int = 8192
    """Context window the server allocates."""
    threads: int | None = None
    """CPU threads for generation; None: all cores."""
    backend: Literal["auto", "llama-server", "llama-cpp-python"] = "auto"
    """Server program: llama.cpp's llama-server (batches samples, evaluates a prompt once; built by
    scripts/setup.sh) or llama-cpp-python's server (one request at a time). 'auto': llama-server when built."""
    llama_server: str | None = None
    """Path of the llama-server binary; None: the one setup builds into the cache, else one on PATH."""
    parallel: int = Field(default=8, ge=1, le=64)
    """llama-server: sequences decoded together in one batch (slots); the most samples one request gets."""
    kv_tokens: int = Field(default=32768, ge=1024)
    """llama-server: KV cache cells shared by all slots (a prompt copied to several slots is stored once)."""
    speculative: Literal["none", "ngram-simple", "ngram-map-k"] = "ngram-map-k"
    """llama-server: draft tokens by looking the last few generated tokens up in the prompt and the
    answer so far, and check a whole draft in one batched step (speculative decoding with no draft
    model). An edit rewrites a function that the prompt already holds, so long runs of it are copies.
    A draft token is kept only when the sampler draws it, so the answers are the ones plain decoding
    gives for the same seeds. Measured (benchmarks/results/llm-throughput-spec.json; 1.5B, 8 samples
    of <= 256 tokens, 2 idle cores, medians of 3 paired runs): one n=8 request 27.0 -> 38.1
    completion tokens/s (x1.40), a solve's 4 prompts x 2 temperatures 25.1 -> 30.8 (x1.18); the
    demo 2 min 47 s -> 2 min 35 s. 'none' turns it off."""
    startup_timeout_s: float = 180.0
    """How long to wait for the server's health endpoint."""


class VLLMConfig(Section):
    """`capuchin serve-model`: vLLM serving DeepSeek-Coder on GPUs."""

    model: str = "deepseek-ai/deepseek-coder-6.7b-instruct"
    """Hugging Face id or local path; deepseek-ai/DeepSeek-Coder-V2-Lite-Instruct is the larger option."""
    host: str = "0.0.0.0"
    port: int = 8000
    max_model_len: int = 16384
    """Context length; repository context plus several thousand generated tokens fit."""
    gpu_memory_utilization: float = Field(default=0.90, gt=0, le=1)
    tensor_parallel_size: int | None = None
    """GPUs to shard over; None: the number of visible GPUs."""
    extra_args: list[str] = Field(default_factory=list)
    """Further `vllm serve` arguments, passed through verbatim."""
