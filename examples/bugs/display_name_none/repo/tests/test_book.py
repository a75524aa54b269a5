from rolodex import AddressBook, Contact, to_vcard


def make_book():
    book = AddressBook()
    book.add(Contact("Ada", "Lovelace", middle="King", tags=["math"]))
    book.add(Contact("Charles", "Babbage", middle="B", email="cb@engine.org"))
    return book


def test_search_by_tag_and_email():
    book = make_book()
    assert [c.last for c in book.search("MATH")] == ["Lovelace"]
    assert [c.last for c in book.search("engine")] == ["Babbage"]


def test_listing_sorted_by_last_name():
    assert make_book().listing() == ["Charles B Babbage", "Ada King Lovelace"]


def test_vcard():
    card = to_vcard(Contact("Ada", "Lovelace", middle="King", tags=["math", "poetry"]))
    assert "N:Lovelace;Ada;King;;\r\n" in card
    assert "FN:Ada King Lovelace\r\n" in card
    assert "CATEGORIES:math,poetry\r\n" in card
