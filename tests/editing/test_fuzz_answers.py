"""Hostile model answers, fuzzed with hypothesis (fast profile here; the long one is
``python -m benchmarks.fuzz_editor``): the editor raises only EditError, writes nothing to disk,
never names a path outside the work tree or in .git/, and its diff is exactly what it says."""

from __future__ import annotations

import pytest

pytest.importorskip("hypothesis")

from hypothesis import HealthCheck, given, settings  # noqa: E402

from editing import EditError, apply_answer  # noqa: E402
from editing.fuzzing import answers, check_answer, fingerprint, make_hostile_repo  # noqa: E402


@pytest.fixture(scope="module")
def hostile(tmp_path_factory):
    root = tmp_path_factory.mktemp("hostile")
    repo = make_hostile_repo(root)
    return root, repo, fingerprint(root)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(answer=answers())
def test_any_answer_is_applied_or_refused_and_touches_nothing(hostile, tmp_path, answer):
    root, repo, before = hostile
    check_answer(repo, answer, tmp_path)
    assert fingerprint(root) == before


@pytest.mark.parametrize("path", [".git/config", ".git/hooks/pre-commit", "escape/secret.py", "../outside/secret.py",
                                  "/etc/passwd", "link_loop/x.py"])
@pytest.mark.parametrize("form", ["code", "search"])
def test_paths_into_git_or_out_of_the_tree_are_never_edited(hostile, path, form):
    """Refused, or (where the parser does not take the text for a path) placed in the one file in
    context by its definitions: never .git/, never outside."""
    root, repo, before = hostile
    if form == "code":
        answer = f"### {path}\n```python\ndef sneaky():\n    return 0\n```"
    else:  # an empty search creates the file
        answer = f"{path}\n<<<<<<< SEARCH\n=======\nTOKEN = 'stolen'\n>>>>>>> REPLACE\n"
    try:
        files = apply_answer(repo, answer, context_paths=["shop/prices.py"]).files
    except EditError:
        files = []
    assert set(files) <= {"shop/prices.py"}
    assert fingerprint(root) == before


def test_an_unencodable_answer_is_refused_not_crashed(hostile):
    _, repo, _ = hostile
    answer = "### shop/prices.py\n```python\ndef total(items, tax=0.2):\n    return '\udcff'\n```"
    with pytest.raises(EditError):
        apply_answer(repo, answer)
