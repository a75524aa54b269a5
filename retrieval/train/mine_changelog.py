"""Mine (changelog line -> changed file) pairs: more issue-style training text for the file reranker.

Towncrier fragments (``mine_fragments``) cover a handful of projects. Many more add, in the pull
request that fixes a bug, one user-facing line to a single changelog file (CHANGES.rst, CHANGELOG.md,
docs/changelog.rst, versionhistory, SQLAlchemy's changelog_NN.rst before its fragments), e.g.
"Fix a bug where ``click.prompt`` ... (#1234)". Each first-parent commit (a merge is diffed against its
first parent, so the whole pull request counts) that edits such a file and changes a few non-test Python
files gives one pair per changed file, with the entries the commit *added* (markup, issue and pull-request
numbers, URLs and credits stripped by ``mine_fragments.clean``), in ``mine.py``'s pair format.

Release commits are left out: they add a dated heading ("Version 2.0.1 / Released 2021-05-11") or many
entries at once. None of the nine dev-set repositories is mined (``DEV_REPOS``); by default every other
mirror under ``--mirrors`` is.

    python -m retrieval.train.mine_changelog --mirrors /work/.mirror --out changelog.jsonl.gz
"""

from __future__ import annotations

import argparse
import gzip
import json
import re
import sys
from pathlib import Path

from retrieval.train.mine_fragments import DEV_REPOS, clean, fragment_commits, git

CHANGELOG = (r"(^|/)(CHANGES|CHANGELOG|Changelog|HISTORY|History|NEWS|changes|changelog|history|news)(\.(rst|md|txt))?$"
             r"|(^|/)docs?/(source/)?(changelog|changes|news|history|versionhistory)\.(rst|md|txt)$"
             r"|^doc/build/changelog/changelog_\d+\.rst$|^doc/release/release_dev\.rst$")
"""One file a pull request appends a line to. Release notes written at release time (tornado's
docs/releases/, Pillow's docs/releasenotes/) are not in it: their commits change no code. Nor are GNU-style
``ChangeLog`` files (old Twisted, IPython, pyOpenSSL): their entries open with the date, author and path."""
_NOT_CHANGELOG = re.compile(r"(^|/)(debian|tutorials?)/")
_VERSION_FILE = re.compile(r"(^|/)(__version__|_version|version|__about__)\.py$")
"""A release's version bump, not the change the entry describes."""
MAX_NOTES = 4
"""A commit adding more entries than this is a release or a changelog catch-up, not one fix."""
_BULLET = re.compile(r"^(\s*)(?:[-*+\u2022]|\.\. change::)(?:\s|$)")
_UNDERLINE = re.compile(r"^\s*([=\-~^*+#\"'`.])\1{2,}\s*$")
_VERSION = r"^\s*(?:#+\s*)?\[?v?\d+\.\d+(?:\.\d+)*\]?\s*(?:[(:-]|$|\d)"
_HEADING = re.compile(r"^\s*(?:#{1,6}\s|\.\. |\[[^\]]+\]:\s|:[\w-]+:)|^\s*[*_]*unreleased\b|^[^\s].{0,40}:\s*$|" + _VERSION,
                      re.I)
_DATED = re.compile(r"\b(?:19|20)\d\d-\d\d?-\d\d?\b|^\s*[*_(]*released\b|:release-date:|" + _VERSION, re.I)


