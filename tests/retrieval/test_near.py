"""Stage-3 evidence one call away from what the issue names, and names matched by word stems (issue #15)."""

import subprocess

import pytest

from retrieval import Localizer, RepoIndex, RetrievalConfig
from retrieval.near import callee_scores, stem, stem_overlap
from retrieval.signals import extract

# xarray-4695, cut down: the issue names ``DataArray.loc``; the bug is in ``_LocIndexer.__getitem__``, which
# ``loc`` reaches by calling ``_LocIndexer``, while long API methods full of the issue's words rank first.
FILES = {
    "xr/__init__.py": "",
    "xr/dataarray.py": '''class _LocIndexer:
    def __init__(self, data_array):
        self.data_array = data_array

    def __getitem__(self, key):
        return self.data_array.sel(**key)


class DataArray:
    """A labelled array with dims and coords."""

    @property
    def loc(self):
        """Label-based indexing."""
        return _LocIndexer(self)

    def sel(self, indexers=None, method=None, **kwargs):
        """Select by dimension name; method is the fill method: pad, backfill or nearest, dims and coords."""
        return self.isel(indexers, method=method)

    def interp(self, coords=None, method="linear", **kwargs):
        """Interpolate along dims and coords with a method: linear, nearest; dimension names, fill method."""
        return coords

    def reindex(self, indexers=None, method=None, **kwargs):
        """Conform to new coords along dims; fill method pad or backfill; dimension name and fill."""
        return indexers
''',
}

ISSUE = """Naming a dimension "method" throws error when calling ".loc"

D2 = DataArray(empty, dims=['dim1', 'method'])
D2.loc[dict(dim1='x', method='a')]  # does not work

ValueError: Invalid fill method. Expecting pad (ffill), backfill (bfill) or nearest.
"""


@pytest.fixture
def xr_repo(tmp_path):
    for rel, text in FILES.items():
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).write_text(text)
    subprocess.run(["git", "init", "-q", str(tmp_path)], check=True)
    return tmp_path


def _ranked(repo, **update):
    base = RetrievalConfig(history=False)
    weights = {**base.symbol_weights, "callee": update.pop("callee")}
    config = base.model_copy(update={"symbol_weights": weights, **update})
    return Localizer(RepoIndex.open(repo, config), config).localize(ISSUE, top_k=10)


def test_definitions_called_by_named_ones_score_their_callers_evidence(xr_repo):
    index = RepoIndex.open(xr_repo, RetrievalConfig(history=False))
    sig = extract(index.graph, ISSUE)
    called = callee_scores(index.graph, sig.mention_symbols, sig.trace_symbols)
    assert called["_LocIndexer"] == sig.mention_symbols[("xr/dataarray.py", "DataArray.loc")]
    assert "sel" not in called  # nothing the issue names calls sel


def test_callee_lever_lifts_what_the_named_property_calls_below_the_kept_places(xr_repo):
    """``loc`` calls ``_LocIndexer``: the lever lifts it, and the best ``symbol_keep`` places stay as they were."""
    off = [loc.key for loc in _ranked(xr_repo, callee=0.0, symbol_keep=2)]
    on = _ranked(xr_repo, callee=1.0, symbol_keep=2)
    keys = [loc.key for loc in on]
    target = "xr/dataarray.py::_LocIndexer"
    assert keys.index(target) < off.index(target)
    assert keys.index(target) >= 2
    assert keys[:2] == off[:2]
    assert any(r.startswith("callee") for r in on[keys.index(target)].reasons)


def test_near_signals_compete_everywhere_when_nothing_is_kept(xr_repo):
    off = [loc.key for loc in _ranked(xr_repo, callee=0.0, symbol_keep=0)]
    on = [loc.key for loc in _ranked(xr_repo, callee=5.0, symbol_keep=0)]
    assert on[0] == "xr/dataarray.py::_LocIndexer" != off[0]


def test_stems_cut_one_common_suffix_and_keep_short_words():
    assert stem("mocked") == "mock"
    assert stem("documented") == "document"
    assert stem("uses") == "uses"
    assert stem("case") == "case"
    assert stem_overlap("_MockObject", {"mock"}) == 0.5
    assert stem_overlap("_make_subclass", {"mock"}) == 0.0
