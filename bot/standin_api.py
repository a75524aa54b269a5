"""The REST endpoints of the GitHub stand-in (``bot.standin``): a table of (method, path
pattern) -> handler, each a small function of the stand-in's state."""

from __future__ import annotations

import re
import time
from collections.abc import Callable
from typing import Any

from bot.standin import BOT_LOGIN, GitHubStandIn, HTTPError

REACTIONS = ("+1", "-1", "laugh", "confused", "heart", "hooray", "rocket", "eyes")
Handler = Callable[..., tuple[int, Any]]
ROUTES: list[tuple[str, re.Pattern, Handler, str]] = []
"""(method, path pattern, handler, credential kind it needs: 'jwt' or 'token')."""


def endpoint(method: str, pattern: str, needs: str = "token"):
    def add(fn: Handler) -> Handler:
        ROUTES.append((method, re.compile(f"^{pattern}$"), fn, needs))
        return fn

    return add


def route(standin: GitHubStandIn, method: str, path: str, query: dict, data: Any, auth: str) -> tuple[int, Any]:
    for m, pattern, fn, needs in ROUTES:
        match = pattern.match(path)
        if m == method and match:
            if auth != needs:
                raise HTTPError(401, f"this endpoint needs a {needs} credential")
            with standin._lock:
                return fn(standin, query=query, data=data or {}, **match.groupdict())
    raise HTTPError(404, "Not Found")


def _repo(standin: GitHubStandIn, owner: str, name: str):
    repo = standin.repos.get(f"{owner}/{name}")
    if repo is None:
        raise HTTPError(404, "Not Found")
    return repo


def _issue(standin: GitHubStandIn, owner: str, name: str, number: str) -> dict[str, Any]:
    issue = standin.issues.get((_repo(standin, owner, name).full_name, int(number)))
    if issue is None:
        raise HTTPError(404, "Not Found")
    return issue


REPO = r"/repos/(?P<owner>[^/]+)/(?P<name>[^/]+)"


@endpoint("POST", r"/app/installations/(?P<installation>\d+)/access_tokens", needs="jwt")
def access_token(standin, *, installation, **_):
    token, expires = standin.issue_token()
    return 201, {"token": token, "expires_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(expires))}


@endpoint("GET", REPO)
def get_repo(standin, *, owner, name, **_):
    return 200, standin.repo_payload(_repo(standin, owner, name).full_name)


@endpoint("GET", REPO + r"/collaborators/(?P<user>[^/]+)/permission")
def permission(standin, *, owner, name, user, **_):
    level = _repo(standin, owner, name).collaborators.get(user, "none")
    return 200, {"permission": level, "role_name": level, "user": {"login": user}}


@endpoint("GET", REPO + r"/issues/(?P<number>\d+)")
def get_issue(standin, *, owner, name, number, **_):
    return 200, _issue(standin, owner, name, number)


@endpoint("POST", REPO + r"/issues/(?P<number>\d+)/comments")
def create_comment(standin, *, owner, name, number, data, **_):
    issue = _issue(standin, owner, name, number)
    comment = standin.add_comment(f"{owner}/{name}", issue["number"], str(data.get("body", "")), BOT_LOGIN, "Bot")
    return 201, comment


@endpoint("GET", REPO + r"/issues/(?P<number>\d+)/comments")
def list_comments(standin, *, owner, name, number, **_):
    return 200, standin.comments_on(f"{owner}/{name}", int(number))


@endpoint("PATCH", REPO + r"/issues/comments/(?P<comment>\d+)")
def edit_comment(standin, *, comment, data, **_):
    found = standin.comments.get(int(comment))
    if found is None:
        raise HTTPError(404, "Not Found")
    found["body"] = str(data.get("body", ""))
    found["edits"] = found.get("edits", 0) + 1
    return 200, found


def _react(standin, subject: tuple, data: dict) -> tuple[int, Any]:
    if data.get("content") not in REACTIONS:
        raise HTTPError(422, "Validation Failed")
    reaction = {"id": next(standin._ids), "subject": subject, "content": data["content"], "user": {"login": BOT_LOGIN}}
    standin.reactions.append(reaction)
    return 201, reaction


@endpoint("POST", REPO + r"/issues/comments/(?P<comment>\d+)/reactions")
def react_comment(standin, *, owner, name, comment, data, **_):
    if int(comment) not in standin.comments:
        raise HTTPError(404, "Not Found")
    return _react(standin, ("comment", int(comment)), data)


@endpoint("POST", REPO + r"/issues/(?P<number>\d+)/reactions")
def react_issue(standin, *, owner, name, number, data, **_):
    return _react(standin, ("issue", _issue(standin, owner, name, number)["number"]), data)


@endpoint("GET", REPO + r"/pulls")
def list_pulls(standin, *, owner, name, query, **_):
    repo = _repo(standin, owner, name)
    head = (query.get("head") or [None])[0]
    state = (query.get("state") or ["open"])[0]
    pulls = [p for p in standin.pulls_of(repo.full_name)
             if (state == "all" or p["state"] == state) and (head is None or p["head"]["label"] == head)]
    return 200, pulls


@endpoint("POST", REPO + r"/pulls")
def create_pull(standin, *, owner, name, data, **_):
    repo = _repo(standin, owner, name)
    head, base = str(data.get("head", "")), str(data.get("base", ""))
    sha = standin.branch_head(repo.full_name, head)
    if sha is None or standin.branch_head(repo.full_name, base) is None:
        raise HTTPError(422, "Validation Failed: head or base branch does not exist")
    if any(p["head"]["ref"] == head and p["state"] == "open" for p in standin.pulls_of(repo.full_name)):
        raise HTTPError(422, f"Validation Failed: a pull request already exists for {owner}:{head}")
    number = standin._next_number(repo.full_name)
    pull = {"number": number, "title": data.get("title", ""), "body": data.get("body", ""), "state": "open",
            "draft": bool(data.get("draft")), "user": {"login": BOT_LOGIN, "type": "Bot"},
            "head": {"ref": head, "sha": sha, "label": f"{owner}:{head}"}, "base": {"ref": base},
            "html_url": f"{standin.base_url}/{repo.full_name}/pull/{number}"}
    standin.pulls[(repo.full_name, number)] = pull
    return 201, pull


@endpoint("PATCH", REPO + r"/pulls/(?P<number>\d+)")
def update_pull(standin, *, owner, name, number, data, **_):
    pull = standin.pulls.get((_repo(standin, owner, name).full_name, int(number)))
    if pull is None:
        raise HTTPError(404, "Not Found")
    pull.update({k: v for k, v in data.items() if k in ("title", "body", "state")})
    return 200, pull
