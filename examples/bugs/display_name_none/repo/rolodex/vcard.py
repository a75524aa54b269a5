"""vCard 3.0 export."""

from __future__ import annotations

from rolodex.contact import Contact


def _escape(value: str) -> str:
    return value.replace("\\", "\\\\").replace(",", "\\,").replace(";", "\\;")


def to_vcard(contact: Contact) -> str:
    """Serialise one contact as a vCard 3.0 block with CRLF line endings."""
    lines = [
        "BEGIN:VCARD",
        "VERSION:3.0",
        f"N:{_escape(contact.last)};{_escape(contact.first)};{_escape(contact.middle or '')};;",
        f"FN:{_escape(contact.display_name)}",
    ]
    if contact.email:
        lines.append(f"EMAIL:{contact.email}")
    lines.extend(f"TEL:{number}" for number in contact.phones)
    if contact.tags:
        lines.append("CATEGORIES:" + ",".join(_escape(t) for t in contact.tags))
    lines.append("END:VCARD")
    return "\r\n".join(lines) + "\r\n"
