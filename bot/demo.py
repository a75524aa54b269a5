"""`capuchin bot demo`: the whole bot on this machine, without GitHub.

It starts the GitHub stand-in holding a bundled example bug as a repository with one issue,
the receiver and a worker on loopback, sends a signed ``issues.labeled`` delivery as GitHub
would, follows the status comment, and prints the pull request (or the comment saying why
there is none). The patch on the pull request's branch is then judged with the bug's hidden
tests.
"""

from __future__ import annotations

import secrets
import shutil
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

from rich.console import Console
from rich.markdown import Markdown
from rich.markup import escape

from agent.core.config import cache_dir
from bot import webhooks
from bot.worker import SolveFn, default_solve

err = Console(stderr=True)
REPO = "demo/{bug}"


@dataclass
class DemoResult:
    pull: dict | None
    """The draft pull request, or None when the bot found no verified patch."""
    last_comment: str
    hidden_tests_passed: bool | None = None
    """Whether the pull request's branch passes the bug's hidden tests and its own (None: no PR)."""


def _issue_title(text: str) -> tuple[str, str]:
    first, _, rest = text.strip().partition("\n")
    return first.lstrip("# ").strip(), rest.strip()


def run_demo(bug: str | None = None, *, samples: int | None = None, where: Path | None = None,
             solve_fn: SolveFn = default_solve) -> DemoResult:
    """Run the demo: what it ended with (a pull request judged by the hidden tests, or a comment)."""
    from agent.core.config import settings_for
    from agent.demo import bug_dir
    from bot.receiver import create_app
    from bot.server import open_queue, receiver_in_thread, running_workers
    from bot.standin import GitHubStandIn

    source = bug_dir(bug)
    root = where or cache_dir() / "bot-demo"
    shutil.rmtree(root, ignore_errors=True)
    token, secret, repo = "ghp_demo_" + secrets.token_hex(12), secrets.token_hex(16), REPO.format(bug=source.name)
    with GitHubStandIn(root / "remotes", token=token) as standin:
        standin.add_repo(repo, source / "repo", collaborators={"maintainer": "admin"})
        title, body = _issue_title((source / "issue.md").read_text())
        issue = standin.add_issue(repo, title, body, user="maintainer")
        settings = settings_for(None, solve={"samples": samples}, bot={
            "api_url": standin.base_url, "token": token, "webhook_secret": secret, "workdir": str(root / "work"),
            "queue_path": str(root / "queue.sqlite3"), "poll_s": 0.2})
        queue = open_queue(settings.bot)
        err.print(f"[bold]bot demo[/]: GitHub stand-in at {standin.base_url}, repository {repo}, issue #{issue['number']}")
        err.print(Markdown(f"**{title}**\n\n{body}"))
        with receiver_in_thread(create_app(settings.bot, queue, secret.encode())) as url, \
                running_workers(settings, queue, 1, solve_fn=solve_fn):
            response = webhooks.deliver(f"{url}/webhook", secret.encode(), "issues",
                                        webhooks.labeled(standin, repo, issue["number"], sender="maintainer"))
            err.print(f"signed issues.labeled delivery -> HTTP {response.status_code} {response.json()['outcome']}")
            _follow(standin, queue, repo, issue["number"])
        return _show_result(standin, repo, issue["number"], source, settings)


def _follow(standin, queue, repo: str, number: int) -> None:
    """Print the status comment's new lines until the job ends."""
    shown: set[str] = set()
    while True:
        counts = queue.job_counts()
        for comment in standin.comments_on(repo, number)[:1]:
            for line in comment["body"].splitlines()[2:]:
                if line not in shown:
                    shown.add(line)
                    err.print(f"  [cyan]status[/] {escape(line.removeprefix('- '))}")
        if counts["queued"] == counts["running"] == 0:
            return
        time.sleep(0.5)


def _show_result(standin, repo: str, number: int, source: Path, settings) -> DemoResult:
    pulls = standin.pulls_of(repo)
    comments = standin.comments_on(repo, number)
    final = comments[-1]["body"] if comments else ""
    if not pulls:
        err.print("[bold yellow]no pull request[/]; the bot's last comment:")
        err.print(Markdown(final.replace("<!-- capuchin -->", "")))
        return DemoResult(None, final)
    pull = pulls[-1]
    err.print(f"[bold green]draft pull request #{pull['number']}[/]: {escape(pull['title'])} "
              f"({pull['head']['ref']} -> {pull['base']['ref']})")
    err.print(Markdown(pull["body"].replace("<!-- capuchin -->", "")))
    bare = standin.repos[repo].bare
    diff = subprocess.run(["git", "-C", str(bare), "diff", f"{pull['base']['ref']}...{pull['head']['ref']}"],
                          capture_output=True, text=True).stdout
    err.print(escape(diff))
    return DemoResult(pull, final, _judge(bare, pull["head"]["ref"], source, settings))


def _judge(bare: Path, branch: str, source: Path, settings) -> bool:
    """Run the bug's hidden tests (and its own) on the pull request's branch."""
    from agent.demo import all_passed, is_hidden, run_hidden_tests
    from sandbox import open_sandbox

    clone = bare.parent / "judge"
    shutil.rmtree(clone, ignore_errors=True)
    subprocess.run(["git", "clone", "-q", "--branch", branch, str(bare), str(clone)], check=True)
    result = run_hidden_tests(open_sandbox(settings.sandbox), clone, source, "")
    hidden = {t: s for t, s in result.tests.items() if is_hidden(t)}
    passed = all_passed(result) and bool(hidden)
    colour = "green" if passed else "red"
    err.print(f"[bold {colour}]hidden tests on the pull request's branch: "
              f"{sum(s == 'PASSED' for s in hidden.values())}/{len(hidden)} passed; "
              f"all tests {'pass' if passed else 'do not all pass'}[/]")
    return passed
