"""Clone, commit and push for a job, with the token kept out of URLs, arguments and logs.

The token travels only in the environment of the git process, as an ``http.<origin>.extraHeader``
set through ``GIT_CONFIG_COUNT``/``GIT_CONFIG_KEY_n``/``GIT_CONFIG_VALUE_n``: not in the remote
URL (which git prints and stores in .git/config), not on the command line (which ``ps`` shows),
and scoped to the repository's origin so a redirect elsewhere does not carry it. Everything
git prints is redacted before it goes anywhere.
"""

from __future__ import annotations

import base64
import ipaddress
import os
import subprocess
from collections.abc import Callable
from pathlib import Path
from urllib.parse import urlsplit

from agent.core.errors import CapuchinError

BOT_IDENTITY = ["-c", "user.name=Capuchin", "-c", "user.email=capuchin@users.noreply.github.com"]


class GitError(CapuchinError):
    """A git clone, commit or push failed (the message is redacted)."""


def check_remote(url: str) -> str:
    """The origin (scheme://host[:port]) of a clone URL the bot may use: https, or plain http to a
    loopback address (the stand-in); never one with credentials in it."""
    parts = urlsplit(url)
    if parts.username or parts.password:
        raise GitError("the clone URL carries credentials; refusing to use it")
    loopback = parts.hostname in ("localhost",) or _is_loopback(parts.hostname or "")
    if parts.scheme != "https" and not (parts.scheme == "http" and loopback):
        raise GitError(f"refusing to clone over {parts.scheme or 'an unknown scheme'}: only https is allowed")
    return f"{parts.scheme}://{parts.netloc}"


def _is_loopback(host: str) -> bool:
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def redact(text: str, token: str) -> str:
    if not token:
        return text
    basic = base64.b64encode(f"x-access-token:{token}".encode()).decode()
    return text.replace(token, "***").replace(basic, "***")


class GitSession:
    """git in one work directory, authenticated to one origin.

    ``token`` is a string or a function returning the current one: an App's installation token
    can expire during a long solve, so the push asks again."""

    def __init__(self, workdir: Path, url: str, token: str | Callable[[], str]):
        self.workdir, self.url = workdir, url
        self._origin = check_remote(url)
        self._token = token if callable(token) else (lambda: token)

    def _env(self, token: str) -> dict[str, str]:
        basic = base64.b64encode(f"x-access-token:{token}".encode()).decode()
        return {**os.environ, "GIT_TERMINAL_PROMPT": "0", "GIT_ASKPASS": "true", "GIT_CONFIG_COUNT": "1",
                "GIT_CONFIG_KEY_0": f"http.{self._origin}/.extraHeader",
                "GIT_CONFIG_VALUE_0": f"Authorization: Basic {basic}"}

    def run(self, *args: str, cwd: Path | None = None, stdin: str | None = None, what: str = "") -> str:
        token = self._token()
        proc = subprocess.run(["git", *args], cwd=cwd or self.workdir, env=self._env(token), input=stdin,
                              capture_output=True, text=True, timeout=600)
        if proc.returncode != 0:
            detail = redact((proc.stderr or proc.stdout).strip(), token)[-800:]
            raise GitError(f"git could not {what or args[0]}: {detail}")
        return proc.stdout

    def clone(self, branch: str) -> Path:
        self.workdir.parent.mkdir(parents=True, exist_ok=True)
        self.run("clone", "--quiet", "--no-tags", "--single-branch", "--branch", branch, self.url, str(self.workdir),
                 cwd=self.workdir.parent, what=f"clone {self.url}")
        return self.workdir

    def commit(self, branch: str, patch: str, message: str) -> str:
        """Commit ``patch`` on a new local ``branch`` from HEAD; returns the commit id."""
        self.run("checkout", "-q", "-B", branch, what=f"create branch {branch}")
        self.run("apply", "--index", "-", stdin=patch, what="apply the patch")
        self.run(*BOT_IDENTITY, "commit", "-q", "-m", message, what="commit")
        return self.run("rev-parse", "HEAD").strip()

    def push(self, branch: str, default_branch: str) -> None:
        """Force-push ``branch`` (the bot's own); never the default branch."""
        if branch == default_branch or not branch.startswith("capuchin/"):
            raise GitError(f"refusing to push to {branch!r}: the bot pushes only its own capuchin/ branches")
        self.run("push", "--quiet", "origin", f"+HEAD:refs/heads/{branch}", what=f"push {branch}")
