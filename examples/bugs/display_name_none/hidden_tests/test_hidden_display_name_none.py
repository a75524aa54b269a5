from rolodex import AddressBook, Contact, to_vcard


def test_display_name_without_middle_name():
    assert Contact("Grace", "Hopper").display_name == "Grace Hopper"


def test_display_name_with_only_one_name():
    assert Contact("Cher", "").display_name == "Cher"


def test_listing_and_vcard_have_no_none():
    book = AddressBook()
    book.add(Contact("Grace", "Hopper", email="grace@navy.mil"))
    assert book.listing() == ["Grace Hopper"]
    assert "FN:Grace Hopper\r\n" in to_vcard(Contact("Grace", "Hopper"))
    assert book.search("none") == []
