"""What every screen of one app shares: the repository, how runs are made, the clock."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from tui.config import TuiConfig
from tui.runner import Runner, default_runner


@dataclass
class Session:
    repo: Path
    runner: Runner = default_runner
    clock: Callable[[], float] = time.time
    """Wall clock for timers (fixed in snapshot tests)."""
    config: TuiConfig = field(default_factory=TuiConfig)
    tick_s: float = 0.5
    """How often running timers redraw."""
