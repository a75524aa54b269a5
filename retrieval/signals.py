"""Exact evidence in an issue's text: file paths, modules, stack-trace frames and code identifiers.

Each function maps the issue onto the repository and returns scores keyed by file path
or by (path, qualname); ranking (retrieval.rank) fuses them with BM25 and dense scores.
"""

from __future__ import annotations

import math
import re
from collections import defaultdict
from dataclasses import dataclass, field
from functools import lru_cache

from retrieval.graph import CodeGraph, SymbolRef
from retrieval.text import STOPWORDS, split_identifier

_PATHLIKE = re.compile(r"[\w.\-/\\]+\.py\b")
_DOTTED = re.compile(r"\b[A-Za-z_][\w]*(?:\.[A-Za-z_]\w*)+\b")
_FRAME = re.compile(r'File "([^"]+\.py)", line (\d+), in (\w+)')
_PYTEST_FRAME = re.compile(r"^([\w./\\-]+\.py):(\d+):(?: in (\w+))?", re.M)
_CODE = re.compile(r"```.*?```|`[^`\n]+`", re.S)


@dataclass
class IssueSignals:
    """What the issue names, resolved against the repository."""

    paths: dict[str, float] = field(default_factory=dict)
    """Files named by path or module, score = how directly."""
    trace_files: dict[str, float] = field(default_factory=dict)
    """Files in stack-trace frames; the innermost repository frame scores highest."""
    trace_symbols: dict[SymbolRef, float] = field(default_factory=dict)
    mention_files: dict[str, float] = field(default_factory=dict)
    """Files defining identifiers the issue mentions, weighted by how specific the name is."""
    mention_symbols: dict[SymbolRef, float] = field(default_factory=dict)
    title_files: dict[str, float] = field(default_factory=dict)
    """Files defining identifiers named in the title line."""
    family_files: dict[str, float] = field(default_factory=dict)
    """Files defining subclasses of classes the issue names (fixes often land in an override)."""
    loose_files: dict[str, float] = field(default_factory=dict)
    """Files defining classes the issue names in prose, in another case or number ('blueprint' for Blueprint)."""
    loose_symbols: dict[SymbolRef, float] = field(default_factory=dict)
    stem_files: dict[str, float] = field(default_factory=dict)
    """Files whose module name the issue uses as a word ('blueprints' for blueprints.py)."""
    literal_files: dict[str, float] = field(default_factory=dict)
    """Files holding rare texts the issue quotes (retrieval.literals); filled by the localiser on demand."""
    literal_symbols: dict[SymbolRef, float] = field(default_factory=dict)
    string_files: dict[str, float] = field(default_factory=dict)
    """Files whose string constants hold texts the issue quotes (retrieval.strings); filled on demand."""
    string_symbols: dict[SymbolRef, float] = field(default_factory=dict)


def _match_path(graph: CodeGraph, raw: str) -> str | None:
    """The repository file a path from the issue (maybe absolute, maybe site-packages) refers to."""
    raw = raw.replace("\\", "/")
    parts = [p for p in raw.split("/") if p not in ("", ".")]
    for start in range(len(parts)):
        candidate = "/".join(parts[start:])
        if candidate in graph.files:
            return candidate
    return None


def _frames(graph: CodeGraph, text: str) -> list[tuple[str, str]]:
    frames = [(m.group(1), m.group(3)) for m in _FRAME.finditer(text)]
    frames += [(m.group(1), m.group(3) or "") for m in _PYTEST_FRAME.finditer(text)]
    out = []
    for raw, func in frames:
        path = _match_path(graph, raw)
        if path:
            out.append((path, func))
    return out


def _trace(graph: CodeGraph, text: str, sig: IssueSignals) -> None:
    frames = _frames(graph, text)
    for depth, (path, func) in enumerate(frames):
        weight = 1.0 + depth / max(len(frames), 1)  # inner frames are nearer the fault
        sig.trace_files[path] = max(sig.trace_files.get(path, 0.0), weight)
        for sym in graph.files[path].symbols:
            if func and sym.name == func:
                key = (path, sym.uid)
                sig.trace_symbols[key] = max(sig.trace_symbols.get(key, 0.0), weight)


def _paths(graph: CodeGraph, text: str, sig: IssueSignals) -> None:
    for m in _PATHLIKE.finditer(text):
        path = _match_path(graph, m.group(0))
        if path:
            sig.paths[path] = max(sig.paths.get(path, 0.0), 1.0)
    for m in _DOTTED.finditer(text):
        dotted = m.group(0)
        for cut in range(dotted.count(".") + 1, 0, -1):  # longest module prefix: sympy.core.basic.Basic
            module = ".".join(dotted.split(".")[:cut])
            if module in graph.module_to_path and "." in module:
                path = graph.module_to_path[module]
                sig.paths[path] = max(sig.paths.get(path, 0.0), 0.8)
                break


