"""The one error of the editing stage: it carries feedback written for the model.

An ``EditError`` is data for a retry, not a crash: its ``message`` says what went
wrong and shows the nearest real code (closest-named definitions with their
signatures, or the closest lines for a search block), so the pipeline can send it
back to the model as the next user turn.
"""

from __future__ import annotations

from agent.core.errors import CapuchinError


class EditError(CapuchinError):
    """A model answer could not be turned into a patch; ``message`` is feedback for the model."""

    def __init__(self, message: str, *, path: str | None = None, hint: str | None = None):
        super().__init__(message, hint=hint)
        self.path = path
        """Repository-relative file the failed edit targeted, when known."""
