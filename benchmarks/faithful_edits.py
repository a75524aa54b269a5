"""Does the chosen patch change only what fixes the bug? (issue #16)

Two measurements, each before and after the editor restores what whole-function answers
drop (``editing.restore``) and selection prefers the smallest diff:

* coverage: every stored candidate of the coverage benchmark
  (``benchmarks/results/coverage.evidence.jsonl``, all bundled bugs) is written again as
  the whole definitions it produced and spliced through today's editor; selection is run
  again on the stored verdicts (groups keep their verdicts; a group's representative is
  now its smallest diff). "Before" is the stored diff and the stored choice.
* dev set: each SWE-bench dev gold fix is written as whole definitions (as the model is
  asked to answer) and spliced back, faithfully and "sloppily" (docstrings and comments
  of the written functions dropped, as small models do), with restoring off and on.

Figures: the fraction of patches that delete a docstring or comment the reference fix
keeps, and the median diff size (lines added + removed) relative to the reference fix.

    python -m benchmarks.faithful_edits [--out benchmarks/results/faithful-edits.json] [--no-dev]
"""

from __future__ import annotations

import argparse
import ast
import functools
import io
import json
import statistics
import subprocess
import tempfile
import textwrap
import tokenize
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from agent.core.types import Candidate, Verdict
from agent.demo import EXAMPLES
from agent.selection import choose
from editing import EditError, apply_answer
from editing.normalize import changed_units
from editing.patch import apply_diff, diff_size, file_diff
from editing.pyparse import parse
from retrieval.parse import parse_file

EVIDENCE = Path("benchmarks/results/coverage.evidence.jsonl")
DEV = Path("/work/shared/data/swebench-dev.jsonl")
MIRRORS = Path("/work/.mirror")
Files = dict[str, str | None]


# --- what a change deletes ------------------------------------------------------------------

@functools.lru_cache(maxsize=32)
def prose(text: str | None) -> Counter:
    """The comments and docstrings of a Python file, as a multiset of their texts (do not change it:
    it is cached, since each file is compared many times)."""
    if not text:
        return Counter()
    found: Counter = Counter()
    try:
        for tok in tokenize.generate_tokens(io.StringIO(text).readline):
            if tok.type == tokenize.COMMENT:
                found["# " + tok.string.lstrip("#").strip()] += 1
        for node in ast.walk(parse(text)):
            if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef):
                doc = ast.get_docstring(node, clean=True)
                if doc:
                    found['"""' + doc] += 1
    except (SyntaxError, ValueError, tokenize.TokenError, RecursionError, MemoryError):
        return Counter()
    return found


def needless_deletions(before: Files, after: Files, reference: Files) -> list[str]:
    """Comments and docstrings ``after`` deletes from ``before`` that ``reference`` keeps."""
    out: list[str] = []
    for path, old in before.items():
        deleted = prose(old) - prose(after.get(path, old))
        needed = prose(old) - prose(reference.get(path, old))
        out += sorted((deleted - needed).elements())
    return out


def undone_deletions(before: Files, after: Files, reference: Files) -> list[str]:
    """Comments and docstrings ``reference`` deletes on purpose that ``after`` still has."""
    out: list[str] = []
    for path, old in before.items():
        wanted = prose(old) - prose(reference.get(path, old))
        done = prose(old) - prose(after.get(path, old))
        out += sorted((wanted - done).elements())
    return out


def size_of(before: Files, after: Files) -> int:
    """Lines changed, diffed the way the editor diffs (so a reference and a candidate compare alike)."""
    return diff_size("".join(file_diff(p, before.get(p), a) for p, a in sorted(after.items())))


def _ratio(size: int, reference: int) -> float:
    return round(size / max(reference, 1), 3)


# --- answers written as whole definitions ---------------------------------------------------

def _definition(after: str, key: str) -> str | None:
    symbols = [s for s in parse_file("x.py", after.encode()).symbols if s.qualname == key]
    if len(symbols) != 1:
        return None
    sym, raw = symbols[0], after.encode()
    column = sym.start_byte - (raw.rfind(b"\n", 0, sym.start_byte) + 1)
    text = textwrap.dedent(" " * column + raw[sym.start_byte:sym.end_byte].decode())
    if sym.kind == "method":
        return f"class {sym.parent.rsplit('.', 1)[-1]}:\n" + textwrap.indent(text, "    ")
    return text


def _module_lines(before: str, after: str) -> list[str]:
    old = {ast.unparse(s) for s in parse(before).body}
    return [ast.get_source_segment(after, s) or "" for s in parse(after).body
            if isinstance(s, ast.Import | ast.ImportFrom | ast.Assign) and ast.unparse(s) not in old]


