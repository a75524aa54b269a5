"""rolodex: contacts, an address book and vCard export."""

from rolodex.book import AddressBook
from rolodex.contact import Contact
from rolodex.vcard import to_vcard

__all__ = ["AddressBook", "Contact", "to_vcard"]
