"""Quoted texts and error messages matched inside string constants only (retrieval.strings)."""

from retrieval.literals import Literal, SourceText, extract_literals
from retrieval.strings import find_in_strings, string_spans, word_windows

RAISER = b'''"""Names may not contain a dot, says this docstring."""


def check(name):
    # may not contain a dot: a comment, not a message
    if "." in name:
        raise ValueError(f"Blueprint name {name!r} may not contain a dot")
'''
MENTIONER = b'''def may_not(contain, a, dot):
    """may not contain a dot (a docstring)."""
    return contain
'''


def test_string_spans_leave_out_docstrings_and_comments():
    spans = string_spans("m.py", RAISER)
    texts = [RAISER[a:b].decode() for a, b in spans]
    assert texts == ['"."', 'f"Blueprint name {name!r} may not contain a dot"']


def test_a_formatted_message_is_found_by_its_word_runs_in_the_raising_file_only():
    issue = "Bad names pass\n\n```\nValueError: Blueprint name 'a.b' may not contain a dot\n```\n"
    literals = extract_literals(issue)
    assert "may not contain a" in word_windows(literals[0].text)
    source = SourceText(["raiser.py", "mentioner.py"], [RAISER, MENTIONER])
    spans = {"raiser.py": string_spans("raiser.py", RAISER), "mentioner.py": string_spans("mentioner.py", MENTIONER)}
    hits = find_in_strings(literals, source, spans.__getitem__)
    assert {source.paths[h.file] for h in hits} == {"raiser.py"}
    assert max(h.weight for h in hits) == 2.0  # an exception message, in one file


def test_a_quoted_word_that_is_only_an_identifier_finds_nothing():
    source = SourceText(["mentioner.py"], [MENTIONER])
    hits = find_in_strings([Literal("contain", "quoted")], source,
                           lambda p: string_spans(p, MENTIONER))
    assert hits == []
