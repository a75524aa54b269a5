"""A stand-in for the GitHub API: a documented test double, shipped with the package.

``GitHubStandIn`` is a real HTTP server on 127.0.0.1 that implements the endpoints the bot uses
(installation tokens, repositories, issues, comments, reactions, collaborator permissions, pull
requests), checks credentials as GitHub does (a token, or an App's RS256 JWT for the token
endpoint), and records every call in ``calls``. Git remotes are real bare repositories on disk,
served over smart HTTP by ``git http-backend`` and guarded by the same tokens, so clones and
pushes run the real git transport. ``fail(...)`` injects errors. Used by the tests, the load
benchmark and ``capuchin bot demo``; nothing in it is meant for production.
"""

from __future__ import annotations

import base64
import itertools
import json
import re
import secrets
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

from bot import githttp

BOT_LOGIN = "capuchin[bot]"


@dataclass
class Call:
    """One API request as the stand-in saw it (never the credential itself)."""

    method: str
    path: str
    body: Any
    status: int
    auth: str
    """'token', 'jwt', 'basic' (git) or 'none'."""


@dataclass
class RepoState:
    full_name: str
    bare: Path
    default_branch: str = "main"
    collaborators: dict[str, str] = field(default_factory=dict)
    """login -> 'admin' | 'write' | 'read'; anyone else has 'none'."""


class HTTPError(Exception):
    def __init__(self, status: int, message: str):
        super().__init__(message)
        self.status, self.message = status, message


class GitHubStandIn:
    """The stand-in server. Use as a context manager; ``base_url`` is its API root."""

    def __init__(self, root: Path, *, token: str | None = None, app_id: int | None = None,
                 app_public_key: str | None = None, token_ttl_s: float = 3600.0):
        self.root = root
        self.app_id, self.app_public_key, self.token_ttl_s = app_id, app_public_key, token_ttl_s
        self.tokens: dict[str, float] = {token: float("inf")} if token else {}
        self.repos: dict[str, RepoState] = {}
        self.issues: dict[tuple[str, int], dict[str, Any]] = {}
        self.comments: dict[int, dict[str, Any]] = {}
        self.reactions: list[dict[str, Any]] = []
        self.pulls: dict[tuple[str, int], dict[str, Any]] = {}
        self.calls: list[Call] = []
        self._failures: list[list] = []
        self._ids = itertools.count(1000)
        self._lock = threading.RLock()
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(self))
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, args=(0.05,), daemon=True)

    # --- lifecycle and set-up ------------------------------------------------------------------
    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self._server.server_address[1]}"

    def __enter__(self) -> GitHubStandIn:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._server.shutdown()
        self._server.server_close()

    def add_repo(self, full_name: str, source: Path | None = None, *, default_branch: str = "main",
                 collaborators: dict[str, str] | None = None) -> RepoState:
        """A repository whose bare git remote holds ``source``'s files as one commit."""
        bare = githttp.init_bare(self.root / f"{full_name}.git", source, default_branch)
        repo = RepoState(full_name, bare, default_branch, dict(collaborators or {}))
        self.repos[full_name] = repo
        return repo

    def add_issue(self, full_name: str, title: str, body: str, user: str = "octocat") -> dict[str, Any]:
        with self._lock:
            number = self._next_number(full_name)
            issue = {"number": number, "title": title, "body": body, "state": "open", "labels": [],
                     "user": {"login": user, "type": "User"}, "html_url": f"{self.base_url}/{full_name}/issues/{number}"}
            self.issues[(full_name, number)] = issue
            return issue

    def add_comment(self, full_name: str, number: int, body: str, user: str, user_type: str = "User") -> dict[str, Any]:
        with self._lock:
            comment = {"id": next(self._ids), "body": body, "user": {"login": user, "type": user_type},
                       "repo": full_name, "issue": number}
            self.comments[comment["id"]] = comment
            return comment

    def clone_url(self, full_name: str) -> str:
        return f"{self.base_url}/{full_name}.git"

    def repo_payload(self, full_name: str) -> dict[str, Any]:
        repo = self.repos[full_name]
        return {"full_name": full_name, "name": full_name.split("/")[1], "owner": {"login": full_name.split("/")[0]},
                "default_branch": repo.default_branch, "clone_url": self.clone_url(full_name), "private": True}

    def fail(self, method: str, path_pattern: str, status: int = 500, times: int = 1) -> None:
        """The next ``times`` requests matching (method, regex on the path) get ``status``."""
        with self._lock:
            self._failures.append([method.upper(), re.compile(path_pattern), status, times])

    def issue_token(self) -> tuple[str, float]:
        token = "ghs_" + secrets.token_hex(18)
        expires = time.time() + self.token_ttl_s
        with self._lock:
            self.tokens[token] = expires
        return token, expires

    # --- reading what happened -----------------------------------------------------------------
    def comments_on(self, full_name: str, number: int) -> list[dict[str, Any]]:
        with self._lock:
            return [c for c in self.comments.values() if c["repo"] == full_name and c["issue"] == number]

    def pulls_of(self, full_name: str) -> list[dict[str, Any]]:
        with self._lock:
            return [p for (repo, _), p in sorted(self.pulls.items()) if repo == full_name]

    def branch_head(self, full_name: str, branch: str) -> str | None:
        return githttp.branch_head(self.repos[full_name].bare, branch)

    # --- request handling ----------------------------------------------------------------------
    def _next_number(self, full_name: str) -> int:
        used = [n for (repo, n) in [*self.issues, *self.pulls] if repo == full_name]
        return max(used, default=0) + 1

    def _injected(self, method: str, path: str) -> int | None:
        with self._lock:
            for failure in self._failures:
                if failure[0] == method and failure[1].search(path) and failure[3] > 0:
                    failure[3] -= 1
                    return failure[2]
        return None

    def _token_ok(self, token: str) -> bool:
        with self._lock:
            return self.tokens.get(token, 0) > time.time()

    def authenticate(self, header: str | None) -> str:
        """The kind of a valid credential, or raise 401 as GitHub does."""
        scheme, _, value = (header or "").partition(" ")
        scheme = scheme.lower()
        if scheme in ("token", "bearer") and self._token_ok(value):
            return "token"
        if scheme == "bearer" and value.count(".") == 2 and self._jwt_ok(value):
            return "jwt"
        if scheme == "basic":
            _, _, password = base64.b64decode(value).decode(errors="replace").partition(":")
            if self._token_ok(password):
                return "basic"
        raise HTTPError(401, "Bad credentials")

    def _jwt_ok(self, token: str) -> bool:
        if not (self.app_id and self.app_public_key):
            return False
        import jwt

        try:
            claims = jwt.decode(token, self.app_public_key, algorithms=["RS256"], options={"require": ["exp", "iat", "iss"]})
        except jwt.PyJWTError:
            return False
        return str(claims["iss"]) == str(self.app_id) and claims["exp"] - claims["iat"] <= 600

    def record(self, call: Call) -> None:
        with self._lock:
            self.calls.append(call)


