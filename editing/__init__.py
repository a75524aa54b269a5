"""Edits from model output: parse, splice whole functions/classes by syntax tree, diff.

Public API::

    apply_answer(repo, answer, context_paths=...) -> EditResult   # raises EditError
    normalize_patch(repo, diff) -> str                              # dedup/voting key
    feedback_prompt(error) -> str                                   # retry message for the model
    EDIT_INSTRUCTIONS                                               # the format, as told to the model
"""

from __future__ import annotations

from editing.apply import EditResult, Workspace, apply_answer
from editing.errors import EditError
from editing.instructions import EDIT_INSTRUCTIONS
from editing.normalize import normalize_change, normalize_changes, normalize_patch
from editing.parse_answer import FORMAT_HELP, parse_answer

__all__ = [
    "EDIT_INSTRUCTIONS",
    "FORMAT_HELP",
    "EditError",
    "EditResult",
    "Workspace",
    "apply_answer",
    "feedback_prompt",
    "normalize_change",
    "normalize_changes",
    "normalize_patch",
    "parse_answer",
]


def feedback_prompt(error: EditError | str) -> str:
    """The user turn that asks the model to retry after a failed edit. No placeholder paths or
    names: a small model copies them, and a stub named after a placeholder then applies cleanly."""
    message = error.message if isinstance(error, EditError) else error
    return (
        f"That edit could not be applied: {message}\n\n"
        "Reply again with the file name and the complete fixed function, in the format of the example above."
    )
