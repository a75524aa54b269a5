"""Converting raw configuration strings to Python values."""

from __future__ import annotations

from typing import List

_TRUE = {"1", "yes", "true", "on"}
_FALSE = {"0", "no", "false", "off"}


class ConfigError(ValueError):
    """A configuration file or value is invalid."""


def to_bool(value: str) -> bool:
    """Interpret ``yes/no``, ``true/false``, ``on/off`` and ``1/0`` (case-insensitive)."""
    text = value.strip()
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    raise ConfigError(f"not a boolean: {value!r}")


def to_int(value: str) -> int:
    """Decimal integers, with optional ``_`` separators, or ``0x`` hex."""
    text = value.strip().replace("_", "")
    try:
        return int(text, 16) if text.lower().startswith("0x") else int(text)
    except ValueError:
        raise ConfigError(f"not an integer: {value!r}") from None


def to_list(value: str, separator: str = ",") -> List[str]:
    """Split on ``separator``, dropping blank items."""
    return [item.strip() for item in value.split(separator) if item.strip()]
