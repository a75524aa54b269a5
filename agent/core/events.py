"""The pipeline's event stream.

Stages emit ``Event``s (stage started/finished, candidate produced, verdict, log line)
to an ``EventBus``; the CLI renders them with rich, the TUI shows them, the batch
runner and the GitHub bot record them. Subscribers must not raise: a failing
subscriber is dropped from that emit with its error recorded, so a broken UI never
breaks a run.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import Any, Literal

from pydantic import BaseModel, Field

EventKind = Literal[
    "stage_started",
    "stage_finished",
    "progress",
    "candidate",
    "verdict",
    "llm_call",
    "log",
    "result",
]


class Event(BaseModel):
    kind: EventKind
    stage: str
    message: str = ""
    data: dict[str, Any] = Field(default_factory=dict)
    time: float = Field(default_factory=time.time)


Subscriber = Callable[[Event], None]


class EventBus:
    """Thread-safe fan-out of events to subscribers; keeps a history for late readers."""

    def __init__(self) -> None:
        self._subscribers: list[Subscriber] = []
        self._lock = threading.Lock()
        self.history: list[Event] = []
        self.subscriber_errors: list[str] = []

    def subscribe(self, fn: Subscriber) -> Callable[[], None]:
        """Add a subscriber; returns a function that removes it."""
        with self._lock:
            self._subscribers.append(fn)

        def unsubscribe() -> None:
            with self._lock:
                if fn in self._subscribers:
                    self._subscribers.remove(fn)

        return unsubscribe

    def emit(self, kind: EventKind, stage: str, message: str = "", **data: Any) -> Event:
        event = Event(kind=kind, stage=stage, message=message, data=data)
        with self._lock:
            self.history.append(event)
            subscribers = list(self._subscribers)
        for fn in subscribers:
            try:
                fn(event)
            except Exception as exc:  # a UI bug must not kill a solve run
                self.subscriber_errors.append(f"{getattr(fn, '__name__', fn)}: {exc!r}")
        return event

    def progress(self, stage: str, done: int, total: int, message: str = "") -> Event:
        return self.emit("progress", stage, message, done=done, total=total)


def null_bus() -> EventBus:
    """A bus nobody listens to (for library calls that do not care about progress)."""
    return EventBus()
