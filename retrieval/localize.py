"""The hierarchical localiser: files (stage 1), their schematic maps (stage 2), functions/classes (stage 3).

Retrieval alone is complete: stage 1 fuses BM25 over files and symbols, dense
similarity, paths/modules/stack frames/identifiers named in the issue and graph
proximity; stage 3 ranks the candidate files' definitions the same way, plus the texts the
issue quotes found verbatim inside a definition (retrieval.literals). With a model,
``retrieval.llm_stages`` lets it pick files from the file map and narrow definitions
from the schematic maps.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from agent.core.protocols import Model
from agent.core.types import Context, Location
from retrieval.config import RetrievalConfig
from retrieval.graph import SymbolRef
from retrieval.index import RepoIndex
from retrieval.literals import extract_literals, file_literal_scores, find_literals, symbol_literal_scores
from retrieval.near import callee_scores, fuse_symbols, stem, stem_overlap
from retrieval.rank import combine, keep_top, reasons_for, top_indices
from retrieval.signals import IssueSignals, code_of, constructor_scores, extract, name_overlap, title_of
from retrieval.strings import find_in_strings
from retrieval.text import tokenize


@dataclass
class FileRanking:
    paths: list[str]
    scores: list[float]
    reasons: dict[str, list[str]]


class Localizer:
    """Finds the files and definitions an issue concerns (satisfies ``agent.core.protocols.Retriever``)."""

    def __init__(self, index: RepoIndex, config: RetrievalConfig | None = None, model: Model | None = None):
        self.index = index
        self.config = config or index.config
        self.model = model
        self._last: tuple[str, tuple[FileRanking, IssueSignals]] | None = None

    # -- stage 1 ---------------------------------------------------------------
    def _file_signals(self, issue: str, sig: IssueSignals, tokens: list[str]) -> dict[str, np.ndarray]:
        idx = self.index
        pos = {p: i for i, p in enumerate(idx.paths)}

        def from_dict(d: dict[str, float]) -> np.ndarray:
            arr = np.zeros(len(idx.paths), dtype=np.float64)
            for path, score in d.items():
                if path in pos:
                    arr[pos[path]] = score
            return arr

        sym_scores = idx.symbol_scores(tokens)
        best_symbol = np.zeros(len(idx.paths), dtype=np.float64)
        file_of = idx.symbol_files
        if len(file_of):
            np.maximum.at(best_symbol, file_of, sym_scores)
        signals = {
            "bm25_file": idx.file_scores(tokens).astype(np.float64),
            "bm25_title": idx.file_scores(tokenize(title_of(issue))).astype(np.float64),
            "bm25_code": idx.file_scores(tokenize(code_of(issue))).astype(np.float64),
            "bm25_symbol": best_symbol,
            "mention": from_dict(sig.mention_files),
            "title_mention": from_dict(sig.title_files),
            "family": from_dict(sig.family_files),
            "trace": from_dict(sig.trace_files),
            "path": from_dict(sig.paths),
            "loose": from_dict(sig.loose_files),
            "stem": from_dict(sig.stem_files),
        }
        if self.config.weights.get("literal"):
            signals["literal"] = from_dict(sig.literal_files)
        if self.config.weights.get("strconst"):
            signals["strconst"] = from_dict(sig.string_files)
        if self.config.weights.get("dense") and idx.dense is not None:
            signals["dense"] = idx.dense.file_scores(issue)
        if self.config.weights.get("history") and idx.history is not None:
            signals["history"] = idx.history.scores(tokens)
        return signals

    def _literals(self, issue: str, sig: IssueSignals) -> None:
        """Rare texts quoted in the issue, found verbatim in the source (only read when a weight asks)."""
        cfg = self.config
        wanted = {name for name in ("literal", "strconst") if cfg.weights.get(name) or cfg.symbol_weights.get(name)}
        if not wanted:
            return
        source, literals = self.index.source_text, extract_literals(issue)

        def symbols(path: str):
            return self.index.entries[path].parsed.symbols

        if "literal" in wanted:
            hits = find_literals(literals, source, max_files=cfg.literal_max_files)
            sig.literal_files = file_literal_scores(hits, source)
            sig.literal_symbols = symbol_literal_scores(hits, source, symbols)
        if "strconst" in wanted:
            hits = find_in_strings(literals, source, self.index.string_spans, max_files=cfg.literal_max_files)
            sig.string_files = file_literal_scores(hits, source)
            sig.string_symbols = symbol_literal_scores(hits, source, symbols)

    def _graph_signal(self, fused: np.ndarray, n_seed: int = 5) -> np.ndarray:
        """Files next to (importing or imported by) the current best files score by that nearness."""
        idx = self.index
        pos = {p: i for i, p in enumerate(idx.paths)}
        out = np.zeros(len(idx.paths), dtype=np.float64)
        for rank, i in enumerate(top_indices(fused, n_seed)):
            for neighbour in idx.graph.neighbours(idx.paths[i]):
                out[pos[neighbour]] += 1.0 / (rank + 1)
        return out

    def _rank_files(self, issue: str) -> tuple[FileRanking, IssueSignals]:
        # rank_files() then localize() on one issue ask the model once
        if self._last is not None and self._last[0] == issue:
            return self._last[1]
        idx = self.index
        sig = extract(idx.graph, issue)
        self._literals(issue, sig)
        tokens = tokenize(issue)
        signals = self._file_signals(issue, sig, tokens)
        mask = idx.candidate_mask()
        weights, power = self.config.weights, self.config.fusion_power
        fused = combine(signals, weights, power=power, mask=mask)
        if weights.get("graph"):
            # Second pass: files next to the first pass's best files get a share of their evidence.
            signals["graph"] = self._graph_signal(fused)
            fused = combine(signals, weights, power=power, mask=mask)
        if weights.get("cochange") and idx.history is not None:
            # Multi-file fixes: files that past commits changed together with the best files so far.
            seeds = [idx.paths[i] for i in top_indices(fused, self.config.cochange_seeds)]
            signals["cochange"] = idx.history.cochange_scores(seeds, {p: i for i, p in enumerate(idx.paths)})
            fused = keep_top(fused, combine(signals, weights, power=power, mask=mask), self.config.cochange_keep)
        order = top_indices(fused, len(idx.paths))
        paths = [idx.paths[i] for i in order]
        reasons = {idx.paths[i]: reasons_for(i, signals) for i in order[: self.config.top_files]}
        ranking = FileRanking(paths, [float(fused[i]) for i in order], reasons)
        if self.config.rerank_weight > 0:
            ranking = self._rerank(issue, ranking)
        if self.model is not None:
            from retrieval.llm_stages import pick_files

            ranking = pick_files(self.model, self.index, issue, ranking, self.config)
        self._last = (issue, (ranking, sig))
        return ranking, sig

    def _rerank(self, issue: str, ranking: FileRanking) -> FileRanking:
        """The learned reranker re-orders the best ``rerank_top`` files; the scores stay with the places."""
        from retrieval.rerank import file_card, fuse, load_reranker

        model = load_reranker(self.config.rerank_model)
        head = ranking.paths[: self.config.rerank_top]
        cards = [file_card(p, self.index.read(p).decode("utf-8", "replace")) for p in head]
        order = fuse(head, model.scores(issue, cards), self.config.rerank_weight)
        return FileRanking(order + ranking.paths[len(head):], ranking.scores, ranking.reasons)

    def rank_files(self, issue: str) -> list[tuple[str, float]]:
        """Every candidate file, best first, with its fused score."""
        ranking, _ = self._rank_files(issue)
        return list(zip(ranking.paths, ranking.scores, strict=True))

    # -- stage 3 ---------------------------------------------------------------
    def symbol_signals(
        self, issue: str, files: FileRanking, sig: IssueSignals,
    ) -> tuple[list[SymbolRef], dict[str, np.ndarray]]:
        """Every definition of the kept files, and each stage-3 signal over them (benchmarks replay these)."""
        idx = self.index
        keep = files.paths[: self.config.top_files]
        file_rank = {p: r for r, p in enumerate(keep, 1)}
        chosen = sorted(i for p in keep for i in idx.symbol_rows(p))
        if not chosen:
            return [], {}
        refs = [idx.symbol_refs[i] for i in chosen]
        names = [idx.graph.symbol(p, q).name for p, q in refs]
        words, title_words = set(tokenize(issue)), set(tokenize(title_of(issue)))
        signals = {
            "file": np.array([file_rank[p] ** -self.config.file_prior_power for p, _ in refs]),
            "bm25_symbol": idx.symbol_scores(tokenize(issue))[chosen].astype(np.float64),
            "bm25_title": idx.symbol_scores(tokenize(title_of(issue)))[chosen].astype(np.float64),
            "name": _per_name(names, words),
            "name_title": _per_name(names, title_words),
            "mention": np.array([sig.mention_symbols.get(r, 0.0) for r in refs]),
            "trace": np.array([sig.trace_symbols.get(r, 0.0) for r in refs]),
            "literal": np.array([sig.literal_symbols.get(r, 0.0) for r in refs]),
            "loose": np.array([sig.loose_symbols.get(r, 0.0) for r in refs]),
            "strconst": np.array([sig.string_symbols.get(r, 0.0) for r in refs]),
        }
        if self.config.symbol_weights.get("ctor"):
            named = {**sig.loose_symbols, **sig.mention_symbols}
            ctor = constructor_scores(idx.graph, named)
            signals["ctor"] = np.array([ctor.get(r, 0.0) for r in refs])
        if self.config.symbol_weights.get("dense") and idx.dense is not None:
            signals["dense"] = idx.dense.symbol_scores(issue, chosen)
        signals.update(self._near_signals(issue, sig, refs, names))
        return refs, signals

    def _near_signals(self, issue: str, sig: IssueSignals, refs: list[SymbolRef], names: list[str]) -> dict:
        """The optional stage-3 signals of retrieval.near, each computed only when it has a weight."""
        weights, out = self.config.symbol_weights, {}
        if weights.get("callee"):
            called = callee_scores(self.index.graph, sig.mention_symbols, sig.trace_symbols)
            out["callee"] = np.array([called.get(n, 0.0) for n in names])
        for name, text in (("stem_name", issue), ("stem_title", title_of(issue))):
            if weights.get(name):
                stems = {stem(t) for t in tokenize(text)}
                overlap = {n: stem_overlap(n, stems) for n in set(names)}
                out[name] = np.array([overlap[n] for n in names], dtype=np.float64)
        return out

    def _rank_symbols(self, issue: str, files: FileRanking, sig: IssueSignals, limit: int) -> list[Location]:
        """The best ``limit`` definitions of the kept files (only those get a Location and its reasons: on
        sympy, building all ~1,500 cost more than ranking them)."""
        idx = self.index
        refs, signals = self.symbol_signals(issue, files, sig)
        if not refs:
            return []
        cfg = self.config
        fused = fuse_symbols(signals, cfg.symbol_weights, power=cfg.symbol_fusion_power, keep=cfg.symbol_keep)
        out = []
        for i in top_indices(fused, limit):
            path, qual = refs[i]
            sym = idx.graph.symbol(path, qual)
            out.append(Location(
                path=path, qualname=qual, kind=sym.kind, start_line=sym.start_line, end_line=sym.end_line,
                score=float(fused[i]), reasons=reasons_for(i, signals),
            ))
        return out

    def localize(self, issue: str, *, top_k: int = 20) -> list[Location]:
        """Ranked functions/classes (best first) with the evidence for each."""
        files, sig = self._rank_files(issue)
        # The model may promote any definition it is shown, so with one every definition is kept.
        limit = max(top_k, self.config.top_locations) if self.model is None else len(self.index.symbol_refs)
        locations = self._rank_symbols(issue, files, sig, limit)
        if self.model is not None:
            from retrieval.llm_stages import narrow_locations

            locations = narrow_locations(self.model, self.index, issue, locations, self.config)
        return locations[:top_k]

    def context(self, locations: Sequence[Location], *, budget_tokens: int) -> Context:
        """R2C2 context for the given locations (see retrieval.context)."""
        from retrieval.context import build_context

        return build_context(self.index, locations, budget_tokens=budget_tokens)


def _per_name(names: list[str], words: set[str]) -> np.ndarray:
    """``name_overlap`` of each name, computed once per distinct name (``__init__`` repeats thousands of times)."""
    overlap = {n: name_overlap(n, words) for n in set(names)}
    return np.array([overlap[n] for n in names], dtype=np.float64)
