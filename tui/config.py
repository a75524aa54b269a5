"""Configuration of the terminal UI (section ``[tui]``)."""

from __future__ import annotations

from pydantic import Field

from agent.core.config import Section


class TuiConfig(Section):
    """The terminal UI: where GitHub issues are fetched from."""

    github_api_url: str = "https://api.github.com"
    """GitHub REST API base URL (GitHub Enterprise: https://HOST/api/v3)."""
    github_token: str | None = Field(default=None, repr=False)
    """Token for fetching issues; also read from GITHUB_TOKEN or GH_TOKEN when unset."""
    github_timeout_s: float = Field(default=10.0, gt=0)
    """Timeout of one GitHub API request."""