def answer_for(before: Files, after: Files, sloppy: Callable[[str], str] = lambda t: t) -> str | None:
    """The change ``before`` -> ``after`` written as the model is asked to: whole definitions
    per file (None when the format cannot say it: a new or deleted file, an overload)."""
    parts = []
    for path, new in after.items():
        old = before.get(path)
        units = changed_units(path, old, new) if old is not None and new is not None else None
        if units is None:
            return None
        blocks = ["\n".join(_module_lines(old, new))]
        for key in units:
            if key != "<module>":
                block = _definition(new, key)
                if block is None:
                    return None
                blocks.append(sloppy(block))
        parts.append(f"### {path}\n```python\n" + "\n\n".join(b for b in blocks if b) + "\n```\n")
    return "Here is the fix.\n\n" + "\n".join(parts)


def drop_prose(code: str) -> str:
    """What a small model does to a function it rewrites: docstrings and comments gone."""
    lines = code.split("\n")
    cut: dict[int, int] = {}
    drop: set[int] = set()
    try:
        for tok in tokenize.generate_tokens(io.StringIO(code).readline):
            if tok.type == tokenize.COMMENT:
                row, col = tok.start[0] - 1, tok.start[1]
                if lines[row][:col].strip():
                    cut[row] = col
                else:
                    drop.add(row)
        for node in ast.walk(parse(code)):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef) and ast.get_docstring(node) is not None:
                drop.update(range(node.body[0].lineno - 1, node.body[0].end_lineno))
    except (SyntaxError, ValueError, tokenize.TokenError):
        return code
    return "\n".join(line[:cut[i]].rstrip() if i in cut else line for i, line in enumerate(lines) if i not in drop)


@contextmanager
def restoring(on: bool) -> Iterator[None]:
    """Splice with or without ``editing.restore`` (the "before" figures are the editor without it)."""
    import editing.splice

    real = editing.splice.restore_dropped
    if not on:
        editing.splice.restore_dropped = lambda _s, _o, _ns, _n, text: (text, [])
    try:
        yield
    finally:
        editing.splice.restore_dropped = real


def resplice(repo: Path, answer: str | None) -> str | None:
    """The diff today's editor makes of ``answer`` in ``repo`` (None: no answer, or it fails)."""
    if answer is None:
        return None
    try:
        return apply_answer(repo, answer).diff
    except EditError:
        return None


# --- the coverage benchmark's candidates ----------------------------------------------------

def _reader(repo: Path) -> Callable[[str], str | None]:
    return lambda path: (repo / path).read_text() if (repo / path).is_file() else None


def _reselect(record: dict, diffs: dict[str, str]) -> str | None:
    """Selection on the stored verdicts, each group now standing for its smallest diff."""
    by_id = {c["id"]: Candidate(**c) for c in record["candidates"]}
    reps, verdicts = [], {}
    for stored in record["verdicts"]:
        first = by_id[stored["candidate_id"]]
        members = [m.model_copy(update={"diff": diffs.get(m.id, m.diff)})
                   for m in (first, *(by_id[d] for d in first.duplicates)) if m.diff]
        best = min(members, key=lambda m: diff_size(m.diff))
        reps.append(best)
        verdicts[best.id] = Verdict(**stored).model_copy(update={"candidate_id": best.id, "selected": False})
    chosen = choose(reps, verdicts)
    return chosen.candidate_id if chosen else None


def coverage_bug(record: dict) -> dict:
    bug = EXAMPLES / "bugs" / record["bug"]
    repo, read = bug / "repo", _reader(bug / "repo")
    reference = apply_diff((bug / "fix.patch").read_text(), read)
    old: dict[str, tuple[int, list[str]]] = {}
    new: dict[str, tuple[int, list[str]]] = {}
    diffs: dict[str, str] = {}
    for c in record["candidates"]:
        if not c["diff"]:
            continue
        after = apply_diff(c["diff"], read)
        before = {p: read(p) for p in {*after, *reference}}
        old[c["id"]] = (size_of(before, after), needless_deletions(before, after, reference))
        diffs[c["id"]] = resplice(repo, answer_for({p: before[p] for p in after}, after)) or c["diff"]
        spliced = apply_diff(diffs[c["id"]], read)
        new[c["id"]] = (size_of(before, spliced), needless_deletions(before, spliced, reference))
    ref_size = size_of({p: read(p) for p in reference}, reference)

    def pick(table: dict, cid: str | None) -> dict | None:
        if cid not in table:
            return None
        size, needless = table[cid]
        return {"id": cid, "size": size, "ratio": _ratio(size, ref_size), "needless": needless,
                "correct": record["correct"].get(cid, False)}

    return {
        "bug": record["bug"], "reference_size": ref_size, "candidates": len(old),
        "needless_before": sum(bool(v[1]) for v in old.values()),
        "needless_after": sum(bool(v[1]) for v in new.values()),
        "chosen_before": pick(old, record["chosen"]), "chosen_after": pick(new, _reselect(record, diffs)),
    }


