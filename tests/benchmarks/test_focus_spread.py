"""The focus-spreading rule replayed on localiser rankings (benchmarks.focus_spread)."""

from benchmarks.focus_spread import best_first, spread


def test_four_focuses_in_one_file_give_the_last_place_to_another_file():
    ranked = ["a.py::f", "a.py::g", "a.py::h", "a.py::i", "a.py::j", "b.py::k", "c.py::m"]
    assert best_first(ranked) == ranked[:4]
    assert spread(ranked) == ["a.py::f", "a.py::g", "a.py::h", "b.py::k"]


def test_focuses_already_in_two_files_or_with_nowhere_else_stay():
    two_files = ["a.py::f", "b.py::g", "a.py::h", "a.py::i", "c.py::j"]
    assert spread(two_files) == two_files[:4]
    one_file = ["a.py::f", "a.py::g", "a.py::h", "a.py::i", "a.py::j"]
    assert spread(one_file) == one_file[:4]
