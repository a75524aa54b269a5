"""The address book: a collection of contacts with lookup and search."""

from __future__ import annotations

from typing import Dict, Iterator, List

from rolodex.contact import Contact


class AddressBook:
    """Contacts keyed by an id assigned on insertion."""

    def __init__(self) -> None:
        self._contacts: Dict[int, Contact] = {}
        self._next_id = 1

    def add(self, contact: Contact) -> int:
        contact_id = self._next_id
        self._contacts[contact_id] = contact
        self._next_id += 1
        return contact_id

    def get(self, contact_id: int) -> Contact:
        return self._contacts[contact_id]

    def remove(self, contact_id: int) -> Contact:
        return self._contacts.pop(contact_id)

    def search(self, text: str) -> List[Contact]:
        """Contacts whose display name, email or tags contain ``text`` (case-insensitive)."""
        needle = text.casefold()
        hits = []
        for contact in self._contacts.values():
            haystack = [contact.display_name, contact.email or "", *contact.tags]
            if any(needle in part.casefold() for part in haystack):
                hits.append(contact)
        return sorted(hits, key=lambda c: c.sort_key)

    def listing(self) -> List[str]:
        """Display names sorted by last name, then first name."""
        return [c.display_name for c in sorted(self._contacts.values(), key=lambda c: c.sort_key)]

    def __iter__(self) -> Iterator[Contact]:
        return iter(self._contacts.values())

    def __len__(self) -> int:
        return len(self._contacts)
