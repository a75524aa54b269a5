"""Measures of spread."""

from __future__ import annotations

import math
from typing import Iterable

from descstats._checks import StatisticsError, as_sample
from descstats.central import mean


def variance(data: Iterable[float], sample: bool = True) -> float:
    """Sample variance (n - 1 denominator) by default; population variance if ``sample=False``."""
    values = as_sample(data, minimum=2 if sample else 1)
    centre = mean(values)
    squares = sum((v - centre) ** 2 for v in values)
    return squares / (len(values) - 1 if sample else len(values))


def stdev(data: Iterable[float], sample: bool = True) -> float:
    return math.sqrt(variance(data, sample))


def quantile(data: Iterable[float], q: float) -> float:
    """Linear-interpolation quantile (the "R-7" method, as in numpy's default)."""
    if not 0.0 <= q <= 1.0:
        raise StatisticsError(f"q must be in [0, 1], got {q}")
    values = sorted(as_sample(data))
    pos = (len(values) - 1) * q
    lower = math.floor(pos)
    upper = min(lower + 1, len(values) - 1)
    return values[lower] + (values[upper] - values[lower]) * (pos - lower)


def iqr(data: Iterable[float]) -> float:
    values = as_sample(data)
    return quantile(values, 0.75) - quantile(values, 0.25)
