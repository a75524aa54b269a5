"""Cancelling a run: one token handed down through ``solve()``.

Frontends need "stop now": the TUI's Esc, the bot's job time limit, the batch runner's Ctrl-C.
The pipeline checks the token between stages and between model calls; the model client and the
sandbox also register callbacks that abort what is in flight (an HTTP request, a container), so a
cancelled run returns within seconds with status ``cancelled`` and its trajectory saved.
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Callable

from agent.core.errors import Cancelled


class CancelToken:
    """Thread-safe, one-way: once cancelled, always cancelled. Callbacks run once, in the cancelling
    thread; a callback registered after cancellation runs at once."""

    def __init__(self) -> None:
        self._event = threading.Event()
        self._lock = threading.Lock()
        self._callbacks: list[Callable[[], None]] = []
        self.reason = ""

    @property
    def cancelled(self) -> bool:
        return self._event.is_set()

    def cancel(self, reason: str = "cancelled") -> None:
        with self._lock:
            if self._event.is_set():
                return
            self.reason = reason
            self._event.set()
            callbacks, self._callbacks = self._callbacks, []
        for fn in callbacks:
            _call_quietly(fn)

    def check(self) -> None:
        """Raise ``Cancelled`` when the run was cancelled (call between units of work)."""
        if self._event.is_set():
            raise Cancelled(f"the run was cancelled ({self.reason})")

    def wait(self, timeout_s: float) -> bool:
        """Sleep up to ``timeout_s``, waking early on cancellation; True when cancelled."""
        return self._event.wait(timeout_s)

    def on_cancel(self, fn: Callable[[], None]) -> Callable[[], None]:
        """Run ``fn`` when the token is cancelled; returns a function that unregisters it."""
        with self._lock:
            if not self._event.is_set():
                self._callbacks.append(fn)
                registered = True
            else:
                registered = False
        if not registered:
            _call_quietly(fn)

        def unregister() -> None:
            with self._lock:
                if fn in self._callbacks:
                    self._callbacks.remove(fn)

        return unregister


def _call_quietly(fn: Callable[[], None]) -> None:
    # A failing abort (a container already gone) must not stop the other aborts or the caller.
    with contextlib.suppress(Exception):
        fn()


def never_cancelled() -> CancelToken:
    """A token nobody cancels, for library calls that do not offer cancellation."""
    return CancelToken()
