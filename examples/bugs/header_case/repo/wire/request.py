"""Request objects and parsing of raw HTTP/1.1 request heads."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Dict, Optional

from wire.cookies import parse_cookie_header
from wire.headers import Headers


class BadRequest(ValueError):
    """The raw request is malformed."""


@dataclass
class Request:
    method: str
    target: str
    headers: Headers = field(default_factory=Headers)
    body: bytes = b""

    @property
    def content_type(self) -> Optional[str]:
        """The media type without parameters, e.g. ``application/json``."""
        value = self.headers.get("Content-Type")
        return value.split(";")[0].strip().lower() if value else None

    @property
    def content_length(self) -> int:
        value = self.headers.get("Content-Length")
        return int(value) if value else len(self.body)

    @property
    def cookies(self) -> Dict[str, str]:
        value = self.headers.get("Cookie")
        return parse_cookie_header(value) if value else {}

    def is_json(self) -> bool:
        return self.content_type == "application/json"


def parse_request(raw: bytes) -> Request:
    """Parse a request head (and body, if any) such as ``b"GET / HTTP/1.1\\r\\nHost: x\\r\\n\\r\\n"``."""
    head, _, body = raw.partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    parts = lines[0].split(" ")
    if len(parts) != 3 or not parts[2].startswith("HTTP/"):
        raise BadRequest(f"bad request line: {lines[0]!r}")
    headers = Headers()
    for line in lines[1:]:
        name, sep, value = line.partition(":")
        if not sep or not name.strip():
            raise BadRequest(f"bad header line: {line!r}")
        headers.add(name.strip(), value)
    return Request(parts[0], parts[1], headers, body)
