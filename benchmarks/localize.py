"""Localisation benchmark: rank files and functions for each instance, then score against the gold patch.

One output line per instance: ``{"instance_id", "files" (>= 20 ranked paths),
"functions" (>= 50 ranked "path::Qualified.name" where the repository has them),
"seconds"}``. Instances already in the output are skipped (resume). File Acc@k: every
file the gold patch touches is in the top k; function Acc@k: every expected definition
span is in the top k. Module-level spans (``imports``, ``docstring``, ``impl:N``) name no
definition a localiser could return, so they are left out; a class-body statement span
(``Cls:N``) counts as its class. ``function_acc_all_spans`` keeps the older count (only
``imports`` left out) for comparison with earlier results.

    python -m benchmarks.localize --dataset ../shared/data/swebench-dev.jsonl \\
        --checkouts /work/checkouts --out benchmarks/results/localize-dev.jsonl
"""

from __future__ import annotations

import ast
import hashlib
import json
import re
import statistics
import sys
import time
from dataclasses import dataclass
from pathlib import Path

from agent.core.errors import InputError

FILE_KS = (1, 3, 5, 10)
FUNCTION_KS = (5, 10, 20)
_DIFF_FILE = re.compile(r"^diff --git a/(\S+) b/", re.M)
_MODULE_SPAN = re.compile(r"^(imports|docstring|impl:\d+)$")
_CLASS_BODY_SPAN = re.compile(r"^(.+):\d+$")


_TRACEBACK = re.compile(r'Traceback \(most recent call last\)|File "[^"]+", line \d+|^\S+\.py:\d+: ', re.M)
_FILE_PATH = re.compile(r"(?<![\w/.])[\w.-]+(?:/[\w.-]+)*\.(?:py|pyi|pyx|cfg|toml|ini|rst|txt|json|yaml|yml)\b")
_CODE_SPAN = re.compile(r"```.*?```|`[^`\n]+`|^(?: {4}|\t)\S.*$|^>>> .*$", re.S | re.M)
_IDENTIFIER = re.compile(r"[A-Za-z_]\w*")
STYLES = ("traceback", "file path", "code identifier", "prose only")


def issue_style(issue: str) -> str:
    """How concretely an issue points at code, strongest first: it has a traceback, it names a file path, it
    names an identifier in code (a code span, a fenced or indented block, a ``>>>`` line), or it is prose only."""
    if _TRACEBACK.search(issue):
        return "traceback"
    if _FILE_PATH.search(issue):
        return "file path"
    if any(_IDENTIFIER.search(span) for span in _CODE_SPAN.findall(issue)):
        return "code identifier"
    return "prose only"


@dataclass(frozen=True)
class Instance:
    instance_id: str
    problem_statement: str
    gold_files: tuple[str, ...]
    gold_functions: tuple[str, ...]
    all_spans: tuple[str, ...] = ()
    """Every expected span but ``imports`` (the count used before module-level spans were left out)."""

    @property
    def repo(self) -> str:
        return self.instance_id.rsplit("-", 1)[0]

    @property
    def style(self) -> str:
        return issue_style(self.problem_statement)


def _literal(value):
    return ast.literal_eval(value) if isinstance(value, str) else value


def definition_span(span: str) -> str | None:
    """The definition an expected span names: None for module-level code, the class for a class-body statement."""
    if _MODULE_SPAN.match(span):
        return None
    body = _CLASS_BODY_SPAN.match(span)
    return body.group(1) if body else span


def load_instances(dataset: Path) -> list[Instance]:
    if not dataset.is_file():
        raise InputError(f"dataset not found: {dataset}")
    out = []
    for line in dataset.read_text(encoding="utf-8").splitlines():
        if not line.strip():
            continue
        row = json.loads(line)
        spans = _literal(row.get("expected_spans") or {}) or {}
        every = tuple(f"{p}::{q}" for p, quals in spans.items() for q in quals if q != "imports")
        functions = tuple(dict.fromkeys(
            f"{p}::{d}" for p, quals in spans.items() for q in quals if (d := definition_span(q))))
        out.append(Instance(row["instance_id"], row["problem_statement"],
                            tuple(dict.fromkeys(_DIFF_FILE.findall(row["patch"]))), functions, every))
    return out


