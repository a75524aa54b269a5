"""Among equals, the smaller diff stands for its group and wins the choice (issue #16)."""

from __future__ import annotations

from agent.core.types import Candidate, Verdict
from agent.report import SolveReport
from agent.selection import choose, collapse_duplicates
from editing.patch import diff_size

KEEPS_DOCSTRING = """diff --git a/m.py b/m.py
--- a/m.py
+++ b/m.py
@@ -1,3 +1,3 @@
 def median(xs):
     \"\"\"The middle value.\"\"\"
-    return xs[len(xs) // 2]
+    return sorted(xs)[len(xs) // 2]
"""
DROPS_DOCSTRING = """diff --git a/m.py b/m.py
--- a/m.py
+++ b/m.py
@@ -1,3 +1,2 @@
 def median(xs):
-    \"\"\"The middle value.\"\"\"
-    return xs[len(xs) // 2]
+    return sorted(xs)[len(xs) // 2]
"""


def test_diff_size_counts_changed_lines_not_headers():
    assert diff_size(KEEPS_DOCSTRING) == 2
    assert diff_size(DROPS_DOCSTRING) == 3
    assert diff_size(None) == 0
    assert diff_size("diff --git a/x b/x\n--- a/x\n+++ b/x\n@@ -1 +1 @@\n---- old\n++++ new\n") == 2


def test_the_smallest_diff_of_a_normal_form_represents_it():
    """Both normalise alike (docstrings are ignored); the first sampled used to stand for both."""
    drops = Candidate(id="a", temperature=0.0, diff=DROPS_DOCSTRING, normalized="same")
    keeps = Candidate(id="b", temperature=0.8, diff=KEEPS_DOCSTRING, normalized="same")
    other = Candidate(id="c", temperature=0.4, diff=KEEPS_DOCSTRING, normalized="other")
    broken = Candidate(id="d", temperature=0.4, diff=None, error="did not apply")
    unique = collapse_duplicates([drops, keeps, other, broken])
    assert [c.id for c in unique] == ["b", "c"]
    assert keeps.duplicates == ["a"]


def test_the_first_sampled_wins_among_equal_sizes():
    first = Candidate(id="a", temperature=0.4, diff=KEEPS_DOCSTRING, normalized="same")
    second = Candidate(id="b", temperature=0.0, diff=KEEPS_DOCSTRING, normalized="same")
    assert [c.id for c in collapse_duplicates([first, second])] == ["a"]


def test_selection_prefers_the_smaller_diff_among_equal_survivors():
    big = Candidate(id="a", temperature=0.0, diff=DROPS_DOCSTRING)
    small = Candidate(id="b", temperature=1.0, diff=KEEPS_DOCSTRING)
    pool = {c.id: Verdict(candidate_id=c.id, applies=True, regression_ok=True) for c in (big, small)}
    assert choose([big, small], pool).candidate_id == "b"  # before: the lower temperature, a


def test_the_report_carries_the_chosen_patchs_size():
    report = SolveReport(run_id="r", repo="/", issue="i", patch=KEEPS_DOCSTRING)
    assert report.patch_lines == 2
    assert '"patch_lines":2' in report.model_dump_json()
    assert SolveReport(run_id="r", repo="/", issue="i").patch_lines is None


def _survivors(*cands: Candidate, votes: dict[str, int] | None = None) -> dict[str, Verdict]:
    return {c.id: Verdict(candidate_id=c.id, applies=True, regression_ok=True, votes=(votes or {}).get(c.id, 1))
            for c in cands}


def test_among_equal_survivors_the_better_located_focus_wins_over_the_smaller_diff():
    """polygon_area_sign, 0.5B: four survivors, no reproduction test passed by any, one vote each;
    the smallest diff was a harmless edit to the fourth focus (perimeter) and lost the fix to area."""
    on_top = Candidate(id="a", temperature=0.8, diff=DROPS_DOCSTRING, focus="Polygon.area", focus_rank=0)
    aside = Candidate(id="b", temperature=1.0, diff=KEEPS_DOCSTRING, focus="Polygon.perimeter", focus_rank=3)
    unaimed = Candidate(id="c", temperature=0.0, diff=KEEPS_DOCSTRING)
    assert choose([aside, on_top, unaimed], _survivors(aside, on_top, unaimed)).candidate_id == "a"
    assert choose([aside, unaimed], _survivors(aside, unaimed)).candidate_id == "b"  # a focus beats none
    # evidence still comes first: two agreeing samples beat the better focus
    assert choose([aside, on_top], _survivors(aside, on_top, votes={"b": 2})).candidate_id == "b"


def test_a_representative_carries_the_best_focus_of_the_samples_it_stands_for():
    late = Candidate(id="a", temperature=0.8, diff=KEEPS_DOCSTRING, normalized="same", focus="mode", focus_rank=3)
    early = Candidate(id="b", temperature=0.0, diff=DROPS_DOCSTRING, normalized="same", focus="median", focus_rank=0)
    plain = Candidate(id="c", temperature=0.4, diff=KEEPS_DOCSTRING, normalized="other")
    unique = collapse_duplicates([late, early, plain])
    assert [(c.id, c.focus_rank) for c in unique] == [("a", 0), ("c", None)]
