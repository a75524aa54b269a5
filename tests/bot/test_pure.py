"""The bot's pure parts: signatures, triggers, message formatting."""

from __future__ import annotations

import pytest

from bot import signature
from bot.messages import diff_stats
from bot.triggers import Ignored, Trigger, classify, has_command

SECRET = b"It's a Secret to Everybody"


def test_githubs_documented_test_vector_verifies():
    """docs.github.com, 'Validating webhook deliveries': the one vector GitHub publishes."""
    header = "sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17"
    assert signature.sign(SECRET, b"Hello, World!") == header
    assert signature.verify(SECRET, b"Hello, World!", header)
    assert signature.verify(SECRET, b"Hello, World!", header.upper().replace("SHA256=", "sha256="))


@pytest.mark.parametrize("header", [
    None, "", "sha256=", "sha1=01dc10d0c83e72ed246219cdd91669667fe2ca59",
    "sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e18",
    "sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e1",
    "sha256=zz7107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17",
])
def test_anything_else_is_refused(header):
    assert not signature.verify(SECRET, b"Hello, World!", header)


def test_an_empty_secret_verifies_nothing():
    assert not signature.verify(b"", b"x", signature.sign(b"", b"x"))


@pytest.mark.parametrize(("text", "found"), [
    ("/capuchin fix", True),
    ("Thanks!\n/capuchin fix\n", True),
    ("/capuchin fix please", True),
    ("/capuchin fixes", False),
    ("please /capuchin fix", False),
    (" /capuchin fix", False),
    ("> /capuchin fix", False),
    ("```\n/capuchin fix\n```", False),
    ("~~~md\n/capuchin fix\n~~~\n/capuchin fix", True),
    ("/Capuchin fix", False),
])
def test_the_command_must_start_a_line_outside_quotes_and_code(text, found):
    assert has_command(text, "/capuchin fix") is found


def _payload(event: str, **over):
    base = {"repository": {"full_name": "o/r", "clone_url": "https://github.com/o/r.git", "default_branch": "main"},
            "issue": {"number": 7, "title": "t", "body": "b", "state": "open"},
            "sender": {"login": "alice", "type": "User"}, "installation": {"id": 42}}
    if event == "issues":
        base |= {"action": "labeled", "label": {"name": "capuchin"}}
    else:
        base |= {"action": "created", "comment": {"id": 9, "body": "/capuchin fix", "author_association": "MEMBER",
                                                  "user": {"login": "alice", "type": "User"}}}
    return base | over


def _classify(event, payload):
    return classify(event, payload, label="capuchin", command="/capuchin fix", self_login="capuchin[bot]")


def test_the_label_and_the_command_trigger():
    label = _classify("issues", _payload("issues"))
    assert isinstance(label, Trigger)
    assert (label.repo, label.issue, label.key, label.installation_id) == ("o/r", 7, "label", 42)
    command = _classify("issue_comment", _payload("issue_comment"))
    assert isinstance(command, Trigger)
    assert (command.key, command.comment_id, command.actor) == ("comment:9", 9, "alice")


@pytest.mark.parametrize(("event", "change", "reason"), [
    ("issues", {"label": {"name": "bug"}}, "label"),
    ("issues", {"action": "opened"}, "label"),
    ("issues", {"sender": {"login": "dependabot[bot]", "type": "Bot"}}, "bot"),
    ("issue_comment", {"sender": {"login": "Capuchin[bot]", "type": "User"}}, "bot"),
    ("issue_comment", {"action": "edited"}, "new comments"),
    ("issue_comment", {"comment": {"id": 9, "body": "/capuchin fix", "author_association": "NONE",
                                   "user": {"login": "mallory", "type": "User"}}}, "not a collaborator"),
    ("issue_comment", {"comment": {"id": 9, "body": "> /capuchin fix", "author_association": "OWNER",
                                   "user": {"login": "alice", "type": "User"}}}, "no command"),
    ("issue_comment", {"issue": {"number": 7, "state": "open", "pull_request": {}}}, "pull request"),
    ("issues", {"issue": {"number": 7, "state": "closed"}}, "closed"),
    ("push", {}, "not handled"),
])
def test_what_does_not_trigger(event, change, reason):
    found = _classify(event, _payload(event if event != "push" else "issues", **change))
    assert isinstance(found, Ignored)
    assert reason in found.reason


def test_diff_stats():
    patch = "--- a/m.py\n+++ b/m.py\n@@ -1,2 +1,2 @@\n-x = 1\n+x = 2\n+y = 3\n"
    assert diff_stats(patch) == (["m.py"], 2, 1)
