"""Parsing and ordering of semantic versions."""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from typing import Tuple

_VERSION_RE = re.compile(r"^v?(\d+)\.(\d+)\.(\d+)(?:-([0-9A-Za-z.-]+))?$")


class InvalidVersion(ValueError):
    """The text is not a semantic version."""


def _prerelease_key(pre: str) -> Tuple:
    """Dot-separated identifiers; numeric ones compare numerically and sort before text."""
    return tuple((0, int(p), "") if p.isdigit() else (1, 0, p) for p in pre.split("."))


@functools.total_ordering
@dataclass(frozen=True)
class Version:
    """A semantic version. A pre-release (``1.0.0-rc.1``) sorts before its release."""

    major: int
    minor: int
    patch: int
    prerelease: str = ""

    @classmethod
    def parse(cls, text: str) -> "Version":
        match = _VERSION_RE.match(text.strip())
        if not match:
            raise InvalidVersion(f"invalid version: {text!r}")
        major, minor, patch, pre = match.groups()
        return cls(int(major), int(minor), int(patch), pre or "")

    @property
    def is_prerelease(self) -> bool:
        return bool(self.prerelease)

    def _key(self) -> Tuple:
        return (self.major, self.minor, self.patch, _prerelease_key(self.prerelease) if self.prerelease else ())

    def __lt__(self, other: object) -> bool:
        if not isinstance(other, Version):
            return NotImplemented
        return self._key() < other._key()

    def __str__(self) -> str:
        core = f"{self.major}.{self.minor}.{self.patch}"
        return f"{core}-{self.prerelease}" if self.prerelease else core
