"""The repository's own history: per-file commit-message documents, renames, co-change, incremental reads."""

from __future__ import annotations

import subprocess
from pathlib import Path

import numpy as np
import pytest

from retrieval import Localizer, RepoIndex, RetrievalConfig
from retrieval.history import History, open_history, parse_log, read_log


def _git(repo: Path, *args: str) -> str:
    return subprocess.run(["git", "-C", str(repo), "-c", "user.name=t", "-c", "user.email=t@t", *args],
                          check=True, capture_output=True, text=True).stdout


def _commit(repo: Path, files: dict[str, str], message: str) -> None:
    for path, text in files.items():
        (repo / path).parent.mkdir(parents=True, exist_ok=True)
        (repo / path).write_text(text)
    _git(repo, "add", "-A")
    _git(repo, "commit", "-qm", message)


def _repo(tmp_path: Path) -> Path:
    repo = tmp_path / "proj"
    repo.mkdir()
    _git(repo, "init", "-q")
    _commit(repo, {"pkg/old_name.py": "def f():\n    return 1\n"}, "initial layout")
    _commit(repo, {"pkg/old_name.py": "def f():\n    return 2\n"}, "Fix the timezone offset parser for negative hours")
    _commit(repo, {"pkg/old_name.py": "def f():\n    return T\n", "pkg/table.py": "T = {}\n"},
            "Add the lookup table used by the parser")
    _git(repo, "mv", "pkg/old_name.py", "pkg/dates.py")
    _git(repo, "commit", "-qm", "Move the module to dates")
    _commit(repo, {"pkg/other.py": "x = 2\n"}, "Speed up the unrelated cache")
    return repo


def test_messages_follow_renames(tmp_path):
    """A message written when the file had its old name belongs to the file under today's name."""
    repo = _repo(tmp_path)
    history = History("HEAD", read_log(repo, "HEAD", 100, merges=False))
    assert "timezone offset parser" in history.documents["pkg/dates.py"]
    assert "pkg/old_name.py" not in history.documents
    assert "timezone" not in history.documents["pkg/other.py"]


def test_cochange_counts_files_changed_together(tmp_path):
    history = History("HEAD", read_log(_repo(tmp_path), "HEAD", 100, merges=False))
    assert history.cochange["pkg/dates.py"]["pkg/table.py"] == 1
    assert history.cochange["pkg/table.py"]["pkg/dates.py"] == 1
    assert "pkg/other.py" not in history.cochange


def test_sweeping_commits_are_left_out(tmp_path):
    repo = _repo(tmp_path)
    history = History("HEAD", read_log(repo, "HEAD", 100, merges=False), max_files=1)
    assert "lookup table" not in history.documents["pkg/dates.py"]  # that commit touched 2 files
    assert "negative hours" in history.documents["pkg/dates.py"]


def test_parse_log_reads_renames_and_merges():
    text = "\x00abc\x01p1 p2\x01Merge pull request #1 from x/y\n\nFix it\x02\nR100\ta.py\tb.py\nM\tc.py\n"
    (commit,) = parse_log(text)
    assert commit.merge
    assert commit.files == ("b.py", "c.py")
    assert commit.renames == (("a.py", "b.py"),)


def test_update_reads_only_new_commits(tmp_path, monkeypatch):
    repo = _repo(tmp_path)
    first = open_history(repo, 100, merges=False, max_files=30)
    _commit(repo, {"pkg/dates.py": "def f():\n    return 3\n"}, "Handle leap seconds in dates")
    ranges = []
    import retrieval.history as history_module

    real = history_module.read_log
    monkeypatch.setattr(history_module, "read_log", lambda r, rev, *a, **k: ranges.append(rev) or real(r, rev, *a, **k))
    second = open_history(repo, 100, merges=False, max_files=30)
    assert ranges == [f"{first.head}..{second.head}"]
    assert "leap seconds" in second.documents["pkg/dates.py"]
    assert "timezone" in second.documents["pkg/dates.py"]


def test_history_signal_ranks_the_file_past_commits_describe(tmp_path):
    repo = _repo(tmp_path)
    config = RetrievalConfig(weights={"history": 1.0})
    ranked = Localizer(RepoIndex.open(repo, config), config).rank_files("wrong timezone offset for negative hours")
    assert ranked[0][0] == "pkg/dates.py"


def test_cochange_signal_brings_in_the_partner_file(tmp_path):
    repo = _repo(tmp_path)
    config = RetrievalConfig(weights={"path": 1.0, "cochange": 0.5}, cochange_seeds=1, cochange_keep=1)
    index = RepoIndex.open(repo, config)
    ranked = [p for p, s in Localizer(index, config).rank_files("bug in pkg/dates.py") if np.isfinite(s) and s > 0]
    assert ranked[:2] == ["pkg/dates.py", "pkg/table.py"]


def test_cochange_max_files_reaches_the_index(tmp_path):
    """retrieval.cochange_max_files must reach History: the re-tune (issue #15) chose 30 over History's old 10."""
    repo = _repo(tmp_path)
    _commit(repo, {f"pkg/m{i}.py": f"x = {i}\n" for i in range(11)} | {"pkg/table.py": "T = {1: 2}\n"},
            "Register the eleven modules in the lookup table")
    counts = {}
    for limit in (10, 30):
        config = RetrievalConfig(weights={"cochange": 1.0}, cochange_max_files=limit)
        counts[limit] = RepoIndex.open(repo, config).history.history.cochange["pkg/table.py"]
    assert "pkg/m0.py" not in counts[10]  # that commit touched 12 files
    assert counts[30]["pkg/m0.py"] == 1


def test_no_git_means_no_history(tmp_path):
    (tmp_path / "a.py").write_text("x = 1\n")
    assert open_history(tmp_path, 100, merges=False, max_files=30) is None


def test_refresh_keeps_the_history_while_head_stays(tmp_path, monkeypatch):
    """A work-tree edit must not re-read the log (the one-file update budget is 2 s on sympy)."""
    repo = _repo(tmp_path)
    config = RetrievalConfig(weights={"history": 1.0})
    index = RepoIndex.open(repo, config)
    scorer = index.history
    import retrieval.history as history_module

    monkeypatch.setattr(history_module, "read_log", lambda *a, **k: pytest.fail("log read again"))
    monkeypatch.setattr(history_module, "_load_cached", lambda *a, **k: pytest.fail("cache read again"))
    (repo / "pkg" / "dates.py").write_text("def f():\n    return 4\n")
    assert index.refresh().history is scorer
    (repo / "pkg" / "new.py").write_text("y = 1\n")
    fresh = index.refresh().history
    assert fresh.history is scorer.history
    assert "pkg/new.py" in fresh.paths


def test_keep_top_leaves_the_best_places_alone():
    """Co-change fills the lower slots: files the first pass put on top stay there (it cost Acc@1 otherwise)."""
    from retrieval.rank import keep_top

    before = np.array([0.9, 0.8, 0.1, 0.0])
    after = np.array([0.9, 0.8, 0.1, 5.0])  # a partner file that would jump to first place
    out = keep_top(before, after, 2)
    assert list(np.argsort(-out)) == [0, 1, 3, 2]
    assert list(np.argsort(-keep_top(before, after, 0))) == [3, 0, 1, 2]
