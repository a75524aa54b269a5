"""Configuration of the test sandbox."""

from __future__ import annotations

from typing import Literal

from agent.config import Section


class SandboxConfig(Section):
    """Where and how tests run."""

    backend: Literal["auto", "docker", "local"] = "auto"
    """'auto': Docker when an engine answers, else the local fallback (with a warning)."""
    timeout_s: float = 600.0
    """Wall-clock limit of one run; the container is killed past it."""
    cpus: float = 1.0
    memory: str = "2g"
    pids_limit: int = 512
    concurrency: int = 2
    """Runs at once."""
    ca_bundle: str | None = None
    """Host CA bundle mounted for pip during image builds; None: detect (PIP_CERT, SSL_CERT_FILE)."""
