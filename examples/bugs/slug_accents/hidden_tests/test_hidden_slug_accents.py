from datetime import date

from permalink import SlugRegistry, slugify


def test_accented_letters_keep_their_base_letter():
    assert slugify("Crème brûlée") == "creme-brulee"
    assert slugify("Ångström über Café") == "angstrom-uber-cafe"


def test_permalink_for_accented_title():
    reg = SlugRegistry()
    assert reg.permalink("Déjà vu", "p1", date(2024, 1, 9)) == "/2024/01/deja-vu/"
