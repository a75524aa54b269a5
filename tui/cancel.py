"""The cancellation token the UI hands to a run (``agent.core.cancel`` once it exists)."""

from __future__ import annotations

import threading

from agent.errors import CapuchinError


class Cancelled(CapuchinError):
    """The run was stopped on request."""

    exit_code = 130
    report = None


class CancelToken:
    def __init__(self) -> None:
        self._event = threading.Event()

    def cancel(self) -> None:
        self._event.set()

    @property
    def cancelled(self) -> bool:
        return self._event.is_set()

    def check(self) -> None:
        if self.cancelled:
            raise Cancelled("the run was cancelled")
