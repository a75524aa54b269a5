"""Mine listwise training groups for the file reranker from the pairs ``mine.py`` wrote.

For each commit in the pairs, the text is the commit message, the positives are the files
it changed, and the negatives are other files of the repository *as they were at that
commit*: the best lexical matches of the message (BM25 over the files' outlines at the
mirror's HEAD, the way stage 1 lets through files that share words with the issue) and a few
at random. Every file is written as :func:`retrieval.rerank.file_card`, the text the reranker
reads at query time. Cards are stored once per blob.

Negatives are picked among HEAD's files; for a commit older than a layout move (jinja and click
moved to ``src/``, Hypothesis to ``hypothesis-python/``) they are looked up under their names at that
commit (same file name, longest common tail of directories: ``relocated``). Without that, jinja gave
146 groups for 833 commits and click 450 for 807 (retrieval/train/build_rerank.sh's 16 repositories:
21,559 groups in all).

    python -m retrieval.train.mine_rerank --pairs pairs.jsonl.gz --mirrors /work/.mirror --out groups.json.gz
"""

from __future__ import annotations

import argparse
import gzip
import json
import random
import subprocess
import sys
from collections import Counter, defaultdict
from pathlib import Path

import numpy as np

from retrieval.rerank import CARD_CHARS, file_card
from retrieval.text import tokenize
from retrieval.train.mine import _TEST_PATH, _git, read_blobs


def python_files(mirror: Path, rev: str) -> list[str]:
    names = _git(mirror, "ls-tree", "-r", "--name-only", rev).splitlines()
    return [p for p in names if p.endswith(".py") and not _TEST_PATH.search(p)]


class Lexical:
    """BM25 (k1 1.2, b 0.75) over documents, enough to pick hard negatives."""

    def __init__(self, docs: list[str]):
        self.tf = [Counter(tokenize(d)) for d in docs]
        self.len = np.array([sum(t.values()) for t in self.tf], dtype=float) + 1
        df = Counter(w for t in self.tf for w in t)
        n = len(docs)
        self.idf = {w: np.log(1 + (n - c + 0.5) / (c + 0.5)) for w, c in df.items()}

    def top(self, query: str, k: int) -> list[int]:
        words = set(tokenize(query)) & self.idf.keys()
        norm = 1.2 * (0.25 + 0.75 * self.len / self.len.mean())
        scores = np.zeros(len(self.tf))
        for i, tf in enumerate(self.tf):
            scores[i] = sum(self.idf[w] * tf[w] * 2.2 / (tf[w] + norm[i]) for w in words if w in tf)
        return [int(i) for i in np.argsort(-scores)[:k] if scores[i] > 0]


def commits_of(pairs: list[Path]) -> dict[str, dict[str, dict]]:
    """repo -> commit -> {'text', 'paths'} in the pairs' order (newest first)."""
    out: dict[str, dict[str, dict]] = defaultdict(dict)
    for path in pairs:
        with gzip.open(path, "rt", encoding="utf-8") as fh:
            for line in fh:
                r = json.loads(line)
                row = out[r["repo"]].setdefault(r["commit"], {"text": r["text"], "paths": []})
                if r["path"] not in row["paths"]:
                    row["paths"].append(r["path"])
    return out


def mine_repo(mirror: Path, commits: dict[str, dict], rng: random.Random, hard: int, easy: int,
              outlines: dict[str, str]) -> list[dict]:
    head = python_files(mirror, "HEAD")
    head_cards = [file_card(p, s) for p, s in zip(head, read_blobs(mirror, [f"HEAD:{p}" for p in head]), strict=True)]
    lexical = Lexical(head_cards)
    wanted: list[tuple[str, list[str], list[str]]] = []
    for sha, row in commits.items():
        changed = set(row["paths"])
        near = [head[i] for i in lexical.top(row["text"], 30) if head[i] not in changed]
        far = [p for p in rng.sample(head, min(len(head), easy + 10)) if p not in changed and p not in near]
        negs = rng.sample(near, min(hard, len(near))) + far[:easy]
        wanted.append((sha, row["paths"], negs))
    specs = sorted({f"{sha}:{p}" for sha, pos, negs in wanted for p in pos + negs})
    # Blob ids first: unchanged files repeat across commits, so each distinct blob is read and outlined once.
    check = blob_ids(mirror, specs)
    wanted = [(sha, pos, relocated(mirror, sha, negs, set(pos)) if sum(bool(check[f"{sha}:{p}"]) for p in negs) < 2
               else negs) for sha, pos, negs in wanted]
    check.update(blob_ids(mirror, sorted({f"{sha}:{p}" for sha, _, negs in wanted for p in negs} - check.keys())))
    blobs = sorted({b for b in check.values() if b})
    for blob, source in zip(blobs, read_blobs(mirror, blobs), strict=True):
        # The outline without its path line (one blob can sit at several paths); sources are not kept.
        outlines.setdefault(blob, file_card("", source, limit=10 * CARD_CHARS))
    groups = []
    for sha, pos, negs in wanted:
        negatives = [(p, check.get(f"{sha}:{p}")) for p in negs]
        negatives = [(p, b) for p, b in negatives if b]
        for p in pos:
            blob = check.get(f"{sha}:{p}")
            if blob and len(negatives) >= 2:
                groups.append({"text": commits[sha]["text"], "commit": sha, "pos": [p, blob], "negs": negatives})
    return groups