def _handler(standin: GitHubStandIn) -> type[BaseHTTPRequestHandler]:
    from bot.standin_api import route

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, *args: object) -> None:
            return

        def _body(self) -> bytes:
            if self.headers.get("Transfer-Encoding", "").lower() == "chunked":
                return githttp.read_chunked(self.rfile)
            return self.rfile.read(int(self.headers.get("Content-Length") or 0))

        def _send(self, status: int, headers: list, payload: bytes) -> None:
            self.send_response(status)
            for name, value in headers:
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)

        def _handle(self) -> None:
            body, auth, status = self._body(), "none", 500
            try:
                injected = standin._injected(self.command, self.path)
                if injected:
                    raise HTTPError(injected, "injected failure")
                auth = standin.authenticate(self.headers.get("Authorization"))
                if githttp.is_git_path(self.path):
                    status, headers, payload = githttp.run_backend(
                        standin.root, self.command, self.path, self.headers, body, "x-access-token")
                    return self._send(status, headers, payload)
                url = urlsplit(self.path)
                data = json.loads(body) if body else None
                status, result = route(standin, self.command, url.path, parse_qs(url.query), data, auth)
                self._send(status, [("Content-Type", "application/json")], json.dumps(result).encode())
            except HTTPError as exc:
                status = exc.status
                extra = [("WWW-Authenticate", 'Basic realm="GitHub"')] if status == 401 else []
                self._send(status, [("Content-Type", "application/json"), *extra],
                           json.dumps({"message": exc.message}).encode())
            finally:
                standin.record(Call(self.command, self.path, _json_or_none(body), status, auth))

        do_GET = do_POST = do_PATCH = do_PUT = do_DELETE = _handle

    return Handler


def _json_or_none(body: bytes) -> Any:
    try:
        return json.loads(body) if body else None
    except (ValueError, UnicodeDecodeError):
        return None  # git pack data
