"""A case-insensitive, multi-valued header collection."""

from __future__ import annotations

from typing import Dict, Iterator, List, Optional, Tuple


class Headers:
    """HTTP headers. Names are case-insensitive; the first spelling seen is kept for output."""

    def __init__(self, items: Optional[List[Tuple[str, str]]] = None) -> None:
        self._values: Dict[str, List[str]] = {}
        self._names: Dict[str, str] = {}
        for name, value in items or []:
            self.add(name, value)

    def add(self, name: str, value: str) -> None:
        """Append a value (headers such as Set-Cookie may repeat)."""
        key = name.lower()
        self._names.setdefault(key, name)
        self._values.setdefault(key, []).append(value.strip())

    def __setitem__(self, name: str, value: str) -> None:
        key = name.lower()
        self._names[key] = name
        self._values[key] = [value.strip()]

    def __getitem__(self, name: str) -> str:
        """The values of ``name`` joined by ``", "``; KeyError if absent."""
        return ", ".join(self._values[name.lower()])

    def get(self, name: str, default: Optional[str] = None) -> Optional[str]:
        """Like ``headers[name]`` but returns ``default`` when the header is absent."""
        values = self._values.get(name)
        return ", ".join(values) if values else default

    def get_all(self, name: str) -> List[str]:
        return list(self._values.get(name.lower(), []))

    def __delitem__(self, name: str) -> None:
        key = name.lower()
        del self._values[key]
        del self._names[key]

    def __contains__(self, name: object) -> bool:
        return isinstance(name, str) and name.lower() in self._values

    def items(self) -> Iterator[Tuple[str, str]]:
        """(name, value) pairs in insertion order, one pair per value."""
        for key, values in self._values.items():
            for value in values:
                yield self._names[key], value

    def __len__(self) -> int:
        return len(self._values)
