"""The GitHub stand-in with the bot's real client and git: auth, recording, branches, pulls."""

from __future__ import annotations

import pytest

from bot.config import BotConfig
from bot.github import GitHubAPI, GitHubError, TokenSource
from bot.gitops import GitError, GitSession, check_remote

REPO = "octo/stats"
TOKEN = "ghp_standinTOKEN0123456789abcdef"


@pytest.fixture
def standin(world):
    return world.standin


def api(standin, token=TOKEN) -> GitHubAPI:
    config = BotConfig(api_url=standin.base_url, token=token)
    return GitHubAPI(config, TokenSource(config), REPO)


def test_comments_reactions_and_permissions_go_through_the_client(standin):
    gh = api(standin)
    cid = gh.comment(1, "working on it")
    gh.edit_comment(cid, "done")
    gh.react(1, cid, "eyes")
    assert standin.comments[cid]["body"] == "done"
    assert standin.reactions[0]["content"] == "eyes"
    assert gh.permission("maintainer") == "write"
    assert gh.permission("stranger") == "none"
    assert [c.auth for c in standin.calls] == ["token"] * 5
    assert all(TOKEN not in repr(c) for c in standin.calls)


def test_a_wrong_token_is_a_clear_error(standin):
    with pytest.raises(GitHubError, match="HTTP 401 Bad credentials") as info:
        api(standin, token="nope").comment(1, "x")
    assert info.value.status == 401


def test_clone_and_push_a_branch_then_open_a_pull_request(standin, tmp_path):
    git = GitSession(tmp_path / "clone", standin.clone_url(REPO), TOKEN)
    work = git.clone("main")
    assert (work / "descstats" / "central.py").is_file()
    assert TOKEN not in (work / ".git" / "config").read_text()
    (work / "NOTE.md").write_text("hello\n")
    patch = "--- /dev/null\n+++ b/NOTE.md\n@@ -0,0 +1 @@\n+hello\n"
    (work / "NOTE.md").unlink()
    git.commit("capuchin/issue-1", patch, "Add a note")
    git.push("capuchin/issue-1", "main")
    assert standin.branch_head(REPO, "capuchin/issue-1") is not None
    gh = api(standin)
    assert gh.open_pull("capuchin/issue-1") is None
    pull = gh.create_pull(branch="capuchin/issue-1", base="main", title="Fix #1", body="Fixes #1")
    assert pull["draft"] is True
    assert gh.open_pull("capuchin/issue-1")["number"] == pull["number"]


def test_git_without_the_token_is_refused_and_nothing_leaks(standin, tmp_path):
    with pytest.raises(GitError) as info:
        GitSession(tmp_path / "clone", standin.clone_url(REPO), "ghp_wrong_token_value").clone("main")
    assert "ghp_wrong_token_value" not in info.value.message


def test_the_bot_never_pushes_the_default_branch(standin, tmp_path):
    git = GitSession(tmp_path / "clone", standin.clone_url(REPO), TOKEN)
    git.clone("main")
    with pytest.raises(GitError, match="refusing to push"):
        git.push("main", "main")


@pytest.mark.parametrize(("url", "ok"), [
    ("https://github.com/o/r.git", True), ("http://127.0.0.1:8000/o/r.git", True),
    ("http://github.com/o/r.git", False), ("https://user:pw@github.com/o/r.git", False),
    ("ssh://git@github.com/o/r.git", False), ("file:///tmp/r.git", False),
])
def test_only_https_or_loopback_remotes(url, ok):
    if ok:
        check_remote(url)
    else:
        with pytest.raises(GitError):
            check_remote(url)
