"""Capuchin benchmarks."""

from __future__ import annotations

import json
from pathlib import Path


def emit(report: dict, out: Path | None = None) -> int:
    """Print a benchmark's report as JSON and write it to ``out`` too when given; 0 for ``main``."""
    text = json.dumps(report, indent=1)
    print(text)
    if out:
        out.write_text(text + "\n")
    return 0
