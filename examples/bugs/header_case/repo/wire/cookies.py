"""The ``Cookie`` request header."""

from __future__ import annotations

from typing import Dict
from urllib.parse import unquote


def parse_cookie_header(value: str) -> Dict[str, str]:
    """``"a=1; b=hello%20world"`` -> ``{"a": "1", "b": "hello world"}``; malformed pairs are skipped."""
    cookies: Dict[str, str] = {}
    for part in value.split(";"):
        name, sep, raw = part.strip().partition("=")
        if sep and name:
            cookies[name] = unquote(raw.strip().strip('"'))
    return cookies
