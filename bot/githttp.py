"""Git's smart HTTP protocol for the GitHub stand-in, by running ``git http-backend`` as CGI.

Real bare repositories on disk sit behind it, so the bot's clone and push go through the same
git transport (and the same ``Authorization`` header handling) as against github.com.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

GIT_PATH_SUFFIXES = ("/info/refs", "/git-upload-pack", "/git-receive-pack")


def is_git_path(path: str) -> bool:
    return path.split("?", 1)[0].endswith(GIT_PATH_SUFFIXES)


def read_chunked(rfile) -> bytes:
    """A ``Transfer-Encoding: chunked`` body (git sends large pushes that way)."""
    out = bytearray()
    while True:
        size = int(rfile.readline().split(b";", 1)[0].strip() or b"0", 16)
        if size == 0:
            rfile.readline()
            return bytes(out)
        out += rfile.read(size)
        rfile.readline()


def run_backend(root: Path, method: str, path: str, headers, body: bytes, user: str) -> tuple[int, list, bytes]:
    """Run one request through ``git http-backend``; returns (status, headers, body)."""
    path_info, _, query = path.partition("?")
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "GIT_PROJECT_ROOT": str(root),
        "GIT_HTTP_EXPORT_ALL": "1",
        "PATH_INFO": path_info,
        "QUERY_STRING": query,
        "REQUEST_METHOD": method,
        "CONTENT_TYPE": headers.get("Content-Type", ""),
        "CONTENT_LENGTH": str(len(body)),
        # http-backend enables receive-pack (push) only for an authenticated user.
        "REMOTE_USER": user,
        "REMOTE_ADDR": "127.0.0.1",
        "GIT_HTTP_MAX_REQUEST_BUFFER": "100M",
    }
    if headers.get("Content-Encoding"):
        env["HTTP_CONTENT_ENCODING"] = headers["Content-Encoding"]
    if headers.get("Git-Protocol"):
        env["GIT_PROTOCOL"] = headers["Git-Protocol"]
    proc = subprocess.run(["git", "http-backend"], input=body, env=env, capture_output=True, timeout=120)
    head, sep, payload = proc.stdout.partition(b"\r\n\r\n")
    if not sep:
        head, _, payload = proc.stdout.partition(b"\n\n")
    status, out_headers = 200, []
    for line in head.decode("latin-1").splitlines():
        name, _, value = line.partition(":")
        if name.lower() == "status":
            status = int(value.strip().split()[0])
        elif name:
            out_headers.append((name.strip(), value.strip()))
    if proc.returncode != 0 and not proc.stdout:
        return 500, [("Content-Type", "text/plain")], proc.stderr
    return status, out_headers, payload


def init_bare(path: Path, source: Path | None = None, branch: str = "main") -> Path:
    """A bare repository at ``path``; with ``source`` (a work tree), its files as one commit on ``branch``."""
    path.parent.mkdir(parents=True, exist_ok=True)
    subprocess.run(["git", "init", "-q", "--bare", "-b", branch, str(path)], check=True, capture_output=True)
    if source is not None:
        ident = ["-c", "user.email=standin@example.com", "-c", "user.name=Stand-in"]
        work = path.with_suffix(".seed")
        shutil.copytree(source, work, ignore=shutil.ignore_patterns(".git", ".capuchin", "__pycache__"))
        for args in (["init", "-q", "-b", branch], ["add", "-A"], [*ident, "commit", "-qm", "Initial commit"],
                     ["push", "-q", str(path), f"HEAD:refs/heads/{branch}"]):
            subprocess.run(["git", "-C", str(work), *args], check=True, capture_output=True)
        shutil.rmtree(work)
    return path


def branch_head(bare: Path, branch: str) -> str | None:
    out = subprocess.run(["git", "-C", str(bare), "rev-parse", "--verify", "-q", f"refs/heads/{branch}"],
                         capture_output=True, text=True)
    return out.stdout.strip() or None
