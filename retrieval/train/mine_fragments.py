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

DEV_REPOS = frozenset({"psf/requests", "pytest-dev/pytest", "sympy/sympy", "pylint-dev/pylint", "sphinx-doc/sphinx",
                       "astropy/astropy", "pydata/xarray", "mwaskom/seaborn", "pallets/flask"})
"""The SWE-bench dev set's repositories: their changelogs describe the very fixes the dev set asks for."""
FRAGMENT_DIRS = {
    "pypa/pip": r"news/[^/]+\.(bugfix|feature|removal|process)(\.rst|\.md)?$",
    "aio-libs/aiohttp": r"CHANGES/[^/]+\.(bugfix|feature|breaking|deprecation|misc)(\.rst)?$",
    "python-attrs/attrs": r"changelog\.d/[^/]+\.(change|breaking|deprecation)\.md$",
    "pypa/setuptools": r"(newsfragments|changelog\.d)/[^/]+\.(bugfix|feature|change|breaking|misc)(\.rst)?$",
    "sqlalchemy/sqlalchemy": r"doc/build/changelog/unreleased_[^/]+/[^/]+\.rst$",
    "pydantic/pydantic": r"changes/[^/]+\.md$",
    "ipython/ipython": r"docs/source/whatsnew/pr/[^/]+\.rst$",
    # Fetched for the larger corpus (issue #15): towncrier or Hypothesis's one RELEASE.rst per pull request.
    "HypothesisWorks/hypothesis": r"(^|/)RELEASE\.rst$",
    "urllib3/urllib3": r"changelog/[^/]+\.(bugfix|feature|removal|deprecation)\.rst$",
    "python-trio/trio": r"newsfragments/[^/]+\.(bugfix|feature|removal|deprecated|breaking)\.rst$",
    "tox-dev/tox": r"docs/changelog/[^/]+\.(bugfix|feature|removal|deprecation|breaking)\.rst$",
    "pypa/virtualenv": r"docs/changelog/[^/]+\.(bugfix|feature|removal|deprecation|breaking)\.rst$",
    "sunpy/sunpy": r"changelog/[^/]+\.(bugfix|feature|breaking|removal|deprecation)\.rst$",
    "twisted/twisted": r"(newsfragments|topfiles)/[^/]+\.(bugfix|feature|removal)$",
    "pypa/pipenv": r"news/[^/]+\.(bugfix|feature|removal|behavior)\.rst$",
    "aio-libs/yarl": r"CHANGES/[^/]+\.(bugfix|feature|breaking|deprecation)(\.rst)?$",
    "aio-libs/multidict": r"CHANGES/[^/]+\.(bugfix|feature|breaking|deprecation)(\.rst)?$",
    "pytest-dev/pluggy": r"changelog/[^/]+\.(bugfix|feature|removal|deprecation)\.rst$",
    "pytest-dev/pytest-xdist": r"changelog/[^/]+\.(bugfix|feature|removal|deprecation)\.rst$",
    "pypa/twine": r"changelog/[^/]+\.(bugfix|feature|removal)\.rst$",
    "jazzband/pip-tools": r"changelog\.d/[^/]+\.(bugfix|feature|breaking|deprecation)\.md$",
}
MAX_FILES = 6
"""Pull requests changing more Python files than this are refactorings; their fragment says little per file."""
_META = re.compile(r"^\s*(\.\. change::|:tags:|:tickets:|:versions?:|:pullreq:|:references:|RELEASE_TYPE:).*$", re.M)
"""SQLAlchemy's changelog directives and Hypothesis's release type: lines that say nothing of the change."""
_REF_ROLE = re.compile(r":(?:issue|pr|pull|user|ghuser|ticket|gh|ghissue|ghpull|bug|bpo|commit|cve|sha):`[^`]*`")
_NOISE = (
    re.compile(r"(?:\bSee:?\s+(?:also\s+)?)?https?://\S+"),
    # "Patch by Jane Doe and @bob.": credits name people (a handle or capitalised words), not "fixed by adding".
    re.compile(r"\b(?i:thanks|thank you|patch|contributed|reported|fixed|implemented|initial patch|pr) by\s+"
               r"(?:(?:@[\w-]+|[A-Z][\w.-]*)(?:\s+[A-Z][\w.-]*)*(?:\s*(?:,|and)\s*)?)+[.!]?"),
    re.compile(r",?\s*\b(?:by|from)\s+@[\w-]+(?:\s*(?:,|and)\s*@[\w-]+)*"),
    re.compile(r"\bThanks? (?:you )?to [^.!;]*[.!;]?", re.I),
    re.compile(r"@[A-Za-z0-9][\w-]*"),
    re.compile(r"\[[\w .,@-]*\]\s*$", re.M),  # a trailing "[author, author]" (Pillow)
    re.compile(r"\[tickets?:[\d, ]*\]|^\s*\[[a-z, ]+\]", re.M),  # SQLAlchemy's old "[bug] ... [ticket:1183]"
    re.compile(r"(?:\b(?:in|see|fixes|closes|refs?)\s+)?(?:\b(?:issues?|pull requests?|PR|tickets?|bugs?|GH|bpo)"
               r"\s*[-#]?\s*\d+\b|#\d+\b)", re.I),
)


