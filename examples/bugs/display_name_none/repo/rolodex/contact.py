"""A single contact."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import List, Optional

_EMAIL_RE = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


@dataclass
class Contact:
    """A person. ``middle`` and ``email`` are optional and may be None."""

    first: str
    last: str
    middle: Optional[str] = None
    email: Optional[str] = None
    phones: List[str] = field(default_factory=list)
    tags: List[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        if not self.first.strip() and not self.last.strip():
            raise ValueError("a contact needs a first or a last name")
        if self.email is not None and not _EMAIL_RE.match(self.email):
            raise ValueError(f"invalid email address: {self.email!r}")

    @property
    def display_name(self) -> str:
        """Full name for lists and headers, e.g. ``"Ada King Lovelace"`` or ``"Ada Lovelace"``."""
        return f"{self.first} {self.middle} {self.last}".strip()

    @property
    def sort_key(self) -> tuple:
        return (self.last.casefold(), self.first.casefold())

    @property
    def initials(self) -> str:
        names = [self.first, self.middle, self.last]
        return "".join(name[0].upper() for name in names if name)

    def add_phone(self, number: str) -> None:
        digits = re.sub(r"[^\d+]", "", number)
        if len(digits.lstrip("+")) < 5:
            raise ValueError(f"phone number too short: {number!r}")
        if digits not in self.phones:
            self.phones.append(digits)
