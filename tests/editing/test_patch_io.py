"""Writing diffs for `git apply` and applying (model-written) diffs in memory."""

from __future__ import annotations

import pytest

from editing import EditError
from editing.patch import apply_diff, apply_file_patch, file_diff, parse_diff

CASES = {
    "middle": ("a\nb\nc\nd\ne\nf\ng\nh\n", "a\nb\nc\nD\ne\nf\ng\nh\n"),
    "no final newline, last line changed": ("a\nb\nc", "a\nb\nC"),
    "final newline added": ("a\nb", "a\nb\n"),
    "final newline removed": ("a\nb\n", "a\nb"),
    "two hunks": ("".join(f"{i}\n" for i in range(30)), "".join(f"{i if i not in (3, 25) else 'x'}\n" for i in range(30))),
    "new file": (None, "x = 1\n"),
    "deleted file": ("x = 1\n", None),
}


@pytest.mark.parametrize("case", CASES)
def test_written_diffs_round_trip_and_git_applies_them(case, make_repo, git_apply):
    before, after = CASES[case]
    diff = file_diff("pkg/f.txt", before, after)
    (patch,) = parse_diff(diff)
    assert apply_file_patch(patch, before) == after
    repo = make_repo({"pkg/f.txt": before} if before is not None else {"README": "x\n"})
    if before is not None:  # make_repo writes text; rewrite exact bytes for the no-newline cases
        (repo / "pkg/f.txt").write_bytes(before.encode())
    done = git_apply(repo, diff, check_only=False)
    assert done.returncode == 0, done.stderr
    if after is not None:
        assert (repo / "pkg/f.txt").read_bytes() == after.encode()


def test_no_change_gives_an_empty_diff():
    assert file_diff("f.py", "a\n", "a\n") == ""


def test_hunk_with_wrong_line_numbers_and_stripped_blank_context_applies():
    text = "def f():\n    x = 1\n\n    return x\n"
    diff = "--- a/f.py\n+++ b/f.py\n@@ -40,7 +40,7 @@\n def f():\n-    x = 1\n+    x = 2\n\n     return x\n"
    assert apply_diff(diff, lambda p: text) == {"f.py": text.replace("x = 1", "x = 2")}


def test_hunk_that_matches_nothing_shows_the_nearest_lines():
    diff = "--- a/f.py\n+++ b/f.py\n@@ -1,2 +1,2 @@\n def g():\n-    y = 1\n+    y = 2\n"
    with pytest.raises(EditError, match="does not match f.py") as info:
        apply_diff(diff, lambda p: "def f():\n    x = 1\n")
    assert "1 | def f():" in info.value.message


def test_diff_without_hunks_is_an_error():
    with pytest.raises(EditError, match="no hunks"):
        apply_diff("--- a/f.py\n+++ b/f.py\n", lambda p: "")
