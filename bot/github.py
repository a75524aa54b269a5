"""The GitHub REST API as the bot uses it, through githubkit (typed, retries on rate limits).

Credentials: a fine-grained token, or a GitHub App: a JWT signed with the App's private key
(RS256) buys an installation token, which is renewed five minutes before its hour is up. The
same token authenticates git (``bot.gitops``). Errors become ``GitHubError`` with a message
for people that never holds a credential.
"""

from __future__ import annotations

import calendar
import threading
import time
from typing import Any

from agent.core.errors import CapuchinError, ConfigError
from bot.config import BotConfig

RENEW_BEFORE_S = 300.0


class GitHubError(CapuchinError):
    """The GitHub API refused or failed a request."""

    def __init__(self, message: str, status: int | None = None):
        super().__init__(message)
        self.status = status


def read_secret(config: BotConfig, name: str) -> str | None:
    """A secret from its environment-set field, else from its ``<name>_file``."""
    value = getattr(config, name)
    if value is not None and value.get_secret_value():  # an empty variable counts as unset
        return value.get_secret_value()
    path = getattr(config, f"{name}_file")
    if path is None:
        return None
    try:
        return path.read_text(encoding="utf-8").strip() or None
    except OSError as exc:
        raise ConfigError(f"cannot read bot.{name}_file {path}: {exc.strerror}") from None


def _github(auth: Any, config: BotConfig):
    from githubkit import GitHub

    # githubkit retries 429s and secondary rate limits itself (auto_retry, on by default).
    return GitHub(auth, base_url=config.api_url.rstrip("/") + "/", timeout=30.0)


class TokenSource:
    """The token for one installation (or the fine-grained token), renewed before it expires."""

    def __init__(self, config: BotConfig, installation_id: int | None = None):
        self.config = config
        self.installation_id = installation_id
        self._token: str | None = None
        self._expires = 0.0
        self._lock = threading.Lock()
        if config.app_id is None and read_secret(config, "token") is None:
            raise ConfigError("the bot has no GitHub credentials",
                              hint="set CAPUCHIN_BOT__TOKEN (or bot.token_file), or bot.app_id and bot.private_key_file")

    def token(self) -> str:
        with self._lock:
            if self.config.app_id is None:
                return read_secret(self.config, "token") or ""
            if self._token is None or time.time() > self._expires - RENEW_BEFORE_S:
                self._token, self._expires = self._installation_token()
            return self._token

    def _installation_token(self) -> tuple[str, float]:
        from githubkit import AppAuthStrategy

        if self.config.private_key_file is None or self.installation_id is None:
            raise ConfigError("a GitHub App needs bot.private_key_file and an installation id in the delivery")
        try:
            key = self.config.private_key_file.read_text(encoding="utf-8")
        except OSError as exc:
            raise ConfigError(f"cannot read bot.private_key_file: {exc.strerror}") from None
        app = _github(AppAuthStrategy(str(self.config.app_id), key), self.config)
        data = _call("create an installation token", app.rest.apps.create_installation_access_token,
                     self.installation_id)
        expires = calendar.timegm(time.strptime(data["expires_at"], "%Y-%m-%dT%H:%M:%SZ"))
        return data["token"], float(expires)


def _call(what: str, fn, *args: Any, **kwargs: Any) -> Any:
    from githubkit.exception import GitHubException, RequestFailed

    try:
        return fn(*args, **kwargs).json()
    except RequestFailed as exc:
        status = exc.response.status_code
        message = _message(exc.response)
        raise GitHubError(f"GitHub refused to {what}: HTTP {status} {message}".rstrip(), status) from None
    except GitHubException as exc:  # timeouts, refused connections
        raise GitHubError(f"could not reach GitHub to {what}: {type(exc).__name__}") from None


def _message(response: Any) -> str:
    try:
        return str(response.json().get("message", ""))[:200]
    except Exception:  # a non-JSON error page
        return ""


class GitHubAPI:
    """The calls the worker makes, for one repository."""

    def __init__(self, config: BotConfig, tokens: TokenSource, repo: str):
        self.config, self.tokens = config, tokens
        self.owner, self.name = repo.split("/", 1)
        self._client = None
        self._client_token: str | None = None

    @property
    def rest(self):
        from githubkit import TokenAuthStrategy

        token = self.tokens.token()
        if self._client is None or token != self._client_token:
            self._client, self._client_token = _github(TokenAuthStrategy(token), self.config), token
        return self._client.rest

    def permission(self, user: str) -> str:
        data = _call(f"read {user}'s permission", self.rest.repos.get_collaborator_permission_level,
                     self.owner, self.name, user)
        return str(data.get("permission", "none"))

    def issue(self, number: int) -> dict[str, Any]:
        return _call(f"read issue #{number}", self.rest.issues.get, self.owner, self.name, number)

    def react(self, issue: int, comment_id: int | None, content: str = "eyes") -> None:
        if comment_id is None:
            _call("react to the issue", self.rest.reactions.create_for_issue, self.owner, self.name, issue,
                  content=content)
        else:
            _call("react to the comment", self.rest.reactions.create_for_issue_comment, self.owner, self.name,
                  comment_id, content=content)

    def comment(self, issue: int, body: str) -> int:
        data = _call("comment", self.rest.issues.create_comment, self.owner, self.name, issue, body=body)
        return int(data["id"])

    def edit_comment(self, comment_id: int, body: str) -> None:
        _call("edit the status comment", self.rest.issues.update_comment, self.owner, self.name, comment_id, body=body)

    def open_pull(self, branch: str) -> dict[str, Any] | None:
        """The open pull request from ``branch`` of this repository, if any."""
        pulls = _call("list pull requests", self.rest.pulls.list, self.owner, self.name, state="open",
                      head=f"{self.owner}:{branch}")
        return pulls[0] if pulls else None

    def create_pull(self, *, branch: str, base: str, title: str, body: str) -> dict[str, Any]:
        return _call("open the pull request", self.rest.pulls.create, self.owner, self.name, title=title,
                     head=branch, base=base, body=body, draft=self.config.draft)

    def update_pull(self, number: int, body: str) -> dict[str, Any]:
        return _call("update the pull request", self.rest.pulls.update, self.owner, self.name, number, body=body)
