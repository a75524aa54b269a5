"""Changelog lines added by the fixing commit as issue-style training text (retrieval.train.mine_changelog, #15)."""

import shutil
import subprocess

import pytest

from retrieval.train.mine_changelog import added_entries, main, mine_repo


def _git(repo, *args):
    subprocess.run(["git", "-C", str(repo), "-c", "user.name=t", "-c", "user.email=t@t", *args], check=True,
                   capture_output=True)


def _commit(repo, files: dict[str, str], message: str):
    for name, text in files.items():
        (repo / name).parent.mkdir(parents=True, exist_ok=True)
        (repo / name).write_text(text)
    _git(repo, "add", ".")
    _git(repo, "commit", "-qm", message)


def _bare(tmp_path, work):
    """The miner reads bare mirrors (<owner>+<name>/repo), as /work/.mirror holds them."""
    mirror = tmp_path / "pallets+click" / "repo"
    mirror.parent.mkdir()
    shutil.move(str(work / ".git"), str(mirror))
    return mirror


def test_a_fix_pairs_the_changelog_line_it_added_with_the_code_it_changed(tmp_path):
    work = tmp_path / "work"
    work.mkdir()
    _git(work, "init", "-q")
    head = "Version 8.1\n-----------\n\nUnreleased\n\n-   Old entry. :issue:`1`\n"
    _commit(work, {"CHANGES.rst": head, "src/click/termui.py": "def prompt():\n    return 1\n",
                   "src/click/__init__.py": "__version__ = '8.1.0.dev'\n"}, "start")
    # The fix: one new entry (and the previous entry re-wrapped, which is not new text), code and a test.
    _commit(work, {"CHANGES.rst": head.replace("-   Old entry. :issue:`1`\n",
                                               "-   Old entry.\n    :issue:`1`\n-   Fix a bug where ``click.prompt``\n"
                                               "    hides the default value. :issue:`1234` :pr:`1240`\n"),
                   "src/click/termui.py": "def prompt():\n    return 2\n", "tests/test_termui.py": "def test():\n    pass\n"},
            "Fix prompt (#1240)")
    # A release: a dated heading and a version bump, paired with nothing.
    _commit(work, {"CHANGES.rst": (work / "CHANGES.rst").read_text().replace("Unreleased", "Released 2024-05-01"),
                   "src/click/__init__.py": "__version__ = '8.1.0'\n"}, "Release 8.1.0")
    rows, stats = mine_repo(_bare(tmp_path, work), "pallets/click")
    assert [(r["path"], r["text"]) for r in rows] == [
        ("src/click/termui.py", "Fix a bug where click.prompt hides the default value.")]
    assert stats["releases"] == 1


def test_entries_split_at_bullets_and_headings_and_sub_items_stay_with_their_entry():
    diff = "\n".join([
        "@@ -7,0 +8,9 @@", "+### Fixed", "+", "+- Fixed infinite loop with `cells.split_graphemes`",
        "+  when the text is empty https://github.com/Textualize/rich/pull/4006", "+- Added ``amap``:",
        "+  * ``follow_symlinks`` on ``exists()``", "+  (`#1286 <https://github.com/a/b/pull/1286>`_; PR by @jai)",
        "+.. _issue 2083: https://github.com/nedbat/coveragepy/issues/2083"])
    assert added_entries(diff) == ["Fixed infinite loop with cells.split_graphemes when the text is empty",
                                   "Added amap: * follow_symlinks on exists()"]
    assert added_entries("@@ -1 +1,2 @@\n+## [14.3.3] - 2026-02-19\n+- Fixed a thing that broke") is None


def test_dev_set_repositories_are_refused(tmp_path):
    with pytest.raises(SystemExit):
        main(["--mirrors", str(tmp_path), "--out", str(tmp_path / "o.jsonl.gz"), "--repos", "pallets/flask"])
