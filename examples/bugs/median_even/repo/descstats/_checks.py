"""Input validation shared by every statistic."""

from __future__ import annotations

import math
from typing import Iterable, List


class StatisticsError(ValueError):
    """The sample is unsuitable for the requested statistic."""


def as_sample(data: Iterable[float], minimum: int = 1) -> List[float]:
    """Materialise ``data`` as floats, rejecting NaN and samples that are too small."""
    values = [float(x) for x in data]
    if len(values) < minimum:
        raise StatisticsError(f"need at least {minimum} data point(s), got {len(values)}")
    if any(math.isnan(v) for v in values):
        raise StatisticsError("sample contains NaN")
    return values
