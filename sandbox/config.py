"""Configuration of the test sandbox."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from agent.core.config import Section


class SandboxConfig(Section):
    """Where and how tests run."""

    backend: Literal["auto", "docker", "local"] = "auto"
    """'auto': Docker when an engine answers, else the local fallback (with a warning)."""
    timeout_s: float = 600.0
    """Wall-clock limit of one run; the container is killed past it."""
    cpus: float = 1.0
    memory: str = "2g"
    pids_limit: int = 512
    max_file_mb: int = Field(default=1024, ge=1)
    """Largest file a test run may write (ulimit -f); a run cannot otherwise be kept from filling the disk."""
    concurrency: int = Field(default=2, ge=1)
    """Runs at once."""
    ca_bundle: str | None = None
    """Host CA bundle mounted for pip during image builds; None: detect (PIP_CERT, SSL_CERT_FILE)."""
    image_prefix: str = "capuchin"
    """Repository prefix of the images Capuchin builds (``<prefix>/base``, ``<prefix>/env``, ...)."""
    debian_mirror: str = "http://deb.debian.org/debian"
    """Debian mirror debootstrap downloads the base images' packages from."""
    build_timeout_s: float = 1800.0
    """Wall-clock limit of one image build step (pip installs of old scientific stacks are slow)."""
    build_cpus: float = 2.0
    """CPUs an image build may use."""
    image: str | None = None
    """Use this image as is for local-repository runs (e.g. one from a registry) instead of building one."""
    instance_image: str | None = None
    """SWE-bench instances: use this image as is instead of building one, e.g.
    'swebench/sweb.eval.x86_64.{instance_id}:latest' (pulled when missing; ``{instance_id}`` is filled in)."""
    image_setup: list[str] = Field(default_factory=list)
    """Shell lines run before the tests in a given image, e.g. 'source /opt/miniconda3/bin/activate testbed'."""
    repos: str | None = None
    """Folder of full git histories of SWE-bench repositories, one per repository as
    ``<owner>+<name>/repo`` or ``<owner>+<name>`` (bare mirrors or clones); None: ``<cache>/repos``."""
    gc_max_age_h: float = 24.0 * 14
    """`capuchin sandbox gc` removes Capuchin images not used for this many hours (containers: always)."""
