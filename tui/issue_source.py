"""Where an issue comes from: typed text, a file, or a GitHub issue (URL or ``owner/repo#N``)."""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path

import httpx

from agent.core.errors import InputError
from agent.core.inputs import read_issue
from tui.config import TuiConfig

_URL = re.compile(r"^https?://github\.com/([\w.-]+)/([\w.-]+)/(?:issues|pull)/(\d+)/?(?:[#?].*)?$")
_SHORT = re.compile(r"^([\w.-]+)/([\w.-]+)#(\d+)$")


@dataclass(frozen=True)
class IssueRef:
    owner: str
    repo: str
    number: int

    def __str__(self) -> str:
        return f"{self.owner}/{self.repo}#{self.number}"


def parse_issue_ref(text: str) -> IssueRef | None:
    """A GitHub issue named by URL or ``owner/repo#N``; None for anything else."""
    m = _URL.match(text.strip()) or _SHORT.match(text.strip())
    return IssueRef(m.group(1), m.group(2), int(m.group(3))) if m else None


def github_token(config: TuiConfig) -> str | None:
    return config.github_token or os.environ.get("GITHUB_TOKEN") or os.environ.get("GH_TOKEN") or None


def fetch_issue(ref: IssueRef, config: TuiConfig, transport: httpx.BaseTransport | None = None) -> str:
    """The issue's title and body as Markdown, from the GitHub REST API."""
    token = github_token(config)
    headers = {"Accept": "application/vnd.github+json", "X-GitHub-Api-Version": "2022-11-28"}
    if token:
        headers["Authorization"] = f"Bearer {token}"
    url = f"{config.github_api_url.rstrip('/')}/repos/{ref.owner}/{ref.repo}/issues/{ref.number}"
    try:
        with httpx.Client(timeout=config.github_timeout_s, transport=transport) as client:
            response = client.get(url, headers=headers)
    except httpx.HTTPError as exc:
        raise InputError(f"cannot reach the GitHub API at {config.github_api_url} ({type(exc).__name__})",
                         hint="paste the issue text instead, or set tui.github_api_url") from None
    if response.status_code in (401, 403):
        hint = ("the token was refused or is rate-limited" if token
                else "set GITHUB_TOKEN (or tui.github_token); anonymous requests are rate-limited")
        raise InputError(f"GitHub refused to show {ref} (HTTP {response.status_code})", hint=hint)
    if response.status_code == 404:
        hint = None if token else "for a private repository set GITHUB_TOKEN (or tui.github_token)"
        raise InputError(f"GitHub has no issue {ref}", hint=hint)
    if response.status_code != 200:
        raise InputError(f"GitHub answered HTTP {response.status_code} for {ref}")
    try:
        data = response.json()
        return f"# {data['title']}\n\n{data.get('body') or ''}".rstrip() + "\n"
    except (ValueError, KeyError, TypeError):
        raise InputError(f"GitHub sent an unexpected answer for {ref}") from None


def load_issue(source: str, config: TuiConfig, transport: httpx.BaseTransport | None = None) -> str:
    """Issue text from a GitHub reference or a file path; InputError with a reason otherwise."""
    source = source.strip()
    if not source:
        raise InputError("type a file path, a GitHub issue URL or owner/repo#N")
    ref = parse_issue_ref(source)
    if ref is not None:
        return fetch_issue(ref, config, transport)
    return read_issue(str(Path(source).expanduser()))
