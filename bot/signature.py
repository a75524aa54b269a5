"""Webhook signatures: ``X-Hub-Signature-256`` is HMAC-SHA256 of the raw body, hex, prefixed ``sha256=``.

Only SHA-256 is accepted: the legacy ``X-Hub-Signature`` (SHA-1) header is ignored, so a
delivery signed only with it fails as unsigned.
"""

from __future__ import annotations

import hashlib
import hmac

PREFIX = "sha256="


def sign(secret: bytes, body: bytes) -> str:
    """The header value GitHub sends for ``body`` (used by the stand-in, the demo and tests)."""
    return PREFIX + hmac.new(secret, body, hashlib.sha256).hexdigest()


def well_formed(header: str | None) -> bool:
    """Whether a header could be a SHA-256 signature at all (checked before the body is read)."""
    if not header or not header.startswith(PREFIX):
        return False
    digest = header[len(PREFIX):]
    return len(digest) == 64 and all(c in "0123456789abcdef" for c in digest.lower())


def verify(secret: bytes, body: bytes, header: str | None) -> bool:
    """Constant-time check of ``header`` against the body's HMAC (a timing leak would let an
    attacker forge a signature byte by byte)."""
    if not secret or not well_formed(header):
        return False
    return hmac.compare_digest(sign(secret, body).encode(), header.lower().encode())
