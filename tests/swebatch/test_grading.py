"""Grading rules of the official harness, case by case (swebench/harness/grading.py)."""

from __future__ import annotations

from swebatch.grading import FULL, NO, PARTIAL, instance_report, resolution, status_report, without_files

P, F, E, S = "PASSED", "FAILED", "ERROR", "SKIPPED"


def test_all_fail_to_pass_and_pass_to_pass_passing_is_full():
    report = status_report({"a": P, "b": P, "c": P}, ["a"], ["b", "c"])
    assert resolution(report) == FULL
    assert report["FAIL_TO_PASS"] == {"success": ["a"], "failure": []}


def test_a_missing_fail_to_pass_test_counts_as_failed():
    report = status_report({"b": P}, ["a"], ["b"])
    assert report["FAIL_TO_PASS"]["failure"] == ["a"]
    assert resolution(report) == NO


def test_skipped_keeps_pass_to_pass_but_does_not_pass_fail_to_pass():
    assert resolution(status_report({"a": P, "b": S}, ["a"], ["b"])) == FULL
    assert resolution(status_report({"a": S, "b": P}, ["a"], ["b"])) == NO


def test_some_fail_to_pass_is_partial_and_not_resolved():
    report = status_report({"a": P, "a2": F, "b": P}, ["a", "a2"], ["b"])
    assert resolution(report) == PARTIAL
    entry = instance_report("i", "diff", applied=True, statuses={"a": P, "a2": F, "b": P},
                            fail_to_pass=["a", "a2"], pass_to_pass=["b"])["i"]
    assert entry["resolved"] is False
    assert entry["patch_successfully_applied"] is True


def test_a_broken_pass_to_pass_test_is_not_resolved_even_with_all_fail_to_pass():
    assert resolution(status_report({"a": P, "b": E}, ["a"], ["b"])) == NO


def test_unapplied_or_missing_patch_is_never_resolved():
    assert instance_report("i", "d", applied=False, statuses={"a": P}, fail_to_pass=["a"],
                           pass_to_pass=[])["i"] == {"patch_is_None": False, "patch_exists": True,
                                                     "patch_successfully_applied": False, "resolved": False}
    assert instance_report("i", None, applied=True, statuses={}, fail_to_pass=[], pass_to_pass=[])["i"][
        "patch_is_None"] is True


def test_without_files_drops_only_the_named_files_diffs():
    patch = ("diff --git a/src/m.py b/src/m.py\n--- a/src/m.py\n+++ b/src/m.py\n@@ -1 +1 @@\n-a\n+b\n"
             "diff --git a/tests/test_m.py b/tests/test_m.py\n--- a/tests/test_m.py\n+++ b/tests/test_m.py\n"
             "@@ -1 +1 @@\n-x\n+y\n")
    kept = without_files(patch, ["tests/test_m.py"])
    assert "src/m.py" in kept
    assert "tests/test_m.py" not in kept
    assert without_files(patch, []) == patch


def test_an_expected_id_cut_off_inside_its_parameters_matches_the_ids_it_prefixes():
    statuses = {"t.py::f[log(photon)]": P, "t.py::f[log(photon) x]": P, "t.py::g[a]": P, "t.py::g[b]": F}
    assert resolution(status_report(statuses, ["t.py::f[log(photon"], [])) == FULL
    assert resolution(status_report(statuses, ["t.py::g["], [])) == NO  # they disagree: no match
    assert resolution(status_report(statuses, ["t.py::f[log]"], [])) == NO  # balanced: exact ids only
