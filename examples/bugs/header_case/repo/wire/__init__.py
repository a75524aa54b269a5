"""wire: HTTP/1.1 message building blocks."""

from wire.cookies import parse_cookie_header
from wire.headers import Headers
from wire.request import Request, parse_request

__all__ = ["Headers", "Request", "parse_cookie_header", "parse_request"]
