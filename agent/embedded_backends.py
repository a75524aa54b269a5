"""The programs that serve the embedded model, behind the same OpenAI-compatible protocol.

``llama-server`` is llama.cpp's own C++ server, built once by ``scripts/build-llama-server.sh``
from the llama.cpp source that the llama-cpp-python sdist vendors. It decodes the samples of
a prompt in one batch with the prompt evaluated once: ``n`` on one request fills ``n`` slots
from one prompt evaluation, and parallel slots decode concurrent requests together (on a CPU
a decoding step reads every weight whatever the batch, so a batch of 8 costs little more
than one sequence). ``llama-cpp-python`` (``python -m llama_cpp.server``) is the fallback
when the binary is absent: it decodes one request at a time.

Each backend is a small class chosen by name through ``BACKENDS``; it builds the command
line and says how the client should talk to it (``client_options``).
"""

from __future__ import annotations

import importlib
import importlib.util
import os
import shutil
import sys
from pathlib import Path
from typing import Any, Protocol

from agent.core.config import cache_dir
from agent.core.errors import CapuchinError
from agent.llm_config import EmbeddedConfig

LLAMA_SERVER_BUILD = "0.3.36-keep2"
"""The llama-cpp-python release whose vendored llama.cpp the binary is built from, and our patches'
suffix (scripts/build-llama-server.sh: the slots of an n>1 request keep their prompt; an n>1
answer's usage counts every choice's tokens)."""


class Backend(Protocol):
    name: str

    def available(self) -> bool: ...

    def require(self) -> None:
        """Raise a CapuchinError that says how to install the backend when it is missing."""

    def command(self, weights: Path, alias: str) -> list[str]: ...

    def client_options(self) -> dict[str, Any]:
        """LLMConfig fields the client needs to use this server well."""


def llama_server_binary(config: EmbeddedConfig) -> Path | None:
    """The configured llama-server, else the one setup builds into the cache, else one on PATH."""
    if config.llama_server:
        return Path(config.llama_server).expanduser()
    built = cache_dir() / "llama-server" / LLAMA_SERVER_BUILD / "llama-server"
    if built.is_file():
        return built
    found = shutil.which("llama-server")
    return Path(found) if found else None


def _threads(config: EmbeddedConfig) -> int:
    return config.threads or os.cpu_count() or 2


class LlamaServer:
    """llama.cpp's C++ server: parallel slots, continuous batching, unified KV, prompt cache."""

    name = "llama-server"

    def __init__(self, config: EmbeddedConfig):
        self.config = config
        self.binary = llama_server_binary(config)

    def available(self) -> bool:
        return self.binary is not None and self.binary.is_file() and os.access(self.binary, os.X_OK)

    def require(self) -> None:
        if not self.available():
            raise CapuchinError(
                f"llama-server not found{f' at {self.binary}' if self.binary else ''}",
                hint="run scripts/build-llama-server.sh (about 6-10 minutes on 2 cores, cached), "
                "or set embedded.backend = 'llama-cpp-python'",
            )

    def command(self, weights: Path, alias: str) -> list[str]:
        cfg = self.config
        return [
            str(self.binary), "--model", str(weights), "--alias", alias,
            "--host", cfg.host, "--port", str(cfg.port), "--threads", str(_threads(cfg)),
            "--parallel", str(cfg.parallel),
            # One KV pool shared by all slots: a prompt copied to the n slots of one request is
            # stored once, and a slot may use as much of the pool as its sequence needs.
            "--kv-unified", "--ctx-size", str(cfg.kv_tokens),
            # Keep each idle slot's prompt in place (the default moves it to a RAM copy and clears
            # the slot whenever a task starts): a warmed prefix then serves the next requests in
            # every slot by prefix match, and copies of one prompt share KV cells.
            "--no-cache-idle-slots",
            "--cont-batching", "--metrics", "--no-webui",
            *(["--spec-type", cfg.speculative] if cfg.speculative != "none" else []),
        ]  # fmt: skip

    def client_options(self) -> dict[str, Any]:
        return {"native_n": True, "max_n": self.config.parallel, "concurrency": self.config.parallel,
                "warm_prefix": True}


class LlamaCppPython:
    """llama-cpp-python's server (``python -m llama_cpp.server``): one request at a time."""

    name = "llama-cpp-python"

    def __init__(self, config: EmbeddedConfig):
        self.config = config

    def available(self) -> bool:
        return importlib.util.find_spec("llama_cpp") is not None and importlib.util.find_spec("uvicorn") is not None

    def require(self) -> None:
        if not self.available():
            raise CapuchinError(
                "the embedded model needs llama-cpp-python with its server extra",
                hint="pip install 'capuchin-agent[embedded]' (builds llama.cpp from source, ~7 min on 2 cores), "
                "or point llm.base_url at an OpenAI-compatible server",
            )

    def command(self, weights: Path, alias: str) -> list[str]:
        cfg = self.config
        return [
            sys.executable, "-m", "llama_cpp.server",
            "--model", str(weights), "--model_alias", alias,
            "--host", cfg.host, "--port", str(cfg.port),
            "--n_ctx", str(cfg.n_ctx), "--n_threads", str(_threads(cfg)),
            # No --cache: llama-cpp-python's RAM cache keeps each state's logits (tokens x 152k
            # floats, ~1.5 GB at 2.6k tokens) outside its size limit; the server grew to 22 GB
            # and was OOM-killed mid-run. Consecutive identical prompts still reuse the prefix.
        ]  # fmt: skip

    def client_options(self) -> dict[str, Any]:
        # It decodes one request at a time: on an idle machine 8 samples ran 0.78x as fast
        # concurrently as one after another (benchmarks/llm_throughput.py), and requests queued
        # in the server waited against their timeout. Queue in the client instead.
        return {"native_n": False, "concurrency": 1}


BACKENDS: dict[str, str] = {
    "llama-server": "agent.embedded_backends:LlamaServer",
    "llama-cpp-python": "agent.embedded_backends:LlamaCppPython",
}


def load_backend(name: str, config: EmbeddedConfig) -> Backend:
    module, _, cls = BACKENDS[name].partition(":")
    return getattr(importlib.import_module(module), cls)(config)


def choose_backend(config: EmbeddedConfig) -> Backend:
    """The configured backend; 'auto': llama-server when it is built, else llama-cpp-python."""
    if config.backend != "auto":
        return load_backend(config.backend, config)
    server = load_backend("llama-server", config)
    return server if server.available() else load_backend("llama-cpp-python", config)
