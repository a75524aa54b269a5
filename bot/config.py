"""Configuration of the GitHub bot (the ``[bot]`` section).

Secrets (the webhook secret, a token, the App's private key) come only from the environment
or from files: a ``capuchin.toml`` is often committed, so a secret found there is refused.
``capuchin config show`` and run reports mask them (``agent.core.config.is_secret``), and they are
``SecretStr``s, so no repr or log line shows them either.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from pydantic import Field, SecretStr, field_validator

from agent.core.config import Section, cache_dir

SECRET_FIELDS = ("webhook_secret", "token")


class BotConfig(Section):
    """The webhook receiver, the job queue and the worker."""

    host: str = "127.0.0.1"
    """Address the receiver binds; put a TLS-terminating proxy in front of it for the internet."""
    port: int = Field(default=8080, ge=0, le=65535)
    """Port of the receiver (POST /webhook, GET /healthz, GET /metrics)."""
    webhook_secret: SecretStr | None = None
    """The App's or webhook's secret; only from CAPUCHIN_BOT__WEBHOOK_SECRET. The server refuses to start without one."""
    webhook_secret_file: Path | None = None
    """A file holding the webhook secret (instead of the variable)."""
    token: SecretStr | None = None
    """A fine-grained personal access token; only from CAPUCHIN_BOT__TOKEN. Unused when app_id is set."""
    token_file: Path | None = None
    """A file holding the token (instead of the variable)."""
    app_id: int | None = None
    """GitHub App id: the bot signs a JWT (RS256) with private_key_file and asks for installation tokens."""
    private_key_file: Path | None = None
    """The GitHub App's private key (PEM)."""
    api_url: str = "https://api.github.com"
    """REST API base URL; https://HOST/api/v3 for GitHub Enterprise Server."""
    login: str = "capuchin[bot]"
    """The bot's own login: its comments never trigger it."""
    label: str = "capuchin"
    """Adding this label to an issue starts a job."""
    command: str = "/capuchin fix"
    """A comment line starting with this (by a user with write or admin permission) starts a job."""
    max_body_bytes: int = Field(default=1_048_576, ge=1024)
    """Larger deliveries get 413 (GitHub caps payloads at 25 MB; issue events are far smaller)."""
    queue_path: Path | None = None
    """The SQLite job queue; None: <cache>/bot/queue.sqlite3."""
    workdir: Path | None = None
    """Where jobs clone repositories; None: <cache>/bot/work."""
    workers: int = Field(default=1, ge=0)
    """Workers `bot serve` runs in-process (0: receiver only; run `capuchin bot worker` elsewhere)."""
    lease_s: float = Field(default=120.0, gt=0)
    """A running job's lease; the worker renews it every lease_s/4, and a lapsed one is requeued (the worker died)."""
    allow_unverified: bool = False
    """Open a pull request even when no test ran with the chosen patch (the sandbox could not run the
    repository's tests); by default such a run ends with a comment that says so."""
    max_attempts: int = Field(default=3, ge=1)
    """Runs of one job before it is given up (with a final comment)."""
    job_timeout_s: float = Field(default=3600.0, gt=0)
    """Wall-clock limit of one job; past it the run is cancelled and the issue told so."""
    poll_s: float = Field(default=1.0, gt=0)
    """How often an idle worker looks for a job."""
    draft: bool = True
    """Open pull requests as drafts."""
    delivery_retention_days: float = Field(default=30.0, ge=3)
    """Delivery ids are kept this long to recognise redeliveries (GitHub redelivers up to 3 days back)."""

    @field_validator(*SECRET_FIELDS, mode="before")
    @classmethod
    def _secret_text(cls, value: Any) -> Any:
        # Environment values are parsed as TOML scalars, so a numeric secret arrives as an int.
        return value if value is None or isinstance(value, str | SecretStr) else str(value)

    def queue_file(self) -> Path:
        return self.queue_path or cache_dir() / "bot" / "queue.sqlite3"

    def work_root(self) -> Path:
        return self.workdir or cache_dir() / "bot" / "work"
