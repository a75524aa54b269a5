import pytest

from wire import parse_cookie_header, parse_request
from wire.request import BadRequest


def test_parse_request_line_and_body():
    req = parse_request(b"POST /api HTTP/1.1\r\nhost: example.org\r\n\r\n{}")
    assert (req.method, req.target, req.body) == ("POST", "/api", b"{}")
    assert req.headers["Host"] == "example.org"
    assert req.content_length == 2


def test_bad_requests():
    with pytest.raises(BadRequest):
        parse_request(b"GET /\r\n\r\n")
    with pytest.raises(BadRequest):
        parse_request(b"GET / HTTP/1.1\r\nno-colon-here\r\n\r\n")


def test_cookie_parsing():
    assert parse_cookie_header('a=1; b="hello%20world"; junk') == {"a": "1", "b": "hello world"}
