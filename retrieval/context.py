"""R2C2-style prompt context: located code in full, its files' skeletons, related blocks, in a budget.

Blocks are proposed in priority order (each target followed by its file's skeleton,
then callees, callers, and code similar to the targets) and taken greedily while they
fit; a block inside an already-taken span is a duplicate and is skipped.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence

from agent.core.types import Context, ContextBlock, ContextRole, Location
from retrieval.index import RepoIndex
from retrieval.maps import schematic_map
from retrieval.text import count_tokens, tokenize

# A target larger than this share of the budget is shown as its skeleton instead.
_MAX_TARGET_SHARE = 0.6
_SKELETON_SHARE = 0.15
_RELATED_PER_TARGET = 3


def _code_block(index: RepoIndex, path: str, qualname: str, role: ContextRole) -> ContextBlock | None:
    sym = index.graph.symbol(path, qualname)
    if sym is None:
        return None
    text = index.read(path)[sym.start_byte:sym.end_byte].decode("utf-8", "replace")
    return ContextBlock(path=path, role=role, text=text, qualname=qualname, start_line=sym.start_line,
                        end_line=sym.end_line, tokens=count_tokens(text))


def _target(index: RepoIndex, loc: Location, budget: int) -> ContextBlock | None:
    if loc.qualname is None:
        parsed = index.parsed(loc.path)
        if parsed is None:
            return None
        text = schematic_map(parsed, int(budget * _MAX_TARGET_SHARE))
        return ContextBlock(path=loc.path, role="skeleton", text=text, end_line=parsed.line_count,
                            tokens=count_tokens(text))
    block = _code_block(index, loc.path, loc.qualname, "target")
    if block is not None and block.tokens > budget * _MAX_TARGET_SHARE:
        parsed = index.parsed(loc.path)
        prefix = loc.qualname + "."
        members = [s.uid for s in parsed.symbols if s.qualname.startswith(prefix)]
        text = schematic_map(parsed, int(budget * _MAX_TARGET_SHARE), priority=[loc.qualname, *members])
        block = block.model_copy(update={"text": text, "tokens": count_tokens(text)})
    return block


def _skeleton(index: RepoIndex, path: str, targets: list[str], budget: int) -> ContextBlock | None:
    parsed = index.parsed(path)
    if parsed is None or parsed.error:
        return None
    text = schematic_map(parsed, int(budget * _SKELETON_SHARE), priority=targets)
    return ContextBlock(path=path, role="skeleton", text=text, start_line=1, end_line=parsed.line_count,
                        tokens=count_tokens(text))


def _similar(index: RepoIndex, block: ContextBlock, n: int) -> list[tuple[str, str]]:
    scores = index.symbol_scores(tokenize(block.text)[:200])
    order = scores.argsort()[::-1][: n + 1]
    return [index.symbol_refs[i] for i in order if scores[i] > 0][:n + 1]


def _proposals(index: RepoIndex, locations: Sequence[Location], budget: int) -> Iterator[ContextBlock]:
    by_file: dict[str, list[str]] = {}
    for loc in locations:
        by_file.setdefault(loc.path, []).append(loc.qualname or "")
    targets = []
    for loc in locations:
        block = _target(index, loc, budget)
        if block is not None:
            targets.append(block)
            yield block
        if loc.path in by_file:
            skeleton = _skeleton(index, loc.path, [q for q in by_file.pop(loc.path) if q], budget)
            if skeleton is not None:
                yield skeleton
    for role, related in (("callee", index.graph.callees), ("caller", index.graph.callers)):
        for t in targets:
            for path, qual in related(t.path, t.qualname or "", limit=_RELATED_PER_TARGET) if t.qualname else []:
                block = _code_block(index, path, qual, role)
                if block is not None:
                    yield block
    for t in targets:
        for path, qual in _similar(index, t, _RELATED_PER_TARGET):
            block = _code_block(index, path, qual, "similar")
            if block is not None:
                yield block


def _covered(block: ContextBlock, taken: list[ContextBlock]) -> bool:
    """Whether ``block``'s code is already shown (same definition, or inside a taken code span)."""
    for t in taken:
        if t.path != block.path or t.role == "skeleton":
            continue
        if t.qualname == block.qualname or (t.start_line <= block.start_line and block.end_line <= t.end_line):
            return True
    return False


def build_context(index: RepoIndex, locations: Sequence[Location], *, budget_tokens: int) -> Context:
    """Pack the context for ``locations`` (best first) into ``budget_tokens``."""
    taken: list[ContextBlock] = []
    used = 0
    for block in _proposals(index, locations, budget_tokens):
        if block.tokens == 0 or used + block.tokens > budget_tokens or _covered(block, taken):
            continue
        if block.role == "skeleton" and any(t.role == "skeleton" and t.path == block.path for t in taken):
            continue
        taken.append(block)
        used += block.tokens
    return Context(blocks=taken, tokens=used, budget=budget_tokens)
