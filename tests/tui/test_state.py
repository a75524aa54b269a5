"""RunState folds the event stream into what the pipeline screen shows."""

from __future__ import annotations

from agent.core.events import Event
from agent.core.types import Candidate, Location, Verdict
from agent.report import SolveReport
from tui.state import RunState, diff_counts, why_chosen

DIFF = """--- a/m.py
+++ b/m.py
@@ -1,3 +1,3 @@
 def f():
-    return 1
+    return 2
+    # extra
"""


def ev(kind, stage, t, message="", **data) -> Event:
    return Event(kind=kind, stage=stage, message=message, data=data, time=t)


def test_stage_timers_follow_started_and_finished_events():
    state = RunState()
    state.apply(ev("stage_started", "localize", 100.0))
    assert state.stages["localize"].running
    assert state.stages["localize"].seconds(now=103.0) == 3.0
    state.apply(ev("stage_finished", "localize", 104.5, ok=True))
    assert state.stages["localize"].seconds(now=999.0) == 4.5
    assert state.stages["localize"].ok is True
    assert state.current_stage == "localize"
    assert state.status == "running"
    assert state.elapsed(now=110.0) == 10.0


def test_extra_stages_such_as_model_start_are_kept():
    state = RunState()
    state.apply(ev("stage_started", "model", 1.0))
    assert "model" in state.stages


def test_candidates_and_verdicts_arrive_by_id():
    state = RunState()
    state.apply(ev("candidate", "sample", 1.0, "20 bytes", id="c00", temperature=0.8, ok=True, files=["m.py"],
                   focus="f", diff=DIFF))
    state.apply(ev("candidate", "sample", 1.0, "no [edit] found", id="c01", temperature=0.0, ok=False, files=[]))
    row = state.candidates["c00"]
    assert (row.temperature, row.focus, row.added, row.removed) == (0.8, "f", 2, 1)
    assert state.candidates["c01"].error == "no [edit] found"
    assert state.samples_done == 2
    verdict = Verdict(candidate_id="c00", applies=True, regression_ok=True, repro_passed=1, repro_total=1, votes=2)
    state.apply(ev("verdict", "verify", 2.0, "c00: ok", **verdict.model_dump()))
    assert state.verdict_of("c00") == verdict


def test_result_marks_the_choice_and_why():
    state = RunState()
    state.apply(ev("candidate", "sample", 1.0, id="c00", temperature=0.0, ok=True, files=[]))
    state.apply(ev("verdict", "verify", 2.0, **Verdict(candidate_id="c00", applies=True, regression_ok=True,
                                                        repro_passed=1, repro_total=1, score=1.5).model_dump()))
    state.apply(ev("result", "solve", 3.0, "solved", status="solved", chosen="c00", trajectory="/r/.capuchin/runs/x"))
    assert state.status == "solved"
    assert state.chosen == "c00"
    assert "passes 1/1 reproduction tests" in state.why
    assert state.trajectory == "/r/.capuchin/runs/x"
    assert state.stages["select"].ok is True


def test_llm_calls_add_tokens_and_cost_and_progress_sets_sample_totals():
    state = RunState()
    state.apply(ev("llm_call", "llm", 1.0, prompt_tokens=100, completion_tokens=20, cost_usd=0.01))
    state.apply(ev("progress", "sample", 1.0, done=3, total=8))
    assert (state.tokens, state.cost_usd) == (120, 0.01)
    assert (state.samples_done, state.samples_total) == (3, 8)


def test_locations_and_tests_run_are_read_from_any_event_that_carries_them():
    state = RunState()
    loc = Location(path="m.py", qualname="f", score=0.9, reasons=["bm25 #1"])
    changed = state.apply(ev("stage_finished", "localize", 1.0, locations=[loc.model_dump()]))
    assert "locations" in changed
    assert state.locations == [loc]
    state.apply(ev("log", "verify", 2.0, "c00: 3 tests", tests_run=3))
    state.apply(ev("log", "verify", 2.0, "c01: 3 tests", tests_run=3))
    assert state.tests_run == 6


def test_absorbing_a_report_fills_a_past_run_read_only():
    cand = Candidate(id="c00", temperature=0.4, diff=DIFF, files=["m.py"], duplicates=["c02"], raw="answer")
    report = SolveReport(run_id="r1", repo="/r", issue="bug", status="solved", started=50.0, seconds=12.0,
                         stage_seconds={"localize": 1.0, "sample": 5.0, "verify": 6.0},
                         candidates=[cand, Candidate(id="c02", temperature=0.8, diff=DIFF)],
                         verdicts=[Verdict(candidate_id="c00", applies=True, votes=2)], chosen="c00", patch=DIFF,
                         usage={"prompt_tokens": 10, "completion_tokens": 5, "cost_usd": 0.0})
    state = RunState()
    state.absorb(report)
    assert state.status == "solved"
    assert state.chosen == "c00"
    assert state.elapsed(now=1e9) == 12.0
    assert state.stages["sample"].seconds(now=1e9) == 5.0
    assert state.candidates["c02"].duplicate_of == "c00"
    assert state.verdict_of("c02").votes == 2  # a duplicate shows the verdict of the one it collapsed into
    assert state.tokens == 15


def test_closing_a_run_stops_its_clocks_and_fails_the_running_stage():
    state = RunState()
    state.apply(ev("stage_started", "localize", 10.0))
    state.close("error", now=15.0)
    assert state.status == "error"
    assert state.stages["localize"].ok is False
    assert state.elapsed(now=99.0) == 5.0


def test_diff_counts_skip_file_headers():
    assert diff_counts(DIFF) == (2, 1)
    assert diff_counts(None) == (0, 0)


def test_why_says_unconfirmed_when_no_reproduction_test_passes():
    verdict = Verdict(candidate_id="c0", applies=True, regression_ok=True, repro_total=2, votes=3)
    assert "unconfirmed" in why_chosen(verdict, 1)
    assert "3 sample(s) agree" in why_chosen(verdict, 1)