def relocated(mirror: Path, sha: str, paths: list[str], changed: set[str]) -> list[str]:
    """HEAD paths as they were named at ``sha``, across a layout move (``src/``, ``hypothesis-python/``): the file
    there with the same name and the longest common tail of directories; paths with no such file, or that
    name a file the commit changed, are dropped."""
    by_name: dict[str, list[str]] = defaultdict(list)
    for old in python_files(mirror, sha):
        by_name[old.rsplit("/", 1)[-1]].append(old)

    def tail(a: str, b: str) -> int:
        n = 0
        for x, y in zip(reversed(a.split("/")), reversed(b.split("/")), strict=False):
            if x != y:
                break
            n += 1
        return n

    out = []
    for path in paths:
        olds = by_name.get(path.rsplit("/", 1)[-1], [])
        best = max(olds, key=lambda old, path=path: tail(old, path), default="")
        if best and (tail(best, path) > 1 or "/" not in path) and best not in out and best not in changed:
            out.append(best)
    return out


def blob_ids(mirror: Path, specs: list[str]) -> dict[str, str]:
    """spec -> blob id (empty when the path did not exist at that commit), through one ``git cat-file``."""
    done = subprocess.run(["git", "--git-dir", str(mirror), "cat-file", "--batch-check=%(objectname) %(objecttype)"],
                          input="\n".join(specs).encode() + b"\n", capture_output=True, check=False)
    out = {}
    for spec, line in zip(specs, done.stdout.decode().splitlines(), strict=False):
        parts = line.split()
        out[spec] = parts[0] if len(parts) == 2 and parts[1] == "blob" else ""
    return out


def function_groups(pairs: list[Path], seed: int, same_file: int = 4, easy: int = 3) -> dict:
    """Groups for a function-level reranker straight from the pairs: a message, a definition its commit
    changed, and definitions other commits changed (first from the same file, then anywhere in the repository).
    No git needed: the pairs already hold the code, written as the dense stage writes a block."""
    rows: list[dict] = []
    for path in pairs:
        with gzip.open(path, "rt", encoding="utf-8") as fh:
            rows.extend(json.loads(line) for line in fh)
    rng = random.Random(seed)
    by_file: dict[tuple[str, str], list[int]] = defaultdict(list)
    by_repo: dict[str, list[int]] = defaultdict(list)
    for i, r in enumerate(rows):
        by_file[(r["repo"], r["path"])].append(i)
        by_repo[r["repo"]].append(i)
    groups = []
    for i, r in enumerate(rows):
        other = [j for j in by_file[(r["repo"], r["path"])] if rows[j]["commit"] != r["commit"]
                 and rows[j]["qualname"] != r["qualname"]]
        negs = rng.sample(other, min(same_file, len(other)))
        pool = rng.sample(by_repo[r["repo"]], min(len(by_repo[r["repo"]]), easy + 10))
        negs += [j for j in pool if rows[j]["commit"] != r["commit"] and j not in negs][:easy]
        groups.append({"repo": r["repo"], "commit": r["commit"], "text": r["text"], "pos": str(i),
                       "negs": [str(j) for j in negs]})
    return {"cards": {str(i): r["code"] for i, r in enumerate(rows)}, "groups": groups, "seed": seed,
            "level": "function"}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--pairs", type=Path, nargs="+", required=True, help="gzipped JSON lines from retrieval.train.mine")
    ap.add_argument("--mirrors", type=Path, default=Path("/work/.mirror"))
    ap.add_argument("--out", type=Path, required=True, help="gzipped JSON: {'cards': {blob: card}, 'groups': [...]}")
    ap.add_argument("--hard", type=int, default=5, help="negatives among the message's best BM25 files")
    ap.add_argument("--easy", type=int, default=2, help="negatives drawn at random")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--functions", action="store_true", help="groups of definitions (no git), not of files")
    args = ap.parse_args(argv)
    if args.functions:
        data = function_groups(args.pairs, args.seed)
        with gzip.open(args.out, "wt", encoding="utf-8") as fh:
            json.dump(data, fh)
        print(f"{len(data['groups'])} function groups -> {args.out}")
        return 0
    rng = random.Random(args.seed)
    outlines: dict[str, str] = {}
    groups, manifest = [], {}
    for repo, commits in commits_of(args.pairs).items():
        mirror = args.mirrors / repo.replace("/", "+") / "repo"
        found = mine_repo(mirror, commits, rng, args.hard, args.easy, outlines)
        for g in found:
            g["repo"] = repo
        groups.extend(found)
        manifest[repo] = {"commit": _git(mirror, "rev-parse", "HEAD").strip(), "groups": len(found)}
        print(f"{repo}: {len(commits)} commits -> {len(found)} groups", flush=True)
    cards: dict[str, str] = {}
    for g in groups:
        for path, blob in [g["pos"], *g["negs"]]:
            key = f"{blob}:{path}"
            if key not in cards:
                cards[key] = (path + outlines[blob])[:CARD_CHARS]
        g["pos"] = f"{g['pos'][1]}:{g['pos'][0]}"
        g["negs"] = [f"{b}:{p}" for p, b in g["negs"]]
    with gzip.open(args.out, "wt", encoding="utf-8") as fh:
        json.dump({"cards": cards, "groups": groups, "repositories": manifest, "seed": args.seed,
                   "hard": args.hard, "easy": args.easy}, fh)
    print(f"{len(groups)} groups, {len(cards)} cards -> {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
