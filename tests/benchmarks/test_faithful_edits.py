"""The faithful-edit benchmark's measures: what a change deletes that the reference fix keeps."""

from __future__ import annotations

from benchmarks.faithful_edits import answer_for, drop_prose, needless_deletions, size_of, undone_deletions

BEFORE = '''def median(xs):
    """The middle value."""
    # sorted copy
    return xs[len(xs) // 2]  # wrong for even counts
'''
REFERENCE = BEFORE.replace("xs[len(xs) // 2]  # wrong for even counts", "sorted(xs)[len(xs) // 2]")
SLOPPY = "def median(xs):\n    return sorted(xs)[len(xs) // 2]\n"


def test_deletions_the_reference_also_makes_are_needed():
    before, reference = {"m.py": BEFORE}, {"m.py": REFERENCE}
    assert needless_deletions(before, {"m.py": SLOPPY}, reference) == ['"""The middle value.', "# sorted copy"]
    assert needless_deletions(before, reference, reference) == []
    assert undone_deletions(before, {"m.py": BEFORE}, reference) == ["# wrong for even counts"]


def test_drop_prose_does_what_small_models_do():
    assert drop_prose(BEFORE) == "def median(xs):\n    return xs[len(xs) // 2]\n"


def test_a_change_is_written_as_its_whole_definitions():
    answer = answer_for({"m.py": BEFORE}, {"m.py": REFERENCE})
    assert answer == f"Here is the fix.\n\n### m.py\n```python\n{REFERENCE}```\n"
    assert size_of({"m.py": BEFORE}, {"m.py": REFERENCE}) == 2
