"""Building the three image layers offline: base (debootstrap -> import), environment, instance.

Layers above the base are built by running a script in a container made from the layer
below and committing it (not by ``docker build``): that lets a build mount the host's CA
bundle read-only for pip without baking it into the image, and share a pip cache across
builds. Every tag is a content hash (``sandbox.specs``), so an existing tag is reused.
"""

from __future__ import annotations

import os
import shlex
import shutil
import subprocess
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

from agent.core.config import cache_dir
from agent.core.errors import SandboxError
from agent.core.events import EventBus, null_bus
from sandbox import engine
from sandbox.config import SandboxConfig
from sandbox.specs import WARN, BaseSpec, EnvSpec, InstanceSpec

CA_IN_CONTAINER = "/etc/capuchin/host-ca.crt"
PATH = "/opt/venv/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"


def host_ca_bundle(config: SandboxConfig) -> str | None:
    """The CA bundle pip on this host trusts (a TLS-inspecting proxy needs it inside builds too)."""
    candidates = [config.ca_bundle, os.environ.get("PIP_CERT"), os.environ.get("SSL_CERT_FILE"),
                  os.environ.get("REQUESTS_CA_BUNDLE"), "/etc/ssl/certs/ca-certificates.crt"]
    return next((c for c in candidates if c and Path(c).is_file()), None)


def sandbox_cache() -> Path:
    path = cache_dir() / "sandbox"
    path.mkdir(parents=True, exist_ok=True)
    return path


def build_log_path(tag: str) -> Path:
    return sandbox_cache() / "build-logs" / (tag.replace("/", "_").replace(":", "_") + ".log")


def save_build_log(tag: str, output: str) -> None:
    """Keep a build's output: best-effort install steps leave their warnings there (``build_warnings``)."""
    path = build_log_path(tag)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(output)


def build_warnings(tag: str) -> list[str]:
    """The ``CAPUCHIN-WARN`` lines of an image's build (a test requirement that did not install)."""
    path = build_log_path(tag)
    if not path.is_file():
        return []
    lines = [line.strip() for line in path.read_text(errors="replace").splitlines()]
    return list(dict.fromkeys(line for line in lines if line.startswith(WARN)))


