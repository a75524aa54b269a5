from permalink import slugify


def test_basic_slugs():
    assert slugify("Hello, World!") == "hello-world"
    assert slugify("  Python   3.12 released ") == "python-3-12-released"
    assert slugify("C++ & Rust: a comparison", separator="_") == "c_rust_a_comparison"


def test_max_length_cuts_at_word_boundary():
    assert slugify("the quick brown fox jumps", max_length=15) == "the-quick-brown"
    assert slugify("supercalifragilistic", max_length=5) == "super"


def test_empty():
    assert slugify("!!!") == ""
