"""verspec: semantic versions (``MAJOR.MINOR.PATCH[-PRERELEASE]``)."""

from verspec.bump import bump
from verspec.ranges import Range, max_satisfying
from verspec.version import InvalidVersion, Version

__all__ = ["InvalidVersion", "Range", "Version", "bump", "max_satisfying"]