def done_ids(out: Path) -> set[str]:
    """Instances with a result; one whose latest row records an error runs again."""
    return {i for i, row in read_results(out).items() if not row.get("error")}


_PARSE_MEMO: dict = {}
"""Parses shared between checkouts of one project (most blobs repeat across base commits)."""


def localize_one(inst: Instance, checkout: Path, config, model=None) -> dict:
    from retrieval import Localizer, RepoIndex

    start = time.perf_counter()
    index = RepoIndex.open(checkout, config, memo=_PARSE_MEMO)
    localizer = Localizer(index, config, model=model)
    want = max(20, config.top_files)
    files = [p for p, _ in localizer.rank_files(inst.problem_statement)[:want]]
    # Tiny repositories have fewer candidate files than the format's 20: the rest (tests) follow unranked.
    files += [p for p in index.paths if p not in files][: want - len(files)]
    locations = localizer.localize(inst.problem_statement, top_k=max(50, config.top_locations))
    return {"instance_id": inst.instance_id, "files": files,
            "functions": [loc.key for loc in locations], "seconds": round(time.perf_counter() - start, 3)}


def localize_or_error(inst: Instance, checkout: Path, config, model=None) -> dict:
    """``localize_one``'s row, or a row recording why it failed: one instance must not end the run
    (issue #11: sympy's generated table once crashed the indexer with a RecursionError)."""
    start = time.perf_counter()
    try:
        return localize_one(inst, checkout, config, model)
    except Exception as exc:  # any failure: it is recorded in the results and counted, not swallowed
        return {"instance_id": inst.instance_id, "files": [], "functions": [],
                "error": f"{type(exc).__name__}: {str(exc)[:500]}", "seconds": round(time.perf_counter() - start, 3)}


def _hit(gold: tuple[str, ...], ranked: list[str], k: int) -> bool:
    return bool(gold) and set(gold) <= set(ranked[:k])


def score(instances: list[Instance], results: dict[str, dict]) -> dict:
    """Acc@k figures over the instances that have results."""
    scored = [(i, results[i.instance_id]) for i in instances if i.instance_id in results]
    with_functions = [(i, r) for i, r in scored if i.gold_functions]
    with_spans = [(i, r) for i, r in scored if i.all_spans]
    n, nf = len(scored), len(with_functions)
    seconds = [r["seconds"] for _, r in scored]
    return {
        "instances": n,
        "file_acc": {k: round(sum(_hit(i.gold_files, r["files"], k) for i, r in scored) / max(n, 1), 4)
                     for k in FILE_KS},
        "function_instances": nf,
        "function_acc": {k: round(sum(_hit(i.gold_functions, r["functions"], k) for i, r in with_functions)
                                  / max(nf, 1), 4) for k in FUNCTION_KS},
        "function_acc_all_spans": {k: round(sum(_hit(i.all_spans, r["functions"], k) for i, r in with_spans)
                                            / max(len(with_spans), 1), 4) for k in FUNCTION_KS},
        "errors": sum(1 for _, r in scored if r.get("error")),
        "seconds_median": round(statistics.median(seconds), 3) if seconds else None,
        "seconds_total": round(sum(seconds), 1),
    }


def tuning_half(instance_id: str) -> bool:
    """The fixed split: weights are tuned on instances whose sha1(instance_id) starts with 0-7, the rest is held out."""
    return hashlib.sha1(instance_id.encode()).hexdigest()[0] in "01234567"


def split_scores(instances: list[Instance], results: dict[str, dict]) -> dict:
    """Acc@k on the tuning half and on the held-out half."""
    return {"tune": score([i for i in instances if tuning_half(i.instance_id)], results),
            "held_out": score([i for i in instances if not tuning_half(i.instance_id)], results)}


def breakdown(instances: list[Instance], results: dict[str, dict]) -> dict:
    """File Acc@1/@5/@10 and function Acc@10 per repository, for single- vs multi-file gold patches and per
    issue style (``style: traceback`` ...)."""
    def short(part: dict) -> dict:
        return {"n": part["instances"], "file@1": part["file_acc"][1], "file@5": part["file_acc"][5],
                "file@10": part["file_acc"][10], "function@10": part["function_acc"][10]}

    groups: dict[str, list[Instance]] = {}
    for inst in instances:
        groups.setdefault(inst.repo, []).append(inst)
        groups.setdefault("multi-file" if len(inst.gold_files) > 1 else "single-file", []).append(inst)
        groups.setdefault(f"style: {inst.style}", []).append(inst)
    return {name: short(score(group, results)) for name, group in sorted(groups.items())}


