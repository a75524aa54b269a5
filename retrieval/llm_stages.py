"""Optional LLM stages of the localiser: pick files from the file map, narrow definitions from schematic maps.

The model only reorders what retrieval found: its picks move to the front, everything
else keeps its retrieval order, and an answer naming nothing known changes nothing.
A failing model call (LLMError) falls back to the retrieval order.
"""

from __future__ import annotations

import re
from dataclasses import replace
from typing import TYPE_CHECKING

from agent.core.errors import LLMError
from agent.core.protocols import Model
from agent.core.types import Location
from retrieval.config import RetrievalConfig
from retrieval.maps import file_map, schematic_map

if TYPE_CHECKING:
    from retrieval.index import RepoIndex
    from retrieval.localize import FileRanking

FILE_MAP_TOKENS = 2500
SCHEMATIC_TOKENS = 1200
SHOWN_FILES = 30
SCHEMATIC_FILES = 4

_SYSTEM = "You locate the code a GitHub issue is about. Answer with the requested lines only, no prose."


def _ask(model: Model, prompt: str, index: RepoIndex) -> str:
    messages = [{"role": "system", "content": _SYSTEM}, {"role": "user", "content": prompt}]
    try:
        return (model.complete(messages, n=1, temperature=0.0, max_tokens=300) or [""])[0]
    except LLMError as exc:
        index.bus.emit("log", "localize", f"model unavailable, keeping retrieval's order: {exc}")
        return ""


PICKS = 5
"""At most this many picks count: small models answer by copying the whole list they were shown."""

_IDENT = re.compile(r"\w")
_NAME_BEFORE = re.compile(r"[\w./]")


def spellings(key: str) -> list[str]:
    """Ways a model writes a location: ``a/b.py::C.f``, ``a/b.py:C.f``, ``a/b.py.C.f``, ``a.b.C.f``."""
    if "::" not in key:
        return [key]
    path, qual = key.split("::", 1)
    module = path.removesuffix(".py").replace("/", ".")
    return [key, f"{path}:{qual}", f"{path}.{qual}", f"{module}.{qual}"]


def _picked(answer: str, known: list[str], limit: int = PICKS) -> list[str]:
    """Known items named in the answer (in any of their spellings), in the order the answer
    names them, at most ``limit``. A name must stand alone: ``m.f`` matches in neither ``m.foo``
    nor ``pkg.m.f``."""
    found: list[tuple[int, int, str]] = []
    for item in known:
        for spelling in spellings(item):
            for match in re.finditer(re.escape(spelling), answer):
                at, end = match.start(), match.end()
                if (at and _NAME_BEFORE.match(answer[at - 1])) or (end < len(answer) and _IDENT.match(answer[end])):
                    continue
                found.append((at, end - at, item))
    # A longer match at the same place wins ('a/b.py::C.f' over 'a/b.py::C').
    found.sort(key=lambda x: (x[0], -x[1]))
    seen: list[str] = []
    covered = -1
    for at, length, item in found:
        if at >= covered and item not in seen:
            seen.append(item)
            covered = at + length
    return seen[:limit]


def _promote(order: list[str], picks: list[str]) -> list[str]:
    return picks + [p for p in order if p not in picks]


def pick_files(model: Model, index: RepoIndex, issue: str, files: FileRanking,
               config: RetrievalConfig) -> FileRanking:
    """Stage 1 with a model: it picks up to five files from the map of the best-ranked ones."""
    shown = files.paths[:SHOWN_FILES]
    fmap = file_map(index.graph.files, shown, FILE_MAP_TOKENS)
    prompt = (f"Issue:\n{issue[:6000]}\n\nRepository files (most relevant first):\n{fmap}\n\n"
              "Which files must be edited to resolve the issue? List up to 5 paths, one per line, most likely first.")
    picks = _picked(_ask(model, prompt, index), shown)
    if not picks:
        return files
    order = _promote(files.paths, picks)
    score = dict(zip(files.paths, files.scores, strict=True))
    reasons = {p: files.reasons.get(p, []) + (["llm file pick"] if p in picks else []) for p in order}
    top = max(files.scores, default=0.0)
    scores = [top + len(picks) - i if p in picks else score[p] for i, p in enumerate(order)]
    return replace(files, paths=order, scores=scores, reasons=reasons)


def narrow_locations(model: Model, index: RepoIndex, issue: str, locations: list[Location],
                     config: RetrievalConfig) -> list[Location]:
    """Stages 2-3 with a model: it reads schematic maps of the top files and names the definitions to edit."""
    paths = list(dict.fromkeys(loc.path for loc in locations))[:SCHEMATIC_FILES]
    maps = []
    for path in paths:
        parsed = index.parsed(path)
        wanted = [loc.qualname for loc in locations if loc.path == path and loc.qualname]
        maps.append(schematic_map(parsed, SCHEMATIC_TOKENS, priority=wanted))
    prompt = (f"Issue:\n{issue[:6000]}\n\nCandidate files (signatures only):\n\n" + "\n\n".join(maps) +
              "\n\nWhich functions or classes must change? Answer one per line as path::Qualified.name.")
    keys = [loc.key for loc in locations]
    picks = _picked(_ask(model, prompt, index), keys)
    if not picks:
        return locations
    by_key = {loc.key: loc for loc in locations}
    out = []
    for key in _promote(keys, picks):
        loc = by_key[key]
        out.append(loc.model_copy(update={"reasons": [*loc.reasons, "llm pick"]}) if key in picks else loc)
    return out
