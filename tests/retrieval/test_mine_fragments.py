"""Changelog fragments as issue-style training text (retrieval.train.mine_fragments, issue #15)."""

import subprocess

from retrieval.train.mine_fragments import clean, fragment_commits, mine


def _git(repo, *args):
    subprocess.run(["git", "-C", str(repo), "-c", "user.name=t", "-c", "user.email=t@t", *args], check=True,
                   capture_output=True)


def test_a_commit_adding_a_fragment_pairs_its_text_with_the_code_it_changed(tmp_path):
    repo = tmp_path / "pypa+pip" / "repo"
    (repo / "src/pip").mkdir(parents=True)
    (repo / "tests").mkdir()
    _git(repo, "init", "-q")
    (repo / "src/pip/req.py").write_text("def parse():\n    return 1\n")
    _git(repo, "add", ".")
    _git(repo, "commit", "-qm", "start")
    (repo / "src/pip/req.py").write_text("def parse():\n    return 2\n")
    (repo / "tests/test_req.py").write_text("def test_parse():\n    pass\n")
    (repo / "news").mkdir()
    (repo / "news/123.bugfix.rst").write_text("Fix a crash when a requirement file has a :ref:`trailing <x>` comment.\n")
    _git(repo, "add", ".")
    _git(repo, "commit", "-qm", "Fix #123")
    commits = fragment_commits(repo / ".git", r"news/[^/]+\.bugfix\.rst$")
    assert [(f, c) for _, f, c in commits] == [(["news/123.bugfix.rst"], ["src/pip/req.py"])]  # tests left out
    import shutil

    shutil.move(str(repo / ".git"), str(tmp_path / "bare"))
    shutil.rmtree(repo)
    shutil.move(str(tmp_path / "bare"), str(repo))
    rows = mine(tmp_path, {"pypa/pip": r"news/[^/]+\.bugfix\.rst$"})
    assert [r["path"] for r in rows] == ["src/pip/req.py"]
    assert rows[0]["text"] == "Fix a crash when a requirement file has a trailing comment."


def test_sqlalchemy_directives_and_roles_are_dropped():
    text = ".. change::\n    :tags: bug, orm\n    :tickets: 9\n\n    Fixed :meth:`.Session.merge` losing state.\n"
    assert clean(text) == "Fixed .Session.merge losing state."


def test_issue_numbers_links_and_credits_are_dropped_but_code_and_prose_stay():
    assert clean("- Fixed ``open()`` mocking (`issue 2083`_, #2084). Patch by Jane Doe and @bob.") == (
        "Fixed open() mocking.")
    assert clean("Fixed by adding a lock (`#1173 <https://x/pull/1173>`_; PR by @jai) [radarhere]") == (
        "Fixed by adding a lock")