def coverage_figures(evidence: Path) -> dict:
    bugs = [coverage_bug(json.loads(line)) for line in evidence.read_text().splitlines() if line.strip()]
    chosen = [b for b in bugs if b["chosen_before"] and b["chosen_after"]]
    n = sum(b["candidates"] for b in bugs)

    def summary(when: str) -> dict:
        picks = [b[f"chosen_{when}"] for b in chosen]
        return {
            "candidates_with_needless_deletions": round(sum(b[f"needless_{when}"] for b in bugs) / max(n, 1), 3),
            "chosen_with_needless_deletions": round(sum(bool(p["needless"]) for p in picks) / max(len(picks), 1), 3),
            "chosen_size_ratio_median": statistics.median(p["ratio"] for p in picks) if picks else None,
            "chosen_correct": sum(p["correct"] for p in picks),
        }

    return {"bugs": len(bugs), "candidates": n, "bugs_with_a_choice": len(chosen),
            "before": summary("before"), "after": summary("after"), "per_bug": bugs}


# --- the dev set's gold fixes ---------------------------------------------------------------

def _show(mirror: Path, commit: str, path: str) -> str | None:
    done = subprocess.run(["git", "--git-dir", str(mirror), "show", f"{commit}:{path}"], capture_output=True)
    return done.stdout.decode("utf-8") if done.returncode == 0 else None


def dev_instance(inst: dict, mirrors: Path, workdir: Path) -> dict | None:
    """One gold fix spliced back four ways (faithful/sloppy answer x restoring off/on)."""
    mirror = mirrors / inst["repo"].replace("/", "+") / "repo"
    paths = [line[6:] for line in inst["patch"].splitlines() if line.startswith("+++ b/")]
    before = {p: _show(mirror, inst["base_commit"], p) for p in paths}
    gold = apply_diff(inst["patch"], before.get)
    if any(before.get(p) is None or a is None or not p.endswith(".py") for p, a in gold.items()):
        return None
    for path, text in before.items():
        (workdir / path).parent.mkdir(parents=True, exist_ok=True)
        (workdir / path).write_text(text or "")
    gold_size = size_of(before, gold)
    out: dict = {"instance_id": inst["instance_id"], "gold_size": gold_size}
    for mode, sloppy in (("faithful", lambda t: t), ("sloppy", drop_prose)):
        answer = answer_for(before, gold, sloppy)
        for on in (False, True):
            with restoring(on):
                diff = resplice(workdir, answer)
            key = f"{mode}_{'after' if on else 'before'}"
            if diff is None:
                out[key] = None
                continue
            spliced = {**before, **apply_diff(diff, before.get)}
            out[key] = {"ratio": _ratio(size_of(before, spliced), gold_size),
                        "needless": needless_deletions(before, spliced, gold),
                        "undone": undone_deletions(before, spliced, gold)}
    return out


def dev_figures(dataset: Path, mirrors: Path) -> dict:
    rows = [json.loads(line) for line in dataset.read_text().splitlines() if line.strip()]
    done = []
    for i, inst in enumerate(rows):
        with tempfile.TemporaryDirectory(prefix="capuchin-faithful-") as tmp:
            row = dev_instance(inst, mirrors, Path(tmp) / str(i))
        if row is not None:
            done.append(row)
    figures: dict = {"instances": len(rows), "python_only": len(done)}
    for key in ("faithful_before", "faithful_after", "sloppy_before", "sloppy_after"):
        runs = [r[key] for r in done if r.get(key)]
        figures[key] = {
            "spliced": len(runs),
            "with_needless_deletions": round(sum(bool(r["needless"]) for r in runs) / max(len(runs), 1), 3),
            "with_deliberate_deletions_undone": sum(bool(r["undone"]) for r in runs),
            "size_ratio_median": statistics.median(r["ratio"] for r in runs) if runs else None,
        }
    figures["undone"] = {r["instance_id"]: r["faithful_after"]["undone"] for r in done
                         if r.get("faithful_after") and r["faithful_after"]["undone"]}
    figures["per_instance"] = done
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=Path("benchmarks/results/faithful-edits.json"))
    parser.add_argument("--evidence", type=Path, default=EVIDENCE)
    parser.add_argument("--dataset", type=Path, default=DEV)
    parser.add_argument("--mirrors", type=Path, default=MIRRORS)
    parser.add_argument("--no-dev", action="store_true", help="only the coverage candidates")
    args = parser.parse_args()
    data = {"args": {k: str(v) for k, v in vars(args).items()}, "coverage": coverage_figures(args.evidence)}
    print("coverage:", json.dumps({k: v for k, v in data["coverage"].items() if k != "per_bug"}, indent=1))
    if not args.no_dev:
        data["dev"] = dev_figures(args.dataset, args.mirrors)
        print("dev:", json.dumps({k: v for k, v in data["dev"].items() if k != "per_instance"}, indent=1))
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(data, indent=2) + "\n")


if __name__ == "__main__":
    main()