class ImageBuilder:
    """Ensures images exist, building the missing layers; one instance per Docker client."""

    def __init__(self, client: Any, config: SandboxConfig, bus: EventBus | None = None):
        self.client = client
        self.config = config
        self.bus = bus or null_bus()

    def exists(self, tag: str) -> bool:
        import docker

        try:
            self.client.images.get(tag)
            return True
        except docker.errors.ImageNotFound:
            return False

    # -- base ---------------------------------------------------------------------------------
    def ensure_base(self, spec: BaseSpec) -> str:
        tag = spec.tag(self.config.image_prefix)
        if self.exists(tag):
            return tag
        if not shutil.which("debootstrap"):
            raise SandboxError(f"cannot build the base image {tag}: debootstrap is not installed",
                               hint="apt-get install debootstrap (scripts/sandbox-setup.sh does it)")
        self.bus.emit("log", "sandbox", f"building base image {tag} with debootstrap (minutes)")
        with tempfile.TemporaryDirectory(prefix=f"capuchin-rootfs-{spec.suite}-", dir=sandbox_cache()) as tmp:
            rootfs = Path(tmp) / "rootfs"
            self._debootstrap(spec, rootfs)
            self._import(rootfs, tag)
        return tag

    def _debootstrap(self, spec: BaseSpec, rootfs: Path) -> None:
        debs = sandbox_cache() / "debootstrap" / spec.suite  # downloaded .debs survive failed runs
        debs.mkdir(parents=True, exist_ok=True)
        cmd = ["debootstrap", "--variant=minbase", f"--include={','.join(spec.packages)}",
               f"--cache-dir={debs}", spec.suite, str(rootfs), spec.mirror]
        proc = subprocess.run(cmd, capture_output=True, text=True, timeout=self.config.build_timeout_s)
        if proc.returncode != 0:
            tail = (proc.stdout + proc.stderr)[-3000:]
            raise SandboxError(f"debootstrap of {spec.suite} failed (exit {proc.returncode}):\n{tail}")
        # apt lists and the .deb copies are dead weight in the image
        shutil.rmtree(rootfs / "var/cache/apt/archives", ignore_errors=True)
        (rootfs / "var/cache/apt/archives/partial").mkdir(parents=True, exist_ok=True)

    def _import(self, rootfs: Path, tag: str) -> None:
        repo, _, version = tag.rpartition(":")
        changes = [f"ENV PATH={PATH}", "ENV LANG=C.UTF-8", "ENV PIP_DISABLE_PIP_VERSION_CHECK=1",
                   "WORKDIR /testbed", 'CMD ["bash"]',
                   "LABEL capuchin.sandbox=base"]
        tar = subprocess.Popen(["tar", "--numeric-owner", "-C", str(rootfs), "-c", "."], stdout=subprocess.PIPE)
        try:
            self.client.api.import_image(src=tar.stdout, repository=repo, tag=version, changes=changes)
        finally:
            tar.stdout.close()
            tar.wait()
        if not self.exists(tag):
            raise SandboxError(f"docker import of {tag} produced no image")

    # -- environment and instance layers ------------------------------------------------------------
    def ensure_env(self, spec: EnvSpec) -> str:
        tag = spec.env_tag(self.config.image_prefix, self.config.debian_mirror)
        if self.exists(tag):
            return tag
        base = self.ensure_base(spec.base(self.config.debian_mirror))
        lines = []
        if spec.apt_packages:
            lines.append("apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "
                         + " ".join(map(shlex.quote, spec.apt_packages)) + " && rm -rf /var/lib/apt/lists/*")
        if spec.apt_optional:
            quoted = " ".join(map(shlex.quote, spec.apt_optional))
            lines.append(f"apt-get update -qq && for p in {quoted}; do DEBIAN_FRONTEND=noninteractive "
                         f"apt-get install -y -qq \"$p\" || echo \"{WARN}: system package $p did not install\"; "
                         "done; rm -rf /var/lib/apt/lists/*")
        lines.append("python3 -m venv /opt/venv")
        lines.append("python -m pip install -q --upgrade 'pip<25' 'setuptools<70' wheel")
        if spec.pip_packages:
            lines.append("python -m pip install " + " ".join(map(shlex.quote, spec.pip_packages)))
        self._build_step(base, tag, "\n".join(lines), layer="env", name=spec.name)
        return tag

    def ensure_instance(self, spec: InstanceSpec, source_tar: Callable[[], bytes]) -> str:
        """Build the instance layer; ``source_tar`` gives the checkout (called only when building)."""
        tag = spec.tag(self.config.image_prefix, self.config.debian_mirror)
        if self.exists(tag):
            return tag
        env_tag = self.ensure_env(spec.env)
        e = spec.env
        lines = ["cd /testbed"]
        if not spec.keep_source:
            lines.append("find /testbed -type f > /tmp/capuchin-source-files")
        lines += list(e.pre_install)
        if e.requirements:
            lines.append(f"if [ -f {shlex.quote(e.requirements)} ]; then python -m pip install -r "
                         f"{shlex.quote(e.requirements)}; fi")
        lines.append(e.install)
        if spec.keep_source:
            # a git repository of the base state lets runs use `git apply --3way` and reset
            lines.append("rm -rf .git && git init -q && git add -A && "
                         "git -c user.name=capuchin -c user.email=capuchin@localhost commit -qm base")
        else:
            # Runs copy the current working tree in, so the checkout's own files go; what the install
            # generated stays: egg-info, in-place C extensions (MarkupSafe's _speedups), version
            # files written by setuptools-scm; none of them is in the working tree's copy.
            lines.append("tr '\\n' '\\0' < /tmp/capuchin-source-files | xargs -0 rm -f && "
                         "find /testbed -mindepth 1 -type d -empty -delete")
        self._build_step(env_tag, tag, "\n".join(lines), layer="inst", name=spec.source,
                         files=source_tar())
        # the environment layer's best-effort steps warn in its own log: the instance's carries them on
        if inherited := build_warnings(env_tag):
            with build_log_path(tag).open("a") as fh:
                fh.write("\n".join(inherited) + "\n")
        return tag

    def _build_step(self, image: str, tag: str, script: str, *, layer: str, name: str,
                    files: bytes | None = None) -> None:
        self.bus.emit("log", "sandbox", f"building {layer} image {tag} for {name}")
        from docker.types import Mount

        # Mounts, not `volumes=`: docker-py also declares volumes in the container config, which
        # `commit` would carry into the image (and every run would then mount over the files).
        mounts = []
        for kind in ("pip", "ccache"):  # shared across builds: wheels, and compiled C of similar commits
            (sandbox_cache() / f"{kind}-cache").mkdir(exist_ok=True)
            mounts.append(Mount(f"/root/.cache/{kind}", str(sandbox_cache() / f"{kind}-cache"), type="bind"))
        # specs with C extensions install ccache; its compiler wrappers then come first on PATH
        exports = ("export CCACHE_DIR=/root/.cache/ccache\n"
                   "if [ -d /usr/lib/ccache ]; then export PATH=/usr/lib/ccache:$PATH; fi\n")
        ca = host_ca_bundle(self.config)
        if ca:
            mounts.append(Mount(CA_IN_CONTAINER, ca, type="bind", read_only=True))
            # exported in the script, not set on the container: `commit` would bake them in
            exports += "".join(f"export {v}={CA_IN_CONTAINER}\n" for v in ("PIP_CERT", "SSL_CERT_FILE",
                                                                          "REQUESTS_CA_BUNDLE"))
        full = f"set -eux\n{exports}{script}\n"
        cmd = ["timeout", "-s", "KILL", str(int(self.config.build_timeout_s) + engine.BACKSTOP_S),
               "bash", "-c", full]
        with engine.container(self.client, image, cmd, role="build", mounts=mounts,
                              nano_cpus=int(self.config.build_cpus * 1e9), working_dir="/testbed") as c:
            if files is not None:
                c.put_archive("/testbed", files)
            done = engine.wait(c, self.config.build_timeout_s)
            save_build_log(tag, done.output)
            if done.timed_out or done.exit_code != 0:
                why = "timed out" if done.timed_out else f"exit {done.exit_code}"
                raise SandboxError(f"building {layer} image for {name} failed ({why}):\n{done.output[-4000:]}")
            repo, _, version = tag.rpartition(":")
            c.commit(repository=repo, tag=version,
                     conf={"Labels": {"capuchin.sandbox": layer, "capuchin.spec": name[:200]},
                           "Cmd": ["bash"], "WorkingDir": "/testbed"})
