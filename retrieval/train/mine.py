"""Mine (commit message, changed definition) pairs from git histories, for training a code-aware encoder.

For every non-merge commit that changes Python source (tests, docs and examples left
out), the message is the text side and each function or class whose lines the diff
touches, as the syntax tree of the file after the commit gives it, is a code side. The
code is written the way the dense stage writes a block (``qualname: signature`` then the
code; retrieval.dense), so training sees what retrieval will encode.

Standard library only (git and ``ast``): it runs before any model package is installed.

    python -m retrieval.train.mine --mirrors /work/.mirror --out pairs.jsonl.gz \\
        --repos pallets/click psf/black ...   # bare mirrors at MIRRORS/<owner>+<name>/repo
"""

from __future__ import annotations

import argparse
import ast
import gzip
import json
import re
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

_TEST_PATH = re.compile(
    r"(^|/)(tests?|testing|docs?|examples?|benchmarks?|doc_?src)/|(^|/)(test_[^/]*|[^/]*_tests?\.py|conftest\.py)$"
)
_HUNK = re.compile(r"^@@ -\d+(?:,\d+)? \+(\d+)(?:,(\d+))? @@", re.M)
_TRIVIAL = re.compile(
    r"^(bump|release|prepare|update changelog|changelog|version|merge|revert|typo|fix typo|format|lint|"
    r"style|pre-commit|\[pre-commit|black|isort|flake8|mypy|ruff)\b", re.I)
_TRAILER = re.compile(r"^(signed-off-by|co-authored-by|reviewed-by|cc):.*$", re.I | re.M)
_REC, _SEP = "\x1e", "\x1f"
MAX_CODE_CHARS = 1500
"""About 256 word pieces: the encoder's window during training."""


@dataclass(frozen=True)
class Change:
    sha: str
    message: str
    path: str
    lines: tuple[tuple[int, int], ...]
    """New-side (first, last) line ranges the diff touches; pure deletions give (n, n)."""


def _git(mirror: Path, *args: str) -> str:
    done = subprocess.run(["git", "--git-dir", str(mirror), *args], capture_output=True, check=False)
    return done.stdout.decode("utf-8", "replace")


def changes(mirror: Path, limit: int, max_files: int) -> Iterator[Change]:
    """Python source files changed by each non-merge commit, with the touched line ranges."""
    log = _git(mirror, "log", "--no-merges", "-n", str(limit), "-U0", "--no-color", "--no-renames",
               f"--format={_REC}%H{_SEP}%B{_SEP}", "HEAD", "--", "*.py")
    for record in log.split(_REC)[1:]:
        sha, message, diff = (record.split(_SEP, 2) + ["", ""])[:3]
        message = _TRAILER.sub("", message).strip()
        if len(message.split()) < 4 or _TRIVIAL.match(message):
            continue
        files = re.split(r"^diff --git ", diff, flags=re.M)[1:]
        if len(files) > max_files:
            continue
        for chunk in files:
            m = re.search(r"^\+\+\+ b/(\S+)", chunk, re.M)
            if not m or not m.group(1).endswith(".py") or _TEST_PATH.search(m.group(1)):
                continue
            ranges = []
            for h in _HUNK.finditer(chunk):
                start, count = int(h.group(1)), int(h.group(2) or 1)
                ranges.append((start, start + max(count, 1) - 1))
            if ranges:
                yield Change(sha, message, m.group(1), tuple(ranges))


def definitions(source: str) -> list[tuple[str, ast.AST]]:
    """(qualname, node) of every function and class, iteratively, parents before children."""
    try:
        tree = ast.parse(source)
    except (SyntaxError, ValueError, RecursionError):
        return []
    out, stack = [], [("", tree)]
    while stack:
        prefix, node = stack.pop()
        for child in ast.iter_child_nodes(node):
            if isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                qual = f"{prefix}{child.name}"
                out.append((qual, child))
                stack.append((qual + ".", child))
    return out


