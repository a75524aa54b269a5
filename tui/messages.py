"""Messages screens send up to the app (which owns runs and the repository)."""

from __future__ import annotations

from textual.message import Message

from tui.state import CandidateRow


class ActRequested(Message):
    """Do ``kind`` (apply, branch, save, copy, reject) with ``candidate`` of the run on ``issue``."""

    def __init__(self, kind: str, candidate: CandidateRow, issue: str, run_id: str | None):
        super().__init__()
        self.kind, self.candidate, self.issue, self.run_id = kind, candidate, issue, run_id


class RerunRequested(Message):
    """Start a new run on ``issue`` (after a rejection)."""

    def __init__(self, issue: str):
        super().__init__()
        self.issue = issue
