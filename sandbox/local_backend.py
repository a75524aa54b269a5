"""The local fallback: a temporary copy, a cached virtualenv, process-group kill, bubblewrap if usable.

It isolates much less than a container (the host's filesystem is readable, and without
bubblewrap also writable and the network reachable), so it warns once per process.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
import warnings
from collections.abc import Sequence
from pathlib import Path

from agent.core.cancel import CancelToken
from agent.core.errors import SandboxError
from agent.core.events import EventBus, null_bus
from agent.core.types import TestResult
from sandbox import runscript
from sandbox.config import SandboxConfig
from sandbox.images import sandbox_cache
from sandbox.infer import InstallPlan, infer, local_spec
from sandbox.worktree import check_repo, worktree_files

WARNING = ("local sandbox: tests run on this machine in a temporary copy (bubblewrap: {bwrap}); "
           "this isolates much less than Docker")
_warned = False


@functools.cache
def bwrap_usable() -> bool:
    """Whether bubblewrap can make a user+net namespace here (it cannot in some containers)."""
    if not shutil.which("bwrap"):
        return False
    probe = ["bwrap", "--ro-bind", "/", "/", "--dev", "/dev", "--proc", "/proc", "--unshare-net",
             "--unshare-pid", "--die-with-parent", "true"]
    try:
        return subprocess.run(probe, capture_output=True, timeout=10).returncode == 0
    except (OSError, subprocess.TimeoutExpired):
        return False


def bwrap_prefix(tmp: Path) -> list[str]:
    return ["bwrap", "--ro-bind", "/", "/", "--dev", "/dev", "--proc", "/proc", "--tmpfs", "/tmp",
            "--bind", str(tmp), str(tmp), "--unshare-net", "--unshare-pid", "--die-with-parent",
            "--new-session"]


class LocalSandbox:
    """``agent.core.protocols.Sandbox`` without Docker."""

    def __init__(self, config: SandboxConfig, bus: EventBus | None = None, *, warn: bool = True):
        global _warned
        self.config = config
        self.bus = bus or null_bus()
        self._slots = threading.BoundedSemaphore(config.concurrency)
        self._venv_lock = threading.Lock()
        if warn and not _warned:
            _warned = True
            msg = WARNING.format(bwrap="yes" if bwrap_usable() else "not available")
            warnings.warn(msg, RuntimeWarning, stacklevel=2)
            self.bus.emit("log", "sandbox", "warning: " + msg)

    def run(self, repo: Path, *, patch: str | None = None, tests: Sequence[str] = (),
            timeout_s: float | None = None, cancel: CancelToken | None = None) -> TestResult:
        repo = check_repo(repo)
        python = self.venv_for(repo)
        timeout = timeout_s if timeout_s is not None else self.config.timeout_s
        with self._slots, tempfile.TemporaryDirectory(prefix="capuchin-run-") as tmp:
            return runscript.run_without_unknown(
                lambda selected: self._run_in(Path(tmp), repo, python, patch, selected, timeout, cancel), tests)

    def _run_in(self, tmp: Path, repo: Path, python: Path, patch: str | None, tests: list[str],
                timeout: float, cancel: CancelToken | None = None) -> TestResult:
        work = tmp / "testbed"
        shutil.rmtree(work, ignore_errors=True)
        _copy_tree(repo, work)
        patches = []
        if patch:
            (tmp / "patch0.diff").write_text(patch)
            patches.append(str(tmp / "patch0.diff"))
        env = {"PATH": f"{python.parent}:{os.environ.get('PATH', '/usr/bin:/bin')}",
               "PYTHONPATH": f"{work}/src:{work}", "PYTHONDONTWRITEBYTECODE": "1"}
        spec = local_spec(repo).env
        script = runscript.build_script(workdir=str(work), patches=patches, test_cmd=spec.test_cmd,
                                        parser=spec.parser, tests=tests, env=env,
                                        max_file_mb=self.config.max_file_mb)
        (tmp / "run.sh").write_text(script)
        cmd = ["bash", str(tmp / "run.sh")]
        if bwrap_usable():
            cmd = bwrap_prefix(tmp) + cmd
        out, code, timed_out, duration = run_killable(cmd, timeout, cwd=tmp, cancel=cancel)
        return runscript.to_result(out, exit_code=code, timed_out=timed_out, duration_s=duration,
                                   parser=spec.parser, tests=tests)

    def venv_for(self, repo: Path) -> Path:
        """A virtualenv with pytest and the project's dependencies, cached by dependency-file content."""
        inference = infer(repo)
        spec = inference.spec()
        key = hashlib.sha256(spec.tag("local", "").encode()).hexdigest()[:12]
        venv = sandbox_cache() / "venvs" / key
        python = venv / "bin" / "python"
        with self._venv_lock:
            if (venv / ".capuchin-ready").is_file():
                return python
            shutil.rmtree(venv, ignore_errors=True)
            _make_venv(venv, repo, inference.install, self.bus)
            (venv / ".capuchin-ready").write_text(spec.source)
        return python


