"""SIGTERM behaves as Ctrl-C for the batch driver and the evaluator.

Python's default SIGTERM ends the process at once: instances in flight would not be recorded as
interrupted and their containers would wait for the next sweep. A scheduler (Slurm, Kubernetes, a
`timeout`) stops jobs with SIGTERM, so while a run is in progress SIGTERM raises KeyboardInterrupt
in the main thread, and both go through the same clean stop.
"""

from __future__ import annotations

import contextlib
import signal
import threading
from collections.abc import Iterator


def _raise_interrupt(signum: int, frame: object) -> None:
    raise KeyboardInterrupt(f"signal {signum}")


@contextlib.contextmanager
def sigterm_as_interrupt() -> Iterator[None]:
    """While inside, SIGTERM raises KeyboardInterrupt (main thread only; elsewhere nothing changes)."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = signal.signal(signal.SIGTERM, _raise_interrupt)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)
