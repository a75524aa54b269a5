from datetime import date

from permalink import SlugRegistry, collapse_whitespace, strip_accents, title_case


def test_text_helpers():
    assert strip_accents("Crème brûlée") == "Creme brulee"
    assert collapse_whitespace(" a \t b\n") == "a b"
    assert title_case("the lord of the rings") == "The Lord of the Rings"


def test_registry_dedups():
    reg = SlugRegistry()
    assert reg.claim("Hello World", "post-1") == "hello-world"
    assert reg.claim("Hello world!", "post-2") == "hello-world-2"
    assert reg.claim("Hello World", "post-1") == "hello-world"
    assert reg.claim("???", "post-3") == "post"


def test_permalink():
    reg = SlugRegistry()
    assert reg.permalink("Release Notes", "p", date(2024, 5, 2)) == "/2024/05/release-notes/"
