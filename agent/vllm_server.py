"""`capuchin serve-model`: vLLM serving a DeepSeek-Coder model on the visible GPUs.

Prefix caching is always on: every sample of a solve run shares one long prompt, so
the prompt's KV cache is computed once and reused by all of them.
"""

from __future__ import annotations

import importlib.util
import os
import shutil
import subprocess
import time

import httpx

from agent.core.errors import CapuchinError
from agent.llm_config import VLLMConfig

# Models whose repositories carry custom modelling code.
_TRUST_REMOTE_CODE = ("deepseek-coder-v2", "deepseek-v2")


def visible_gpu_count() -> int:
    """GPUs this process may use: CUDA_VISIBLE_DEVICES when set, else what nvidia-smi lists."""
    visible = os.environ.get("CUDA_VISIBLE_DEVICES")
    if visible is not None:
        return len([d for d in visible.split(",") if d.strip() and d.strip() != "-1"])
    if shutil.which("nvidia-smi") is None:
        return 0
    proc = subprocess.run(["nvidia-smi", "-L"], capture_output=True, text=True)
    return sum(1 for line in proc.stdout.splitlines() if line.startswith("GPU "))


def vllm_command(config: VLLMConfig, gpus: int) -> list[str]:
    tp = config.tensor_parallel_size or max(gpus, 1)
    cmd = [
        "vllm", "serve", config.model,
        "--host", config.host, "--port", str(config.port),
        "--enable-prefix-caching",
        "--max-model-len", str(config.max_model_len),
        "--tensor-parallel-size", str(tp),
        "--gpu-memory-utilization", str(config.gpu_memory_utilization),
        "--served-model-name", config.model,
    ]  # fmt: skip
    if any(marker in config.model.lower() for marker in _TRUST_REMOTE_CODE):
        cmd.append("--trust-remote-code")
    return cmd + list(config.extra_args)


def require_vllm() -> None:
    if shutil.which("vllm") is None and importlib.util.find_spec("vllm") is None:
        raise CapuchinError(
            "vLLM is not installed",
            hint="on a machine with an NVIDIA GPU: pip install 'capuchin-agent[gpu]'; "
            "then `capuchin serve-model`, and set llm.base_url to the printed URL",
        )


def serve(config: VLLMConfig, *, ready_timeout_s: float = 1800.0) -> int:
    """Run `vllm serve` in the foreground, report when /health answers, return its exit code."""
    require_vllm()
    gpus = visible_gpu_count()
    if gpus == 0:
        raise CapuchinError("no GPU is visible to vLLM", hint="check nvidia-smi and CUDA_VISIBLE_DEVICES")
    proc = subprocess.Popen(vllm_command(config, gpus))
    health = f"http://127.0.0.1:{config.port}/health"
    deadline = time.monotonic() + ready_timeout_s
    try:
        while proc.poll() is None and time.monotonic() < deadline:
            try:
                if httpx.get(health, timeout=2).status_code == 200:
                    print(f"vLLM is ready: set llm.base_url = http://<this-host>:{config.port}/v1", flush=True)
                    break
            except httpx.HTTPError:
                pass
            time.sleep(2)
        else:
            if proc.poll() is None:
                print(f"vLLM did not answer {health} within {ready_timeout_s:.0f}s; still waiting", flush=True)
        return proc.wait()
    except KeyboardInterrupt:
        proc.terminate()
        return proc.wait()
