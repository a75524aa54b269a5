"""Mining the reranker's training groups: files as outlines at the commit, negatives the commit did not touch."""

from __future__ import annotations

import gzip
import json
import subprocess
from pathlib import Path

from retrieval.rerank import file_card
from retrieval.train.mine_rerank import function_groups
from retrieval.train.mine_rerank import main as mine_rerank_main


def _git(repo: Path, *args: str) -> None:
    subprocess.run(["git", "-C", str(repo), "-c", "user.name=t", "-c", "user.email=t@t", *args],
                   check=True, capture_output=True)


def _write_pairs(path: Path, rows: list[dict]) -> None:
    with gzip.open(path, "wt") as fh:
        for row in rows:
            fh.write(json.dumps(row) + "\n")


def _shop(tmp_path: Path, files: dict[str, str]) -> tuple[Path, str]:
    """A repository of ``pkg/`` files and a commit letting a cart be cleared: (work tree, that commit)."""
    work = tmp_path / "work"
    (work / "pkg").mkdir(parents=True)
    _git(tmp_path, "init", "-q", str(work))
    for name, text in files.items():
        (work / "pkg" / name).write_text(text)
    _git(work, "add", "-A")
    _git(work, "commit", "-qm", "Add the shop")
    (work / "pkg" / "cart.py").write_text(files["cart.py"] + "    def clear(self):\n        pass\n")
    _git(work, "commit", "-qam", "Let a cart be cleared")
    sha = subprocess.run(["git", "-C", str(work), "rev-parse", "HEAD"], capture_output=True, text=True).stdout.strip()
    return work, sha


def _mine(tmp_path: Path, work: Path, rows: list[dict]) -> dict:
    """``mine_rerank``'s groups for ``rows``, from a bare mirror of ``work``."""
    subprocess.run(["git", "clone", "-q", "--bare", str(work), str(tmp_path / "mirrors" / "me+shop" / "repo")],
                   check=True)
    pairs, out = tmp_path / "pairs.jsonl.gz", tmp_path / "groups.json.gz"
    _write_pairs(pairs, rows)
    assert mine_rerank_main(["--pairs", str(pairs), "--mirrors", str(tmp_path / "mirrors"), "--out", str(out)]) == 0
    with gzip.open(out, "rt") as fh:
        return json.load(fh)


def test_groups_hold_the_changed_file_at_its_commit_and_untouched_negatives(tmp_path):
    files = {"cart.py": "class Cart:\n    def total(self):\n        return 1\n",
             "price.py": "def discount(amount):\n    return amount\n",
             "stock.py": "def reserve(name):\n    pass\n", "ship.py": "def ship(order):\n    pass\n"}
    work, sha = _shop(tmp_path, files)
    # Renamed after the commit: the mirror's HEAD has ship.py as send.py, so it cannot be a negative then.
    _git(work, "mv", "pkg/ship.py", "pkg/send.py")
    _git(work, "commit", "-qm", "Rename the shipping module")
    data = _mine(tmp_path, work, [{"repo": "me/shop", "commit": sha, "path": "pkg/cart.py", "qualname": "Cart.clear",
                                   "text": "Let a cart be cleared", "code": "Cart.clear: def clear(self):"}])
    [group] = data["groups"]
    # The positive is the file as the commit left it (with clear), not as it is at HEAD or before.
    assert data["cards"][group["pos"]] == file_card("pkg/cart.py", files["cart.py"] + "    def clear(self):\n        pass\n")
    negatives = {data["cards"][n].splitlines()[0] for n in group["negs"]}
    assert negatives == {"pkg/price.py", "pkg/stock.py"}


def test_a_commit_before_a_layout_move_finds_its_negatives_under_their_old_names(tmp_path):
    """Regression: Hypothesis moved to hypothesis-python/src/ after most of its history, so HEAD's paths did not
    exist at 1,110 of its 1,292 fragment commits and they were left out (182 groups)."""
    work, sha = _shop(tmp_path, {"cart.py": "class Cart:\n    pass\n",
                                 "price.py": "def discount(amount):\n    return amount\n",
                                 "stock.py": "def reserve(name):\n    pass\n"})
    (work / "src").mkdir()
    _git(work, "mv", "pkg", "src/pkg")
    _git(work, "commit", "-qm", "Move to src/")
    data = _mine(tmp_path, work, [{"repo": "me/shop", "commit": sha, "path": "pkg/cart.py",
                                   "text": "Let a cart be cleared"}])
    [group] = data["groups"]
    assert {data["cards"][n].splitlines()[0] for n in group["negs"]} == {"pkg/price.py", "pkg/stock.py"}


def test_function_groups_take_negatives_from_other_commits_same_file_first(tmp_path):
    rows = [{"repo": "r", "commit": c, "path": p, "qualname": q, "text": f"message {c}", "code": f"{q}: code"}
            for c, p, q in [("c1", "a.py", "f"), ("c1", "a.py", "g"), ("c2", "a.py", "h"), ("c3", "b.py", "k")]]
    pairs = tmp_path / "pairs.jsonl.gz"
    _write_pairs(pairs, rows)
    data = function_groups([pairs], seed=0, same_file=1, easy=3)
    first = data["groups"][0]
    assert data["cards"][first["pos"]] == "f: code"
    # Never g (the same commit changed it), the same-file h first, then the rest of the repository.
    assert [data["cards"][n] for n in first["negs"]] == ["h: code", "k: code"]
