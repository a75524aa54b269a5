"""Literal strings quoted in an issue, found verbatim in the source."""

from retrieval import Localizer, RepoIndex, RetrievalConfig
from retrieval.literals import (
    SourceText,
    extract_literals,
    file_literal_scores,
    find_literals,
    symbol_literal_scores,
)

CONFIG = RetrievalConfig(dense=False)


def test_messages_quoted_texts_and_options_are_extracted():
    issue = """Crash with `--ignore-paths=foo`
<!-- Please describe "what the template says" here -->
    raise ValueError("bad input")
ValueError: Cannot convert 'x1' to a quantity with unit m/s
See the 'strict mode' docs."""
    texts = {lit.text: lit.kind for lit in extract_literals(issue)}
    assert texts["Cannot convert 'x1' to a quantity with unit m/s"] == "message"
    assert texts["to a quantity with unit m/s"] == "message"  # the fixed part of a formatted message
    assert texts["ignore-paths"] == "quoted"  # options are spelled without dashes and value in source
    assert texts["strict mode"] == "quoted"
    assert "what the template says" not in texts  # HTML comments are template text, not the reporter's


def test_rare_literals_weigh_more_and_common_ones_are_ignored():
    source = SourceText(["a.py", "b.py", "c.py"], [b"x = 'rare text'\n", b"y = 'shared'\n", b"z = 'shared'\n"])
    literals = extract_literals("I see `rare text` and `shared` everywhere")
    scores = file_literal_scores(find_literals(literals, source, max_files=2), source)
    assert scores == {"a.py": 1.0, "b.py": 0.5, "c.py": 0.5}
    assert "b.py" not in file_literal_scores(find_literals(literals, source, max_files=1), source)


def test_a_quoted_error_message_finds_the_raising_file_and_function(shop_repo):
    index = RepoIndex.open(shop_repo, CONFIG)
    issue = "Reserving fails\n\nValueError: not enough stock\n"
    hits = find_literals(extract_literals(issue), index.source_text)
    symbols = symbol_literal_scores(hits, index.source_text, lambda p: index.entries[p].parsed.symbols)
    assert symbols == {("shop/inventory.py", "Inventory.reserve"): 2.0}
    config = CONFIG.model_copy(update={"weights": {"literal": 1.0}, "symbol_weights": {"literal": 1.0}})
    localizer = Localizer(index, config)
    assert localizer.rank_files(issue)[0][0] == "shop/inventory.py"
    top = localizer.localize(issue, top_k=1)[0]
    assert top.key == "shop/inventory.py::Inventory.reserve"
    assert "literal #1" in top.reasons


def test_lines_are_counted_in_bytes_past_non_ascii_text():
    source = SourceText(["m.py"], ["# café ünïcode\n\ndef f():\n    raise ValueError('boom here')\n".encode()])
    [hit] = find_literals(extract_literals("`boom here`"), source)
    assert source.line_of(hit.file, hit.offsets[0]) == 4
