"""Attacks from hostile test code, per sandbox backend: verdicts and what each left behind.

    python -m benchmarks.attacks [--out benchmarks/results/attacks.json]

Runs every attack of ``sandbox.attacks`` in the Docker backend and the contained ones in the local
(bubblewrap) fallback, prints a table and writes JSON. Targets are this machine only.
"""

from __future__ import annotations

import argparse
import json
import socket
import tempfile
from pathlib import Path

from sandbox.attacks import run_attacks
from sandbox.config import SandboxConfig
from sandbox.testing import make_tiny_repo


def _backends() -> dict:
    from sandbox.docker_backend import DockerSandbox
    from sandbox.engine import docker_available
    from sandbox.local_backend import LocalSandbox, bwrap_usable

    out = {}
    if docker_available():
        out["docker"] = (DockerSandbox(SandboxConfig(backend="docker", timeout_s=60, memory="1g", pids_limit=256,
                                                     max_file_mb=256)), True)
    if bwrap_usable():
        out["local"] = (LocalSandbox(SandboxConfig(backend="local", timeout_s=60), warn=False), False)
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=Path("benchmarks/results/attacks.json"))
    args = parser.parse_args()
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen()
    results = {}
    with tempfile.TemporaryDirectory(prefix="capuchin-attacks-") as tmp:
        repo = make_tiny_repo(Path(tmp) / "repo", name="attackpkg")
        for name, (sandbox, destructive) in _backends().items():
            results[name] = run_attacks(sandbox, repo, listener.getsockname()[1], destructive=destructive)
    listener.close()
    for backend, rows in results.items():
        breaches = [a for a, r in rows.items() if r["verdict"] == "BREACH" or r["left_behind"]]
        print(f"{backend}: {len(rows)} attacks, {len(breaches)} succeeded {breaches or ''}")
        for attack, r in rows.items():
            print(f"  {attack:18} {r['verdict']:10} {r['seconds']:6.1f}s  {', '.join(r['left_behind'])}")
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(results, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
