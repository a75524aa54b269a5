"""Mine (changelog fragment -> changed file) pairs: issue-style training text for the file reranker.

Commit messages are terse and name what changed ("Fix _mp_prefork"); the dev set's issues describe
symptoms. Projects using towncrier-style news fragments (pip ``news/``, aiohttp ``CHANGES/``, attrs
``changelog.d/``, SQLAlchemy ``doc/build/changelog/unreleased_*/``...) write, in the pull request that
fixes a bug, a sentence for users about what went wrong, as an issue would. Each first-parent commit
(a merge is diffed against its first parent, so the whole pull request counts) that adds a fragment
and changes a few non-test Python files gives one pair per changed file, in ``mine.py``'s pair format
(``repo``, ``commit``, ``path``, ``text``), which ``mine_rerank`` turns into groups. None of the nine
dev-set repositories is mined (``FRAGMENT_DIRS`` names the rest).

    python -m retrieval.train.mine_fragments --mirrors /work/.mirror --out fragments.jsonl.gz
"""

from __future__ import annotations

import argparse
import gzip
import json
import re
import subprocess
import sys
from pathlib import Path

from retrieval.train.mine import _TEST_PATH

FRAGMENT_DIRS = {
    "pypa/pip": r"news/[^/]+\.(bugfix|feature|removal|process)(\.rst|\.md)?$",
    "aio-libs/aiohttp": r"CHANGES/[^/]+\.(bugfix|feature|breaking|deprecation|misc)(\.rst)?$",
    "python-attrs/attrs": r"changelog\.d/[^/]+\.(change|breaking|deprecation)\.md$",
    "pypa/setuptools": r"(newsfragments|changelog\.d)/[^/]+\.(bugfix|feature|change|breaking|misc)(\.rst)?$",
    "sqlalchemy/sqlalchemy": r"doc/build/changelog/unreleased_[^/]+/[^/]+\.rst$",
    "pydantic/pydantic": r"changes/[^/]+\.md$",
    "ipython/ipython": r"docs/source/whatsnew/pr/[^/]+\.rst$",
}
MAX_FILES = 6
"""Pull requests changing more Python files than this are refactorings; their fragment says little per file."""
_SQLA_META = re.compile(r"^\s*(\.\. change::|:tags:|:tickets:|:versions:).*$", re.M)


def git(mirror: Path, *args: str) -> str:
    done = subprocess.run(["git", "--git-dir", str(mirror), *args], capture_output=True, check=False)
    return done.stdout.decode("utf-8", "replace")


def fragment_commits(mirror: Path, pattern: str) -> list[tuple[str, list[str], list[str]]]:
    """(commit, fragments added, non-test Python files changed) for each first-parent commit adding a fragment."""
    log = git(mirror, "log", "--first-parent", "-m", "--name-status", "--format=@@%H", "--no-renames")
    wanted, out = re.compile(pattern), []
    for chunk in log.split("@@")[1:]:
        lines = chunk.strip().splitlines()
        if not lines:
            continue
        sha, fragments, code = lines[0], [], []
        for line in lines[1:]:
            status, _, path = line.partition("\t")
            if status == "A" and wanted.search(path):
                fragments.append(path)
            elif status == "M" and path.endswith(".py") and not _TEST_PATH.search(path):
                code.append(path)
        if fragments and 0 < len(code) <= MAX_FILES:
            out.append((sha, fragments, code))
    return out


def clean(text: str) -> str:
    """Fragment text without reStructuredText/markdown markup noise (SQLAlchemy's directive lines, roles)."""
    text = _SQLA_META.sub("", text)
    text = re.sub(r":(?:ref|class|meth|func|attr|paramref|ticket|issue|pr|user):`~?([^`<]*?)(?:\s*<[^>]*>)?`", r"\1",
                  text)
    return re.sub(r"\s+", " ", text).strip()


def mine(mirrors: Path, repos: dict[str, str]) -> list[dict]:
    rows = []
    for repo, pattern in repos.items():
        mirror = mirrors / repo.replace("/", "+") / "repo"
        if not mirror.is_dir():
            print(f"{repo}: no mirror at {mirror}, skipped", file=sys.stderr)
            continue
        commits = fragment_commits(mirror, pattern)
        kept = 0
        for sha, fragments, code in commits:
            text = " ".join(clean(git(mirror, "show", f"{sha}:{f}")) for f in fragments)[:2000]
            if len(text) < 20:
                continue
            kept += 1
            rows.extend({"repo": repo, "commit": sha, "path": p, "text": text} for p in code)
        print(f"{repo}: {len(commits)} fragment commits, {kept} kept", file=sys.stderr)
    return rows


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--mirrors", type=Path, required=True)
    ap.add_argument("--out", type=Path, required=True)
    args = ap.parse_args(argv)
    rows = mine(args.mirrors, FRAGMENT_DIRS)
    with gzip.open(args.out, "wt", encoding="utf-8") as fh:
        for row in rows:
            fh.write(json.dumps(row) + "\n")
    print(f"{len(rows)} pairs -> {args.out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
