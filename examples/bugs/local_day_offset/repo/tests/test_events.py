from datetime import datetime, timezone

import pytest

from logday import parse_line, parse_lines
from logday.events import ParseError


def test_parse_line():
    event = parse_line("2024-03-01T23:15:00Z get /index.html 200 512")
    assert event.when == datetime(2024, 3, 1, 23, 15, tzinfo=timezone.utc)
    assert (event.method, event.path, event.status, event.size) == ("GET", "/index.html", 200, 512)


def test_bad_lines():
    with pytest.raises(ParseError):
        parse_line("2024-03-01T23:15:00 GET / 200 1")
    with pytest.raises(ParseError):
        parse_line("garbage")


def test_skips_comments_and_blanks():
    assert len(parse_lines(["# header", "", "2024-03-01T00:00:00Z GET / 200 1"])) == 1
