"""Which deliveries start a job: pure functions of the event name and payload.

A job starts when an issue gets the configured label, or when a new comment has the command
at the start of a line, outside quoted text and code blocks. Bots (Capuchin included) never
trigger. A commenter's write permission is confirmed through the API by the worker; the
payload's ``author_association`` is only a cheap first filter.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

EVENTS = ("issues", "issue_comment", "ping")
"""The event allowlist; anything else is acknowledged and dropped."""
TRUSTED_ASSOCIATIONS = ("OWNER", "MEMBER", "COLLABORATOR")


@dataclass(frozen=True)
class Trigger:
    """A request to solve one issue, as recorded in the job queue."""

    repo: str
    issue: int
    key: str
    """'label', or 'comment:<id>': jobs are unique on (repo, issue, key)."""
    actor: str
    title: str
    body: str
    clone_url: str
    default_branch: str
    installation_id: int | None = None
    comment_id: int | None = None
    """Set for command triggers: the comment to react to, and whose author must have write access."""

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class Ignored:
    """A well-formed delivery that starts nothing, and why."""

    reason: str


def has_command(text: str, command: str) -> bool:
    """Whether a line of ``text`` starts with ``command`` (then ends or continues after a space),
    outside '>' quotes and fenced code blocks (quoting someone's command must not re-run it)."""
    fence = None
    for line in text.splitlines():
        stripped = line.lstrip()
        marker = stripped[:3]
        if marker in ("```", "~~~"):
            fence = None if fence == marker else fence or marker
            continue
        if fence or stripped.startswith(">"):
            continue
        if line == command or (line.startswith(command) and line[len(command)].isspace()):
            return True
    return False


def is_bot(user: dict[str, Any] | None, self_login: str) -> bool:
    user = user or {}
    login = str(user.get("login", ""))
    return user.get("type") == "Bot" or login.endswith("[bot]") or login.lower() == self_login.lower()


def _base(payload: dict[str, Any], key: str, actor: str, comment_id: int | None = None) -> Trigger:
    repo, issue = payload["repository"], payload["issue"]
    return Trigger(
        repo=repo["full_name"], issue=int(issue["number"]), key=key, actor=actor,
        title=issue.get("title") or "", body=issue.get("body") or "",
        clone_url=repo["clone_url"], default_branch=repo.get("default_branch") or "main",
        installation_id=(payload.get("installation") or {}).get("id"), comment_id=comment_id,
    )


def classify(event: str, payload: dict[str, Any], *, label: str, command: str, self_login: str) -> Trigger | Ignored:
    """A Trigger, or why this delivery starts nothing. Raises KeyError/TypeError on a payload
    missing what its event must have (the receiver answers 400)."""
    if event not in ("issues", "issue_comment"):
        return Ignored(f"event {event!r} is not handled")
    sender = payload.get("sender") or {}
    if is_bot(sender, self_login):
        return Ignored("sent by a bot")
    issue = payload["issue"]
    if "pull_request" in issue:
        return Ignored("a pull request, not an issue")
    if issue.get("state", "open") != "open":
        return Ignored("the issue is closed")
    if event == "issues":
        if payload.get("action") != "labeled" or (payload.get("label") or {}).get("name") != label:
            return Ignored(f"not the {label!r} label being added")
        return _base(payload, "label", sender["login"])
    comment = payload["comment"]
    if payload.get("action") != "created":
        return Ignored("only new comments are commands")
    if is_bot(comment.get("user"), self_login):
        return Ignored("comment by a bot")
    if not has_command(comment.get("body") or "", command):
        return Ignored("no command in the comment")
    if comment.get("author_association") not in TRUSTED_ASSOCIATIONS:
        return Ignored(f"{comment['user']['login']} is not a collaborator")
    return _base(payload, f"comment:{int(comment['id'])}", comment["user"]["login"], int(comment["id"]))
