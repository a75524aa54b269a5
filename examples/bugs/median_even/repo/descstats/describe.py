"""A one-call summary of a sample."""

from __future__ import annotations

from typing import Dict, Iterable

from descstats._checks import as_sample
from descstats.central import mean, median
from descstats.spread import iqr, stdev


def describe(data: Iterable[float]) -> Dict[str, float]:
    """count, mean, median, min, max, stdev (0 for one point) and iqr."""
    values = as_sample(data)
    return {
        "count": len(values),
        "mean": mean(values),
        "median": median(values),
        "min": min(values),
        "max": max(values),
        "stdev": stdev(values) if len(values) > 1 else 0.0,
        "iqr": iqr(values),
    }