def added_entries(diff: str) -> list[str] | None:
    """The changelog entries a ``-U0`` diff adds, cleaned; None for a release (a line outside the entries that
    is dated, says "released" or opens with a version number).

    Lines whose text the diff also removes (a re-wrapped or moved entry) are not new; headings, underlines and link
    targets are not entries; a line indented under an entry's bullet continues that entry."""
    plus = [ln[1:] for ln in diff.splitlines() if ln.startswith("+") and not ln.startswith("+++")]
    removed = clean(" ".join(ln[1:] for ln in diff.splitlines() if ln.startswith("-") and not ln.startswith("---")))
    entries: list[list[str]] = []
    top: int | None = None  # indentation of the first bullet: deeper bullets are sub-items
    for i, line in enumerate(plus):
        if not line.strip() or (removed and clean(line) and clean(line) in removed):
            continue
        bullet = _BULLET.match(line)
        if not bullet and _DATED.search(line):
            return None
        if bullet and (top is None or len(bullet.group(1)) <= top):
            top = len(bullet.group(1)) if top is None else top
            entries.append([line])
        elif not bullet and (_UNDERLINE.match(line) or _HEADING.match(line)
                             or _UNDERLINE.match(plus[i + 1] if i + 1 < len(plus) else "")):
            entries.append([])  # a heading ends the entry above it
        elif entries and entries[-1]:
            entries[-1].append(line)
        else:
            entries.append([line])
    notes: list[str] = []
    for entry in entries:
        note = clean("\n".join(entry))
        if len(note) >= 10 and note not in notes:  # SQLAlchemy adds one fix to two versions' files
            notes.append(note)
    return notes


def changelog_diffs(mirror: Path, paths: list[str]) -> dict[str, str]:
    """commit -> the ``-U0`` diff of the changelog files against its first parent, one ``git log``."""
    log = git(mirror, "log", "--first-parent", "-m", "-U0", "--no-renames", "--no-color", "--format=\x1e%H",
              "HEAD", "--", *paths)
    out = {}
    for record in log.split("\x1e")[1:]:
        sha, _, diff = record.partition("\n")
        out[sha.strip()] = diff
    return out


def mine_repo(mirror: Path, repo: str) -> tuple[list[dict], dict]:
    commits = fragment_commits(mirror, CHANGELOG, status="M")
    commits = [(sha, [n for n in notes if not _NOT_CHANGELOG.search(n)], [p for p in code if not _VERSION_FILE.search(p)])
               for sha, notes, code in commits]
    commits = [(sha, notes, code) for sha, notes, code in commits if notes and code]
    paths = sorted({p for _, notes, _ in commits for p in notes})
    diffs = changelog_diffs(mirror, paths) if paths else {}
    rows, stats = [], {"commits": len(commits), "releases": 0, "too_many": 0, "kept": 0, "files": paths}
    for sha, _, code in commits:
        notes = added_entries(diffs.get(sha, ""))
        if notes is None:
            stats["releases"] += 1
            continue
        if len(notes) > MAX_NOTES:
            stats["too_many"] += 1
            continue
        text = " ".join(notes)[:2000]
        if len(text) < 20:
            continue
        stats["kept"] += 1
        rows.extend({"repo": repo, "commit": sha, "path": p, "text": text} for p in code)
    stats["pairs"] = len(rows)
    return rows, stats


def mirrored_repos(mirrors: Path) -> list[str]:
    """owner/name of every bare mirror under ``mirrors`` (``<owner>+<name>/repo``) outside the dev set."""
    names = [d.name.replace("+", "/", 1) for d in sorted(mirrors.iterdir()) if (d / "repo").is_dir()]
    return [n for n in names if n not in DEV_REPOS]


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--mirrors", type=Path, required=True)
    ap.add_argument("--out", type=Path, required=True, help="gzipped JSON lines; OUT.stats.json beside it")
    ap.add_argument("--repos", nargs="*", default=None, help="owner/name (default: every non-dev mirror)")
    args = ap.parse_args(argv)
    repos = args.repos or mirrored_repos(args.mirrors)
    if leaked := DEV_REPOS.intersection(repos):
        ap.error(f"dev-set repositories cannot be mined: {sorted(leaked)}")
    rows, stats = [], {}
    for repo in repos:
        found, stats[repo] = mine_repo(args.mirrors / repo.replace("/", "+") / "repo", repo)
        rows.extend(found)
        print(f"{repo}: {stats[repo]['commits']} changelog commits, {stats[repo]['kept']} kept,"
              f" {len(found)} pairs", file=sys.stderr, flush=True)
    with gzip.open(args.out, "wt", encoding="utf-8") as fh:
        for row in rows:
            fh.write(json.dumps(row) + "\n")
    Path(f"{args.out}.stats.json").write_text(json.dumps(stats, indent=1) + "\n")
    print(f"{len(rows)} pairs -> {args.out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