def _make_venv(venv: Path, repo: Path, plan: InstallPlan, bus: EventBus) -> None:
    bus.emit("log", "sandbox", f"creating a virtualenv for {repo.name} in {venv}")
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True, capture_output=True)
    pip = [str(venv / "bin" / "python"), "-m", "pip", "install", "-q"]
    proc = subprocess.run([*pip, "pytest"], capture_output=True, text=True)
    if proc.returncode != 0:
        shutil.rmtree(venv, ignore_errors=True)
        raise SandboxError(f"cannot install pytest into the local sandbox's virtualenv:\n{proc.stderr[-2000:]}",
                           hint="check network access to PyPI, or use the Docker backend")
    for requirements in plan.requirements:  # best effort, as in the Docker image (sandbox.infer_install)
        subprocess.run([*pip, "-r", str(repo / requirements)], capture_output=True, text=True, cwd=repo)
    from sandbox.infer import CCE_MARKER

    (venv / CCE_MARKER).touch()  # its pytest is today's, which knows --continue-on-collection-errors
    if plan.packages:
        subprocess.run([*pip, *plan.packages], capture_output=True, text=True)
    if plan.installable:
        # installed (not editable) for its dependencies; runs put the copy first on PYTHONPATH
        with tempfile.TemporaryDirectory() as tmp:
            _copy_tree(repo, Path(tmp) / "src")
            extras = plan.extras
            target = str(Path(tmp) / "src") + (f"[{','.join(extras)}]" if extras else "")
            proc = subprocess.run([*pip, target], capture_output=True, text=True)
        if proc.returncode != 0:
            bus.emit("log", "sandbox", f"warning: installing {repo.name} failed; tests run from source only")


def _copy_tree(repo: Path, dest: Path) -> None:
    for name in worktree_files(repo):
        target = dest / name
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(repo / name, target, follow_symlinks=False)


def run_killable(cmd: list[str], timeout: float, cwd: Path,
                 cancel: CancelToken | None = None) -> tuple[str, int | None, bool, float]:
    """Run in a new session; on timeout or cancellation kill the whole process group (tests spawn
    children)."""
    start = time.monotonic()
    proc = subprocess.Popen(cmd, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                            start_new_session=True, env=scrubbed_env(cwd))
    unregister = cancel.on_cancel(lambda: _killpg(proc.pid)) if cancel else None
    try:
        out, _ = proc.communicate(timeout=timeout)
        timed_out = False
    except subprocess.TimeoutExpired:
        timed_out = True
        _killpg(proc.pid)
        out, _ = proc.communicate()
    except BaseException:  # Ctrl-C: no orphaned test processes
        _killpg(proc.pid)
        proc.wait()
        raise
    finally:
        if unregister:
            unregister()
    code = None if timed_out else proc.returncode
    return out.decode("utf-8", errors="replace"), code, timed_out, time.monotonic() - start


KEPT_ENV = ("PATH", "LANG", "LC_ALL", "TZ", "TERM")
"""The only host variables a local test run sees: the host's environment holds API keys and tokens
(OPENAI_API_KEY, GITHUB_TOKEN, CAPUCHIN_LLM__API_KEY) that a test could print into its log."""


def scrubbed_env(home: Path) -> dict[str, str]:
    env = {k: os.environ[k] for k in KEPT_ENV if k in os.environ}
    return {**env, "HOME": str(home)}


def _killpg(pid: int) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.killpg(pid, signal.SIGKILL)