def touched(source: str, lines: tuple[tuple[int, int], ...]) -> list[tuple[str, str]]:
    """(qualname, block text) of the innermost definitions the line ranges fall in."""
    src_lines = source.splitlines()
    defs = definitions(source)
    picked: dict[str, str] = {}
    for first, last in lines:
        inner = None
        for qual, node in defs:
            start = min([d.lineno for d in getattr(node, "decorator_list", [])] + [node.lineno])
            overlaps = start <= last and first <= node.end_lineno
            if overlaps and (inner is None or node.lineno >= inner[1].lineno):  # a later start is nested deeper
                inner = (qual, node)
        if inner is None or inner[0] in picked:
            continue
        qual, node = inner
        picked[qual] = block_text(qual, node, src_lines)
    return list(picked.items())


def block_text(qual: str, node: ast.AST, src_lines: list[str]) -> str:
    """``qualname: header`` then the code, as the dense stage writes a block (cut to MAX_CODE_CHARS)."""
    code = "\n".join(src_lines[node.lineno - 1:node.end_lineno])
    # The header as retrieval.parse gives a signature: every line up to the body, whitespace folded.
    body_line = node.body[0].lineno if node.body else node.lineno
    header = " ".join(" ".join(src_lines[node.lineno - 1:max(body_line - 1, node.lineno)]).split())
    return f"{qual}: {header}\n{code}"[:MAX_CODE_CHARS]


def read_blobs(mirror: Path, specs: list[str]) -> list[str]:
    """File contents for ``sha:path`` specs through one ``git cat-file --batch`` process."""
    proc = subprocess.run(["git", "--git-dir", str(mirror), "cat-file", "--batch"],
                          input="\n".join(specs).encode() + b"\n", capture_output=True, check=False)
    data, out, pos = proc.stdout, [], 0
    for _ in specs:
        end = data.index(b"\n", pos)
        header = data[pos:end].split()
        pos = end + 1
        if len(header) < 3 or header[1] != b"blob":
            out.append("")
            continue
        size = int(header[2])
        out.append(data[pos:pos + size].decode("utf-8", "replace"))
        pos += size + 1
    return out


def mine_repo(mirror: Path, repo: str, limit: int, max_files: int, per_commit: int) -> Iterator[dict]:
    found = list(changes(mirror, limit, max_files))
    sources = read_blobs(mirror, [f"{c.sha}:{c.path}" for c in found])
    per_sha: dict[str, int] = {}
    for change, source in zip(found, sources, strict=True):
        for qual, code in touched(source, change.lines):
            if per_sha.get(change.sha, 0) >= per_commit:
                break
            per_sha[change.sha] = per_sha.get(change.sha, 0) + 1
            yield {"repo": repo, "commit": change.sha, "path": change.path, "qualname": qual,
                   "text": change.message[:2000], "code": code}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--mirrors", type=Path, default=Path("/work/.mirror"))
    ap.add_argument("--repos", nargs="+", required=True, help="owner/name of each repository to mine")
    ap.add_argument("--out", type=Path, required=True, help="gzipped JSON lines")
    ap.add_argument("--limit", type=int, default=6000, help="newest commits read per repository")
    ap.add_argument("--max-files", type=int, default=10, help="skip commits changing more Python files")
    ap.add_argument("--per-commit", type=int, default=4, help="definitions kept per commit")
    args = ap.parse_args(argv)
    total, manifest = 0, {}
    with gzip.open(args.out, "wt", encoding="utf-8") as fh:
        for repo in args.repos:
            mirror = args.mirrors / repo.replace("/", "+") / "repo"
            if not mirror.is_dir():
                print(f"{repo}: no mirror at {mirror}, skipped", file=sys.stderr)
                continue
            n = 0
            for row in mine_repo(mirror, repo, args.limit, args.max_files, args.per_commit):
                fh.write(json.dumps(row) + "\n")
                n += 1
            head = _git(mirror, "rev-parse", "HEAD").strip()
            print(f"{repo}@{head[:12]}: {n} pairs", flush=True)
            manifest[repo] = {"commit": head, "pairs": n}
            total += n
    meta = {"repositories": manifest, "pairs": total, "limit": args.limit, "max_files": args.max_files,
            "per_commit": args.per_commit}
    args.out.with_name(args.out.name.split(".")[0] + ".manifest.json").write_text(json.dumps(meta, indent=1) + "\n")
    print(f"{total} pairs -> {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
