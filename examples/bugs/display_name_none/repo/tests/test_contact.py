import pytest

from rolodex import Contact


def test_display_name_with_middle_name():
    assert Contact("Ada", "Lovelace", middle="King").display_name == "Ada King Lovelace"


def test_initials_skip_missing_middle():
    assert Contact("Grace", "Hopper").initials == "GH"
    assert Contact("Ada", "Lovelace", middle="King").initials == "AKL"


def test_validation():
    with pytest.raises(ValueError):
        Contact("", " ")
    with pytest.raises(ValueError):
        Contact("Alan", "Turing", email="not-an-email")


def test_add_phone_normalises_and_dedups():
    c = Contact("Alan", "Turing")
    c.add_phone("+44 (20) 7946-0000")
    c.add_phone("+44 20 7946 0000")
    assert c.phones == ["+442079460000"]
    with pytest.raises(ValueError):
        c.add_phone("12")
