"""Version ranges such as ``>=1.2.0,<2.0.0``."""

from __future__ import annotations

import operator
from typing import Callable, Iterable, List, Optional, Tuple

from verspec.version import InvalidVersion, Version

_OPS: List[Tuple[str, Callable[[Version, Version], bool]]] = [
    (">=", operator.ge), ("<=", operator.le), ("==", operator.eq),
    ("!=", operator.ne), (">", operator.gt), ("<", operator.lt),
]


class Range:
    """A comma-separated conjunction of comparisons."""

    def __init__(self, spec: str) -> None:
        self.spec = spec
        self._clauses = [self._parse_clause(part.strip()) for part in spec.split(",") if part.strip()]
        if not self._clauses:
            raise InvalidVersion(f"empty range: {spec!r}")

    @staticmethod
    def _parse_clause(text: str) -> Tuple[Callable[[Version, Version], bool], Version]:
        for symbol, op in _OPS:
            if text.startswith(symbol):
                return op, Version.parse(text[len(symbol):])
        return operator.eq, Version.parse(text)

    def contains(self, version: Version, include_prerelease: bool = False) -> bool:
        """Pre-releases only match when asked for explicitly."""
        if version.is_prerelease and not include_prerelease:
            return False
        return all(op(version, bound) for op, bound in self._clauses)


def max_satisfying(versions: Iterable[str], spec: str, include_prerelease: bool = False) -> Optional[str]:
    """The highest version in ``versions`` that matches ``spec``, or None."""
    rng = Range(spec)
    matching = [v for v in map(Version.parse, versions) if rng.contains(v, include_prerelease)]
    return str(max(matching)) if matching else None