def _mentions(graph: CodeGraph, text: str, sig: IssueSignals) -> None:
    code = " ".join(_CODE.findall(text))
    words = re.findall(r"[A-Za-z_]\w*", text)
    counts: dict[str, int] = defaultdict(int)
    for w in words:
        counts[w] += 1
    in_code = set(re.findall(r"[A-Za-z_]\w*", code))
    dotted_pairs = {tuple(d.split(".")[-2:]) for d in _DOTTED.findall(text)}
    for name, count in counts.items():
        refs = graph.defs_by_name.get(name)
        if not refs or len(name) < 3 or len(refs) > 40:
            continue
        # Rare names are specific; names in code spans or repeated are deliberate.
        weight = (1.0 / math.sqrt(len(refs))) * (1.5 if name in in_code else 1.0) * (1 + math.log(count))
        if not name[0].isupper() and "_" not in name and len(refs) > 10:
            weight *= 0.5  # short lower-case words ('add', 'simplify') are often prose
        for path, qual in refs:
            parts = qual.split(".")
            bonus = 2.0 if len(parts) > 1 and tuple(parts[-2:]) in dotted_pairs else 1.0
            key = (path, qual)
            sig.mention_symbols[key] = sig.mention_symbols.get(key, 0.0) + weight * bonus
            sig.mention_files[path] = sig.mention_files.get(path, 0.0) + weight * bonus


def _word_forms(word: str) -> set[str]:
    """A lower-cased word and its other number ('blueprint' <-> 'blueprints', 'index' <-> 'indexes')."""
    forms = {word, word + "s"}
    if word.endswith("s"):
        forms.add(word[:-1])
    if word.endswith("es"):
        forms.add(word[:-2])
    return forms


def _loose_names(graph: CodeGraph, text: str, title: str, sig: IssueSignals) -> None:
    """Classes and modules named in prose. Issue #18: 'Raise error when blueprint name contains a dot' never
    listed blueprints.py, because only the exact-case name matched (the property ``Request.blueprint`` in
    wrappers.py), never the class ``Blueprint`` nor the module ``blueprints``; the base class's file, rich in
    the same words, won on BM25."""
    exact = set(re.findall(r"[A-Za-z_]\w*", text))
    title_words = {w.lower() for w in re.findall(r"[A-Za-z_]\w*", title)}
    words = {w.lower() for w in exact if len(w) >= 4 and w.lower() not in STOPWORDS}
    for word in words:
        bonus = 1.5 if word in title_words else 1.0
        forms = _word_forms(word)
        classes = [r for f in forms for r in graph.classes_by_lower.get(f, ())
                   if graph.symbol(*r) is not None and graph.symbol(*r).name not in exact]
        if 0 < len(classes) <= 20:
            for path, uid in classes:
                weight = bonus / math.sqrt(len(classes))
                sig.loose_symbols[(path, uid)] = max(sig.loose_symbols.get((path, uid), 0.0), weight)
                sig.loose_files[path] = max(sig.loose_files.get(path, 0.0), weight)
        paths = [p for f in forms for p in graph.paths_by_stem.get(f, ())]
        if 0 < len(paths) <= 10:
            for path in paths:
                sig.stem_files[path] = max(sig.stem_files.get(path, 0.0), bonus / math.sqrt(len(paths)))


def constructor_scores(graph: CodeGraph, named: dict[SymbolRef, float]) -> dict[SymbolRef, float]:
    """A named class's ``__init__`` gets the class's score: an issue about how an object is made or what it
    accepts ('a blueprint name must not contain a dot') is fixed in the constructor (flask-5014, -4045)."""
    out: dict[SymbolRef, float] = {}
    for (path, uid), score in named.items():
        sym = graph.symbol(path, uid)
        if sym is None or sym.kind != "class":
            continue
        init = graph.files[path].symbol(f"{sym.qualname}.__init__")
        if init is not None:
            key = (path, init.uid)
            out[key] = max(out.get(key, 0.0), score)
    return out


def title_of(issue: str) -> str:
    """The issue's first non-empty line: the reporter's own summary, the densest evidence."""
    return next((line for line in issue.splitlines() if line.strip()), "")


def code_of(issue: str) -> str:
    """Code spans and fenced blocks of the issue (reproducers, tracebacks, names in backticks)."""
    return " ".join(_CODE.findall(issue))


@lru_cache(maxsize=262_144)
def _name_parts(name: str) -> tuple[str, ...]:
    return tuple(p for p in split_identifier(name) if len(p) > 2 and p not in STOPWORDS)


def name_overlap(name: str, words: set[str]) -> float:
    """Share of a definition name's parts (``prepare_content_length`` -> 3 parts) found among ``words``."""
    parts = _name_parts(name)
    return sum(p in words for p in parts) / len(parts) if parts else 0.0


def _family(graph: CodeGraph, sig: IssueSignals) -> None:
    named = {}
    for (path, uid), weight in sig.mention_symbols.items():
        sym = graph.symbol(path, uid)
        if sym is not None and sym.kind == "class":
            named[sym.name] = max(named.get(sym.name, 0.0), weight)
    for name, weight in named.items():
        for path, _uid in graph.subclasses.get(name, []):
            sig.family_files[path] = sig.family_files.get(path, 0.0) + weight


def extract(graph: CodeGraph, issue: str) -> IssueSignals:
    sig = IssueSignals()
    _trace(graph, issue, sig)
    _paths(graph, issue, sig)
    _mentions(graph, issue, sig)
    title = IssueSignals()
    _mentions(graph, title_of(issue), title)
    sig.title_files = title.mention_files
    _family(graph, sig)
    _loose_names(graph, issue, title_of(issue), sig)
    return sig
