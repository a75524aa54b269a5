from flagparse import Option, Parser
from flagparse.tokens import tokenize


def test_inline_value_keeps_equals_signs():
    parser = Parser("query").add(Option("filter"))
    assert parser.parse(["--filter=status=open"])["filter"] == "status=open"


def test_inline_value_with_trailing_equals():
    tokens = tokenize(["--token=abc123=="])
    assert tokens[0].text == "token"
    assert tokens[0].value == "abc123=="
