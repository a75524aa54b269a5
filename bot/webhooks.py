"""Building and sending GitHub webhook deliveries, as GitHub would: for the stand-in's users
(tests, the load benchmark, ``capuchin bot demo``)."""

from __future__ import annotations

import json
import uuid
from typing import Any

import httpx

from bot.signature import sign
from bot.standin import GitHubStandIn


def labeled(standin: GitHubStandIn, repo: str, issue: int, *, label: str = "capuchin", sender: str = "maintainer",
            installation_id: int | None = None) -> dict[str, Any]:
    """An ``issues`` delivery: ``sender`` added ``label`` to the issue."""
    payload = {"action": "labeled", "label": {"name": label}, "issue": standin.issues[(repo, issue)],
               "repository": standin.repo_payload(repo), "sender": {"login": sender, "type": "User"}}
    if installation_id is not None:
        payload["installation"] = {"id": installation_id}
    return payload


def commented(standin: GitHubStandIn, repo: str, issue: int, body: str, *, user: str = "maintainer",
              association: str = "COLLABORATOR", user_type: str = "User",
              installation_id: int | None = None) -> dict[str, Any]:
    """An ``issue_comment`` delivery for a new comment (also added to the stand-in's issue)."""
    comment = standin.add_comment(repo, issue, body, user, user_type)
    payload = {"action": "created", "issue": standin.issues[(repo, issue)], "repository": standin.repo_payload(repo),
               "comment": {"id": comment["id"], "body": body, "user": {"login": user, "type": user_type},
                           "author_association": association},
               "sender": {"login": user, "type": user_type}}
    if installation_id is not None:
        payload["installation"] = {"id": installation_id}
    return payload


def signed_request(secret: bytes, event: str, payload: dict[str, Any] | bytes,
                   guid: str | None = None) -> tuple[dict[str, str], bytes]:
    """(headers, body) of a delivery signed with ``secret``."""
    body = payload if isinstance(payload, bytes) else json.dumps(payload).encode()
    headers = {"Content-Type": "application/json", "X-GitHub-Event": event,
               "X-GitHub-Delivery": guid or str(uuid.uuid4()), "X-Hub-Signature-256": sign(secret, body),
               "User-Agent": "GitHub-Hookshot/capuchin-standin"}
    return headers, body


def deliver(url: str, secret: bytes, event: str, payload: dict[str, Any] | bytes, guid: str | None = None,
            client: httpx.Client | None = None) -> httpx.Response:
    """POST a signed delivery to the receiver at ``url``."""
    headers, body = signed_request(secret, event, payload, guid)
    if client is not None:
        return client.post(url, content=body, headers=headers)
    return httpx.post(url, content=body, headers=headers, timeout=10)