def git(mirror: Path, *args: str) -> str:
    done = subprocess.run(["git", "--git-dir", str(mirror), *args], capture_output=True, check=False)
    return done.stdout.decode("utf-8", "replace")


def fragment_commits(mirror: Path, pattern: str, status: str = "A") -> list[tuple[str, list[str], list[str]]]:
    """(commit, notes, non-test Python files changed) for each first-parent commit whose diff has a path
    matching ``pattern`` with ``status``: an added fragment ("A"), or an edited changelog ("M", mine_changelog)."""
    log = git(mirror, "log", "--first-parent", "-m", "--name-status", "--format=@@%H", "--no-renames")
    wanted, out = re.compile(pattern), []
    for chunk in log.split("@@")[1:]:
        lines = chunk.strip().splitlines()
        if not lines:
            continue
        sha, fragments, code = lines[0], [], []
        for line in lines[1:]:
            kind, _, path = line.partition("\t")
            if kind == status and wanted.search(path):
                fragments.append(path)
            elif kind == "M" and path.endswith(".py") and not _TEST_PATH.search(path):
                code.append(path)
        if fragments and 0 < len(code) <= MAX_FILES:
            out.append((sha, fragments, code))
    return out


def clean(text: str) -> str:
    """Note text as a user would write it: reStructuredText/markdown markup (SQLAlchemy's directive lines,
    roles, links, literals), issue and pull-request numbers, URLs and author credits dropped."""
    text = _META.sub("", text)
    text = _REF_ROLE.sub("", text)
    text = re.sub(r":(?:py:)?\w+:`~?([^`<]*?)(?:\s*<[^>]*>)?`", r"\1", text)  # :meth:`x <y>` -> x
    text = re.sub(r"`([^`<]*?)\s*<[^>]*>`__?", r"\1", text)  # rst link `text <url>`_
    text = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", text)  # markdown link [text](url)
    text = re.sub(r"`([^`<]+)`__?", r"\1", text)  # rst reference `issue 2083`_
    for pattern in _NOISE:
        text = pattern.sub("", text)
    text = re.sub(r"\*\*?([^*]+)\*\*?|``?([^`]+)``?(?:_\b)?", lambda m: m.group(1) or m.group(2), text)
    text = re.sub(r"(?<![\w)\]])[(\[]\s*[,;.]?\s*[)\]]", "", text)  # brackets emptied above, not open()
    return re.sub(r"\s+([.,;:])(?=\s|$)", r"\1", re.sub(r"\s+", " ", text)).strip(" -*+")


def mine(mirrors: Path, repos: dict[str, str]) -> list[dict]:
    rows = []
    for repo, pattern in repos.items():
        if repo in DEV_REPOS:
            raise ValueError(f"{repo} is in the dev set: its notes describe the fixes the dev set asks for")
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
