"""descstats: descriptive statistics without numpy."""

from descstats.central import mean, median, mode
from descstats.describe import describe
from descstats.spread import iqr, quantile, stdev, variance

__all__ = ["describe", "iqr", "mean", "median", "mode", "quantile", "stdev", "variance"]