def miss_ranks(instances: list[Instance], results: dict[str, dict]) -> dict:
    """Where the file Acc@5 misses are: the rank of the worst-placed gold file (6-10, 11-20, not in the
    ranked list), for single- and multi-file gold patches, with the instances of each bucket."""
    out: dict[str, dict[str, list[str]]] = {}
    for inst in instances:
        row = results.get(inst.instance_id)
        if row is None or _hit(inst.gold_files, row["files"], 5):
            continue
        ranks = [row["files"].index(g) + 1 if g in row["files"] else None for g in inst.gold_files]
        worst = None if None in ranks else max(ranks)
        bucket = "not listed" if worst is None else "6-10" if worst <= 10 else "11-20"
        kind = "multi-file" if len(inst.gold_files) > 1 else "single-file"
        out.setdefault(kind, {}).setdefault(bucket, []).append(inst.instance_id)
    return out


def read_results(out: Path) -> dict[str, dict]:
    results = {}
    if out.exists():
        for line in out.read_text(encoding="utf-8").splitlines():
            try:
                row = json.loads(line)
                results[row["instance_id"]] = row
            except (json.JSONDecodeError, KeyError):
                continue
    return results


def run(dataset: Path, checkouts: Path, out: Path, config, model=None, progress=None) -> dict:
    """Localise every instance not yet in ``out``, append results, and return the scores."""
    instances = load_instances(dataset)
    if not checkouts.is_dir():
        raise InputError(f"checkouts directory not found: {checkouts}",
                         hint="make them with: python -m benchmarks.checkouts --dataset ... --out DIR")
    out.parent.mkdir(parents=True, exist_ok=True)
    skip = done_ids(out)
    todo = [i for i in instances if i.instance_id not in skip and (checkouts / i.instance_id).is_dir()]
    with out.open("a", encoding="utf-8") as fh:
        for n, inst in enumerate(todo, 1):
            row = localize_or_error(inst, checkouts / inst.instance_id, config, model)
            fh.write(json.dumps(row) + "\n")
            fh.flush()
            if progress:
                progress(n, len(todo), inst.instance_id)
    results = read_results(out)
    summary = score(instances, results)
    summary["splits"] = split_scores(instances, results)
    summary["breakdown"] = breakdown(instances, results)
    summary["breakdown_held_out"] = breakdown([i for i in instances if not tuning_half(i.instance_id)], results)
    summary["file_misses_at_5"] = miss_ranks(instances, results)
    summary["missing_checkouts"] = sum(not (checkouts / i.instance_id).is_dir() for i in instances)
    summary["error_instances"] = {i: r["error"] for i, r in sorted(results.items()) if r.get("error")}
    return summary


def format_summary(summary: dict) -> str:
    fa, fn = summary["file_acc"], summary["function_acc"]
    return "\n".join([
        f"instances: {summary['instances']} (missing checkouts: {summary.get('missing_checkouts', 0)}, "
        f"errors: {summary.get('errors', 0)}, counted as misses)",
        "file Acc@" + "  ".join(f"{k}: {fa[k]:.3f}" for k in FILE_KS),
        f"function Acc@ ({summary['function_instances']} with spans) "
        + "  ".join(f"{k}: {fn[k]:.3f}" for k in FUNCTION_KS),
        f"seconds per instance (median): {summary['seconds_median']}, total {summary['seconds_total']}",
        *(f"error: {i}: {why[:150]}" for i, why in summary.get("error_instances", {}).items()),
        *(f"{name}: {part['instances']} instances, file Acc@1 {part['file_acc'][1]:.3f} @5 {part['file_acc'][5]:.3f},"
          f" function Acc@10 {part['function_acc'][10]:.3f}" for name, part in summary.get("splits", {}).items()),
    ])


def main(argv: list[str] | None = None) -> int:
    from agent.cli import main as cli_main

    return cli_main(["bench", "localize", *(argv if argv is not None else sys.argv[1:])])


if __name__ == "__main__":
    sys.exit(main())
