"""Declarative image specs (base -> environment -> instance) and their content-hash tags.

A tag is a hash of everything that goes into a layer, including the tag of the layer
below, so a changed spec rebuilds that layer and the layers above it, and an unchanged
one is reused as is (SWE-bench's harness keys images the same way).
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass, field

# The OS + Python layer: Debian's own python3 (3.11 on bookworm, 3.9 on bullseye), plus
# what every build and run needs: venv, headers and a compiler for sdists, git/patch to apply.
BASE_PACKAGES = ("python3", "python3-venv", "python3-dev", "git", "patch", "ca-certificates",
                 "build-essential", "procps")
SUITE_FOR_PYTHON = {"3.11": "bookworm", "3.9": "bullseye", "3.13": "trixie"}
ON_DEMAND_PYTHONS = ("3.13",)
"""Pythons used only when a repository's requires-python excludes the others (their base image is
built the first time one needs it, not by ``capuchin sandbox base``): a project tested on 3.8-3.13
keeps the images it had, and one that requires 3.12 or later still gets a Python that satisfies it."""
# Pythons without a Debian release here run on the nearest one that serves their pins.
PYTHON_FALLBACK = {"3.5": "3.9", "3.6": "3.9", "3.7": "3.9", "3.8": "3.9", "3.10": "3.9", "3.12": "3.11"}


def content_hash(obj: object, n: int = 12) -> str:
    blob = json.dumps(obj, sort_keys=True, default=str).encode()
    return hashlib.sha256(blob).hexdigest()[:n]


WARN = "CAPUCHIN-WARN"
"""Starts a build-log line of a best-effort install step that failed (the image builds anyway)."""


@dataclass(frozen=True)
class BaseSpec:
    """A Debian minbase root filesystem with Python, imported as an image."""

    suite: str
    packages: tuple[str, ...] = BASE_PACKAGES
    mirror: str = "http://deb.debian.org/debian"

    def tag(self, prefix: str) -> str:
        return f"{prefix}/base:{self.suite}-{content_hash(asdict(self))}"


@dataclass(frozen=True)
class EnvSpec:
    """A repository's dependencies at one version, and how its tests run.

    ``install`` runs in the repository checkout at the instance layer (it needs the
    source); ``pip_packages`` and ``apt_packages`` go into the environment layer.
    """

    name: str
    python: str = "3.11"
    pip_packages: tuple[str, ...] = ()
    apt_packages: tuple[str, ...] = ()
    apt_optional: tuple[str, ...] = ()
    """System packages installed one at a time where they exist (a name the suite's Debian lacks, or
    one that fails, is a warning in the build log, not a failed image): what a project's CI installs."""
    requirements: str | None = None
    """A requirements file in the checkout, installed before ``install``."""
    pre_install: tuple[str, ...] = ()
    install: str = "python -m pip install -e ."
    test_cmd: str = "python -m pytest -rA -p no:cacheprovider"
    parser: str = "pytest"
    eval_setup: tuple[str, ...] = ()
    """Shell lines run in the container before the tests (start local servers, export variables)."""
    env: dict[str, str] = field(default_factory=dict)

    @property
    def suite(self) -> str:
        py = PYTHON_FALLBACK.get(self.python, self.python)
        return SUITE_FOR_PYTHON.get(py, "bookworm")

    def base(self, mirror: str) -> BaseSpec:
        return BaseSpec(self.suite, mirror=mirror)

    def env_key(self) -> dict:
        """What the environment layer is made of (not the test command: changing it needs no rebuild)."""
        key = {"suite": self.suite, "pip": list(self.pip_packages), "apt": list(self.apt_packages)}
        if self.apt_optional:  # only then: the tags of environments without it stay as they were
            key["apt_optional"] = list(self.apt_optional)
        return key

    def env_tag(self, prefix: str, mirror: str) -> str:
        return f"{prefix}/env:{content_hash([self.base(mirror).tag(prefix), self.env_key()])}"


@dataclass(frozen=True)
class InstanceSpec:
    """A repository at a commit (or a local working tree's dependencies) on top of an environment."""

    env: EnvSpec
    source: str
    """What the checkout is: ``owner/name@commit`` or ``local:<hash of dependency files>``."""
    keep_source: bool = True
    """False for local repositories: the working tree is copied in at run time instead."""

    def tag(self, prefix: str, mirror: str) -> str:
        parts = [self.env.env_tag(prefix, mirror), self.source, self.env.requirements,
                 list(self.env.pre_install), self.env.install, self.keep_source]
        if not self.keep_source:
            parts.append("keeps-generated-files")  # images of older builds dropped them
        return f"{prefix}/inst:{content_hash(parts)}"


def local_spec(repo: object) -> InstanceSpec:
    """The environment of a local repository, inferred from its files (``sandbox.infer.local_spec``)."""
    from sandbox.infer import local_spec as inferred

    return inferred(repo)  # type: ignore[arg-type]
